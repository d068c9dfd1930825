// Checks and fallbacks that need the raw bytes rather than mailparser's result: a message whose
// MIME structure is too broken to yield any text is shown as raw text instead of as nothing, and
// a multipart message whose closing boundary never came is reported as truncated.
import libmime from 'libmime';
import type { HeaderLines } from 'mailparser';
import { decodeHeaderBytes, unfold } from './header-text.js';

const HEADER_LINE = /^(?:[\x21-\x39\x3b-\x7e]+[ \t]*:|[ \t])/;

/** The body part of the raw message (or all of it when it has no valid header block), decoded. */
export function rawBodyFallback(rawHead: Buffer): string {
  const text = rawHead.toString('latin1');
  const split = /\r?\n\r?\n/.exec(text);
  const headerBlock = split ? text.slice(0, split.index) : text;
  const headersValid = headerBlock !== '' && headerBlock.split(/\r?\n/).every((line) => HEADER_LINE.test(line));
  const body = headersValid ? (split ? text.slice(split.index + split[0].length) : '') : text;
  return decodeHeaderBytes(body).text;
}

/** True when the top-level multipart boundary is declared but its closing line is not at the end. */
export function closingBoundaryMissing(lines: HeaderLines | undefined, rawTail: Buffer): boolean {
  const line = lines?.find((l) => l.key === 'content-type')?.line;
  if (!line) return false;
  let parsed;
  try {
    parsed = libmime.parseHeaderValue(unfold(line).replace(/^[^:]*:/, ''));
  } catch {
    return false;
  }
  const boundary = parsed.params?.boundary;
  if (!/^multipart\//i.test(parsed.value ?? '') || typeof boundary !== 'string' || boundary === '') return false;
  return !rawTail.includes(Buffer.from(`--${boundary}--`, 'latin1'));
}

/** A message the UI thread may parse itself is at most this long (its real length, not the server's word). */
export const IN_THREAD_PARSE_BYTES = 128 * 1024;

/**
 * Shapes where a parsing or HTML library's cost can grow faster than the message's size: a small
 * message with any of them goes to the worker too (which only costs a round trip there).
 */
export const IN_THREAD_LIMITS = {
  /** The top-level header block. */
  headerBlockBytes: 64 * 1024,
  /** One header field, folded lines joined (a 100,000-character subject). */
  headerFieldBytes: 8 * 1024,
  lineBytes: 64 * 1024,
  /** Lines starting with "--": boundaries of (possibly nested) parts. */
  boundaryLines: 256,
  /** Open HTML elements at one time (deeply nested or never closed tags). */
  tagDepth: 256,
  tags: 20_000,
} as const;

export type InThreadLimits = { [K in keyof typeof IN_THREAD_LIMITS]: number };

const LF = 0x0a;
const LT = 0x3c;
const VOID_TAG = /^(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr|!|\?)/i;

/**
 * Why a message of at most IN_THREAD_PARSE_BYTES must still be parsed in the worker, or undefined
 * when the UI thread may parse it. One linear pass over the bytes. A base64 text/html part is
 * sent to the worker unread: its markup cannot be judged without decoding it.
 */
export function inThreadParseRisk(raw: Buffer, limits: InThreadLimits = IN_THREAD_LIMITS): string | undefined {
  if (raw.length > IN_THREAD_PARSE_BYTES) return `larger than ${IN_THREAD_PARSE_BYTES} bytes`;
  let start = 0;
  let inHeaders = true;
  let topLevel = true;
  let field = 0;
  let partType = '';
  let partEncoding = '';
  let last: 'type' | 'encoding' | '' = '';
  let boundaries = 0;
  while (start < raw.length) {
    let end = raw.indexOf(LF, start);
    if (end === -1) end = raw.length;
    const length = end - start;
    if (length > limits.lineBytes) return `a line longer than ${limits.lineBytes} bytes`;
    const bare = length === 0 || (length === 1 && raw[start] === 0x0d);
    if (raw[start] === 0x2d && raw[start + 1] === 0x2d) {
      if (++boundaries > limits.boundaryLines) return `more than ${limits.boundaryLines} part boundaries`;
      // A part's own header block follows its boundary line.
      inHeaders = true;
      partType = '';
      partEncoding = '';
      last = '';
      field = 0;
    } else if (inHeaders) {
      if (bare) {
        if (/text\/html/i.test(partType) && /base64/i.test(partEncoding)) return 'a base64-encoded HTML part';
        inHeaders = false;
        topLevel = false;
      } else {
        const continued = raw[start] === 0x20 || raw[start] === 0x09;
        field = continued ? field + length : length;
        if (field > limits.headerFieldBytes) return `a header field longer than ${limits.headerFieldBytes} bytes`;
        if (topLevel && end > limits.headerBlockBytes) return `a header block larger than ${limits.headerBlockBytes} bytes`;
        const text = raw.toString('latin1', start, Math.min(end, start + 200));
        if (!continued) last = /^content-type:/i.test(text) ? 'type' : /^content-transfer-encoding:/i.test(text) ? 'encoding' : '';
        if (last === 'type') partType += text;
        else if (last === 'encoding') partEncoding += text;
      }
    }
    start = end + 1;
  }
  return htmlRisk(raw, limits);
}

/** Counts tags and their nesting over the whole message (a cheap over-estimate is fine). */
function htmlRisk(raw: Buffer, limits: InThreadLimits): string | undefined {
  let tags = 0;
  let depth = 0;
  let at = raw.indexOf(LT);
  while (at !== -1) {
    const next = raw[at + 1];
    if (next === 0x2f) depth = Math.max(0, depth - 1);
    else if (next !== undefined && (next | 0x20) >= 0x61 && (next | 0x20) <= 0x7a) {
      if (++tags > limits.tags) return `more than ${limits.tags} HTML tags`;
      const name = raw.toString('latin1', at + 1, Math.min(raw.length, at + 8));
      // Within the next 1 KB only: a message of '<' without '>' must not make this quadratic.
      const close = raw.subarray(at, at + 1024).indexOf(0x3e);
      const selfClosing = close > 0 && raw[at + close - 1] === 0x2f;
      if (!VOID_TAG.test(name) && !selfClosing && ++depth > limits.tagDepth) return `HTML nested deeper than ${limits.tagDepth}`;
    }
    at = raw.indexOf(LT, at + 1);
  }
  return undefined;
}
