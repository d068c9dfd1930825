// Column layout measured in terminal cells, not UTF-16 units, so CJK and emoji (two cells wide)
// keep columns aligned. string-width measures each grapheme; truncation is done here per
// grapheme because cli-truncate overshoots by one cell when a wide character straddles the cut.
import stringWidth from 'string-width';
import { GraphemeSegmenter } from '../text/grapheme-segmenter.js';

export { stringWidth };

const segmenter = new GraphemeSegmenter(undefined, { granularity: 'grapheme' });

/** Truncates to at most `width` cells, ending in … when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

/** Pads (or truncates with …) to exactly `width` cells. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - stringWidth(cut)));
  return align === 'left' ? cut + pad : pad + cut;
}

/** Rows of cells → aligned lines; `right` lists the columns to right-align (numbers). */
export function formatTable(rows: string[][], right: number[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, stringWidth(cell));
    });
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 && !right.includes(i) ? cell : fit(cell, widths[i]!, right.includes(i) ? 'right' : 'left')))
      .join('  ')
      .trimEnd(),
  );
}
