// Display headers (From/To/Cc/Reply-To/Date/Subject/ids) and the full-headers view, built from
// the raw header lines so that one decoding path (with the 8-bit fallback) serves both.
import { parseAddressHeader, type HeaderLines } from 'mailparser';
import type { Address } from '../domain/index.js';
import { decodeEncodedWords, decodeHeaderBytes, unfold } from './header-text.js';
import { sanitizeLine } from '../text/sanitize.js';
import type { ParsedMessage } from './types.js';

/** Enough for any real header; a longer one is cut so a hostile header cannot flood the view. */
const MAX_HEADER_LINE_CHARS = 8192;

/** The header part of a ParsedMessage, built from the raw header lines. */
export type DisplayHeaders = Pick<
  ParsedMessage,
  'from' | 'to' | 'cc' | 'replyTo' | 'date' | 'subject' | 'messageId' | 'inReplyTo' | 'references' | 'headerLines'
>;

interface HeaderField {
  key: string;
  name: string;
  value: string;
}

export function buildDisplayHeaders(lines: HeaderLines | undefined, warnings: string[]): DisplayHeaders {
  const fields: HeaderField[] = [];
  let fellBack = false;
  let invalid = 0;
  for (const { key, line } of lines ?? []) {
    const decoded = decodeHeaderBytes(unfold(line));
    const colon = decoded.text.indexOf(':');
    const name = colon > 0 ? decoded.text.slice(0, colon).trim() : '';
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
      // Not a header at all (body text or binary garbage where headers should be).
      if (decoded.text.trim() !== '' && decoded.text.trim() !== ':') invalid++;
      continue;
    }
    fellBack ||= decoded.fellBack;
    fields.push({ key, name, value: decoded.text.slice(colon + 1).trim() });
  }
  if (fellBack) warnings.push('Some headers contain undeclared 8-bit text; it was read as Windows-1252.');
  if (invalid > 0) warnings.push(`${invalid} malformed header line${invalid === 1 ? ' was' : 's were'} ignored.`);

  const first = (key: string): string | undefined => fields.find((f) => f.key === key)?.value;
  const all = (key: string): string[] => fields.filter((f) => f.key === key).map((f) => f.value);

  if (fields.length === 0) warnings.push('The message has no headers.');
  else if (first('from') === undefined) warnings.push('The message has no From header.');

  return {
    from: addresses(all('from')),
    to: addresses(all('to')),
    cc: addresses(all('cc')),
    replyTo: addresses(all('reply-to')),
    date: parseDate(first('date'), fields.length > 0, warnings),
    subject: cap(oneLine(decodeEncodedWords(first('subject') ?? ''))),
    messageId: messageId(first('message-id')),
    inReplyTo: messageId(first('in-reply-to')),
    references: messageIds(all('references').join(' ')),
    headerLines: fields.map((f) => cap(oneLine(`${f.name}: ${decodeEncodedWords(f.value)}`))),
  };
}

function oneLine(s: string): string {
  return sanitizeLine(s).replace(/ {2,}/g, ' ').trim();
}

function cap(s: string): string {
  return s.length > MAX_HEADER_LINE_CHARS ? `${s.slice(0, MAX_HEADER_LINE_CHARS)}…` : s;
}

function addresses(values: string[]): Address[] {
  if (values.length === 0) return [];
  let parsed;
  try {
    // Sanitize first: the address parser drops a bare ESC but would keep the rest of its sequence.
    parsed = parseAddressHeader(values.map(sanitizeLine), { flatten: true }).value;
  } catch {
    return values.map((v) => ({ name: cap(oneLine(decodeEncodedWords(v))), address: '' }));
  }
  return parsed.map((a) => ({ name: cap(oneLine(a.name ?? '')), address: cap(oneLine(a.address ?? '')) })).filter((a) => a.name !== '' || a.address !== '');
}

function parseDate(value: string | undefined, hasHeaders: boolean, warnings: string[]): Date | undefined {
  if (value === undefined) {
    if (hasHeaders) warnings.push('The message has no Date header.');
    return undefined;
  }
  const date = new Date(value.replace(/\s*\([^)]*\)\s*$/, '')); // drop a trailing "(UTC)" comment
  if (Number.isNaN(date.getTime())) {
    warnings.push(`Unreadable Date header: "${cap(oneLine(value)).slice(0, 80)}".`);
    return undefined;
  }
  return date;
}

function messageId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const id = messageIds(value)[0];
  return id === undefined ? undefined : id;
}

function messageIds(value: string): string[] {
  const decoded = oneLine(value);
  const bracketed = decoded.match(/<[^<>\s]*>/g);
  const ids = bracketed ?? decoded.split(/\s+/).filter((s) => s !== '');
  return ids.slice(0, 1000).map(cap);
}
