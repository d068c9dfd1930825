// Wraps body text to the reader pane's width in terminal columns (not UTF-16 units), so CJK,
// emoji and combining marks line up. Quoted replies keep their "> " prefix on every wrapped
// line, and indented text keeps its indent, so the structure of a conversation stays readable.
//
// The wrapping itself is a plain greedy word wrap over display-width.ts. We started with
// wrap-ansi, but it measures text with string-width character by character when it hard-wraps
// and took ~6 ms per 2,600-character non-ASCII line (10 s for a long Japanese mail); our text is
// sanitized (no ANSI to preserve), so the simple algorithm is all that is needed.
import { displayWidth, splitAtWidth } from './display-width.js';
import { sanitizeText } from './sanitize.js';

const QUOTE_PREFIX = /^(?:[ \t]*>)+[ \t]?/;
const INDENT = /^[ \t]+/;

export function renderBody(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  const out: string[] = [];
  // Body text from parseMessage is sanitized already; doing it again keeps this safe on its own.
  for (const line of sanitizeText(text).split('\n')) {
    if (displayWidth(line) <= w) {
      out.push(line);
      continue;
    }
    let prefix = (QUOTE_PREFIX.exec(line) ?? INDENT.exec(line))?.[0] ?? '';
    // A prefix eating more than half the pane would leave a sliver for text: wrap without it.
    if (displayWidth(prefix) > w / 2) prefix = '';
    for (const piece of wrapWords(line.slice(prefix.length), w - displayWidth(prefix))) out.push(prefix + piece);
  }
  return out;
}

/**
 * Greedy word wrap: breaks at spaces, drops the spaces at a break, keeps runs of spaces inside a
 * line, and hard-wraps a word wider than the line (long URLs, CJK runs without spaces) by
 * graphemes. Every returned line is at most `width` columns, except a single grapheme wider than
 * `width` (a 2-column character in a 1-column pane), which gets a line of its own.
 */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  let gap = ''; // spaces seen since the last word, emitted only if the next word fits
  for (const token of text.split(/( +)/)) {
    if (token === '') continue;
    if (token.startsWith(' ')) {
      gap = token;
      continue;
    }
    const tokenWidth = displayWidth(token);
    const gapWidth = line === '' ? 0 : gap.length;
    if (lineWidth + gapWidth + tokenWidth <= width) {
      line += (line === '' ? '' : gap) + token;
      lineWidth += gapWidth + tokenWidth;
    } else if (tokenWidth <= width) {
      if (line !== '') lines.push(line);
      line = token;
      lineWidth = tokenWidth;
    } else {
      // Overlong word: start it on a fresh line and cut it by graphemes.
      if (line !== '') lines.push(line);
      let rest = token;
      for (;;) {
        const { head, rest: tail } = splitAtWidth(rest, width, true);
        if (tail === '') {
          line = head;
          lineWidth = displayWidth(head);
          break;
        }
        lines.push(head);
        rest = tail;
      }
    }
    gap = '';
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}
