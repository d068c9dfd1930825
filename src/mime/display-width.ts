// Terminal column arithmetic for the UI. JavaScript's `length` counts UTF-16 units, which is
// wrong for CJK (2 columns), emoji sequences (one glyph from many code points) and combining
// marks (0 columns); string-width knows the Unicode width tables, Intl.Segmenter knows where a
// user-perceived character (grapheme) ends, so we never cut a surrogate pair or a ZWJ sequence.
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Columns `s` occupies in a terminal. */
export function displayWidth(s: string): number {
  return stringWidth(s);
}

/**
 * The longest prefix of whole graphemes that fits in `width` columns, and the rest. With
 * `atLeastOne`, a first grapheme wider than `width` is still taken (so a loop always advances).
 */
export function splitAtWidth(s: string, width: number, atLeastOne = false): { head: string; rest: string } {
  let used = 0;
  let cut = 0;
  for (const { segment, index } of graphemes.segment(s)) {
    const w = stringWidth(segment);
    if (used + w > width && !(atLeastOne && index === 0)) return { head: s.slice(0, index), rest: s.slice(index) };
    used += w;
    cut = index + segment.length;
  }
  return { head: s.slice(0, cut), rest: s.slice(cut) };
}

/** `s` cut to at most `width` columns, ending in `ellipsis` when something was cut. */
export function truncateToWidth(s: string, width: number, ellipsis = '…'): string {
  const max = Math.max(0, Math.floor(width));
  if (stringWidth(s) <= max) return s;
  const ellipsisWidth = stringWidth(ellipsis);
  if (ellipsisWidth > max) return splitAtWidth(s, max).head;
  return splitAtWidth(s, max - ellipsisWidth).head + ellipsis;
}

/** Exactly `width` columns: truncated with an ellipsis if too wide, else padded with spaces. */
export function padToWidth(s: string, width: number, ellipsis = '…'): string {
  const max = Math.max(0, Math.floor(width));
  const fitted = truncateToWidth(s, max, ellipsis);
  return fitted + ' '.repeat(Math.max(0, max - stringWidth(fitted)));
}
