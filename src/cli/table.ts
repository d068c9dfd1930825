// Column layout measured in terminal cells, not UTF-16 units, so CJK and emoji (two cells wide)
// keep columns aligned. string-width measures, cli-truncate cuts at a cell boundary.
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';

export { stringWidth };

/** Pads (or truncates with …) to exactly `width` cells. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const cut = stringWidth(text) > width ? cliTruncate(text, width, { position: 'end' }) : text;
  const pad = ' '.repeat(Math.max(0, width - stringWidth(cut)));
  return align === 'left' ? cut + pad : pad + cut;
}

/** Truncates to at most `width` cells (no padding). */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  return stringWidth(text) > width ? cliTruncate(text, width, { position: 'end' }) : text;
}

/** Rows of cells → aligned lines; `right` lists the columns to right-align (numbers). */
export function formatTable(rows: string[][], right: number[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, stringWidth(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 && !right.includes(i) ? cell : fit(cell, widths[i]!, right.includes(i) ? 'right' : 'left')))
      .join('  ')
      .trimEnd(),
  );
}
