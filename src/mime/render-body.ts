// Wraps body text to the reader pane's width in terminal columns (not UTF-16 units), so CJK,
// emoji and combining marks line up. Quoted replies keep their "> " prefix on every wrapped
// line, and indented text keeps its indent, so the structure of a conversation stays readable.
// Note: wrap-ansi normalizes wrapped lines to NFC (e + U+0301 becomes é); that looks the same.
import wrapAnsi from 'wrap-ansi';
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
    const rest = line.slice(prefix.length);
    const wrapped = wrapAnsi(rest, w - displayWidth(prefix), { hard: true, trim: true, wordWrap: true });
    // wrap-ansi emits empty lines when a 2-column glyph meets a 1-column width; skip those.
    const pieces = wrapped.split('\n').filter((piece) => piece !== '');
    for (const piece of pieces.length > 0 ? pieces : ['']) pushFitted(out, prefix + piece, w);
  }
  return out;
}

/** Safety net: wrap-ansi cannot fit a 2-column glyph into 1 column; split by graphemes instead. */
function pushFitted(out: string[], line: string, width: number): void {
  let rest = line;
  let pushed = false;
  while (displayWidth(rest) > width) {
    const { head, rest: tail } = splitAtWidth(rest, width, true);
    out.push(head);
    pushed = true;
    rest = tail;
  }
  if (rest !== '' || !pushed) out.push(rest);
}
