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
