// Wraps body text to the reader pane's width in terminal columns (not UTF-16 units), so CJK,
// emoji and combining marks line up. Quoted replies keep their "> " prefix on every wrapped
// line, and indented text keeps its indent, so the structure of a conversation stays readable.
//
// The wrapping itself is a plain greedy word wrap over display-width.ts. We started with
// wrap-ansi, but it measures text with string-width character by character when it hard-wraps
// and took ~6 ms per 2,600-character non-ASCII line (10 s for a long Japanese mail); our text is
// sanitized (no ANSI to preserve), so the simple algorithm is all that is needed.
import { displayWidth, splitAtWidth } from '../text/display-width.js';
import { sanitizeText } from '../text/sanitize.js';

const QUOTE_PREFIX = /^(?:[ \t]*>)+[ \t]?/;
const INDENT = /^[ \t]+/;

export function renderBody(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  const out: string[] = [];
  // Body text from parseMessage is sanitized already; doing it again keeps this safe on its own.
  for (const line of sanitizeText(text).split('\n')) {
    if (measurable(line, w) && displayWidth(line) <= w) {
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
    // A token too long to measure cheaply is wider than the line in any real text: cut it.
    const tokenWidth = measurable(token, width) ? displayWidth(token) : Infinity;
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
      let pos = 0;
      for (;;) {
        const head = headAtWidth(token, pos, width);
        pos += head.length;
        if (pos >= token.length) {
          line = head;
          lineWidth = displayWidth(head);
          break;
        }
        lines.push(head);
      }
    }
    gap = '';
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * Whether `s` is short enough to measure whole. Measuring is linear only for short strings:
 * V8's Intl.Segmenter (behind string-width) is quadratic in the length of the string it
 * segments (8,000 "é" took 171 ms, 64,000 chars of emoji 1.2 s, Node 20), so long text is only
 * ever measured a window at a time. A string of more than 4 chars per column is treated as
 * wider than the line (only runs of zero-width marks could make it fit).
 */
function measurable(s: string, width: number): boolean {
  return s.length <= width * 4 + 64;
}

/**
 * The longest run of whole graphemes of `text` from `start` that fits in `width` columns (at
 * least one grapheme). Measures only a window a little wider than the line, not the whole rest
 * of the word: measuring the rest for every cut made one long line quadratic (a 200k-character
 * CJK line took 32 s). A window that fits entirely (zero-width marks) is doubled until it does
 * not, or until it reaches the end of the text.
 */
function headAtWidth(text: string, start: number, width: number): string {
  let size = width + 16;
  for (;;) {
    const end = Math.min(text.length, start + size);
    const { head, rest } = splitAtWidth(text.slice(start, end), width, true);
    // A cut inside the window is a grapheme boundary of the whole text: the segmenter saw the
    // code points on both sides of it.
    if (rest !== '' || end === text.length) return head;
    size *= 2;
  }
}
