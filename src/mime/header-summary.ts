// The one header -> summary function: MessageSummary fields from a raw header block (the bytes
// before the first blank line), without the body. Unfolds with libmime, decodes encoded words,
// parses addresses with nodemailer's addressparser. Used for local (POP3/Maildir) messages and for
// the References IMAP fetches when it threads locally. Strings are sanitized here already (defence
// in depth: the UI sanitizes too) because they come straight from a remote sender.
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser';
import type { Address, MessageSummary } from '../domain/index.js';
import { sanitizeLine, sanitizeText } from '../text/sanitize.js';

/** A hostile message cannot make us hold more than this much header. */
export const MAX_HEADER_BYTES = 256 * 1024;

/**
 * The part of a MessageSummary read from a file's header block. `date` is the Date header when
 * parseable, else the fallback (arrival) date; `references` are capped, oldest first, for the
 * local threader; `hasAttachments` is a cheap hint from the top-level headers only
 * (multipart/mixed, a top-level `Content-Disposition: attachment`, or a whole message that is not
 * text/multipart/message), so a multipart/mixed message of inline text parts counts as having some.
 */
export type HeaderSummary = Pick<MessageSummary, 'date' | 'from' | 'to' | 'cc' | 'subject' | 'messageId' | 'inReplyTo' | 'references' | 'hasAttachments'>;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** RFC 6532 allows raw UTF-8 in headers; anything else 8-bit is read as Latin-1 rather than dropped. */
function decodeHeaderBytes(block: Buffer): string {
  try {
    return utf8.decode(block);
  } catch {
    return latin1.decode(block);
  }
}

function decodeWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

function addresses(values: string[] | undefined): Address[] {
  if (!values?.length) return [];
  const out: Address[] = [];
  for (const value of values) {
    for (const a of addressparser(value, { flatten: true })) {
      out.push({ name: sanitizeLine(decodeWords(a.name ?? '')).trim(), address: sanitizeLine(a.address ?? '').trim() });
    }
  }
  return out;
}

function first(headers: Record<string, string[]>, name: string): string | undefined {
  const v = headers[name];
  return v && v.length ? v[0] : undefined;
}

function messageIdOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /<[^<>\s]+>/.exec(value);
  const id = sanitizeLine(m ? m[0] : value.trim());
  return id || undefined;
}

/** A hostile References header cannot make a summary (or the threader's work) large. */
const MAX_REFERENCES = 50;

export function referencesOf(value: string | undefined): string[] | undefined {
  const ids = (value ?? '').match(/<[^<>\s]+>/g);
  if (!ids) return undefined;
  return ids.slice(-MAX_REFERENCES).map((id) => sanitizeLine(id));
}

function attachmentHint(headers: Record<string, string[]>): boolean {
  const disposition = first(headers, 'content-disposition');
  if (disposition && libmime.parseHeaderValue(disposition).value.toLowerCase() === 'attachment') return true;
  const type = first(headers, 'content-type');
  if (!type) return false;
  const value = libmime.parseHeaderValue(type).value.toLowerCase();
  if (value === 'multipart/mixed') return true;
  return !(value.startsWith('text/') || value.startsWith('multipart/') || value.startsWith('message/') || value === '');
}

/**
 * `block` is the header (anything after a first blank line is ignored; more than MAX_HEADER_BYTES
 * is cut off). `fallbackDate` stands in for a missing or unparseable Date header (the arrival time).
 */
export function parseHeaderSummary(block: Buffer, fallbackDate: Date): HeaderSummary {
  const capped = block.subarray(0, MAX_HEADER_BYTES);
  const end = headerEnd(capped);
  // Escape sequences go before parsing too: addressparser drops a lone ESC but keeps its payload.
  const headers = libmime.decodeHeaders(sanitizeText(decodeHeaderBytes(end >= 0 ? capped.subarray(0, end) : capped), 1), { skipPrototypeKeys: true });
  const dateValue = first(headers, 'date');
  const parsedDate = dateValue ? new Date(dateValue.replace(/\s*\([^)]*\)\s*$/, '')) : undefined;
  return {
    date: parsedDate && !Number.isNaN(parsedDate.getTime()) ? parsedDate : fallbackDate,
    from: addresses(headers['from']),
    to: addresses(headers['to']),
    cc: addresses(headers['cc']),
    subject: sanitizeLine(decodeWords(first(headers, 'subject') ?? '')).trim(),
    messageId: messageIdOf(first(headers, 'message-id')),
    inReplyTo: messageIdOf(first(headers, 'in-reply-to')),
    ...withReferences(referencesOf(headers['references']?.join(' '))),
    hasAttachments: attachmentHint(headers),
  };
}

function withReferences(refs: string[] | undefined): { references?: string[] } {
  return refs ? { references: refs } : {};
}

/** Where the header block ends (the first blank line), or -1. */
export function headerEnd(buf: Buffer, from = 0): number {
  const crlf = buf.indexOf('\r\n\r\n', from);
  const lf = buf.indexOf('\n\n', from);
  if (crlf < 0) return lf;
  if (lf < 0) return crlf;
  return Math.min(crlf, lf);
}
