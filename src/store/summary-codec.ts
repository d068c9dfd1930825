// Summary fields ⇄ a compact JSON row for the summary store. Positional arrays instead of objects
// keep 100k rows small on disk; strings are sanitized again on the way out, so a store file edited
// by hand (or written by an older, buggier version) still cannot put escape sequences on screen.
import type { Address, Flag, MessageSummary } from '../domain/index.js';
import type { HeaderSummary } from '../mime/header-summary.js';
import { sanitizeLine } from '../text/sanitize.js';

/** What a row holds besides the UID and flags (the same for server and local messages). */
export type StoredFields = HeaderSummary & { size: number };

type AddressRow = [string, string];
/** [date ms, from, to, cc, subject, size, hasAttachments, messageId, inReplyTo, references] */
type SummaryRow = [number, AddressRow[], AddressRow[], AddressRow[], string, number, 0 | 1, string?, string?, string[]?];

/** A hostile row cannot make a summary (or the threader's work) large. */
const MAX_REFERENCES = 50;

const packAddresses = (list: Address[]): AddressRow[] => list.map((a) => [a.name, a.address]);

function unpackAddresses(value: unknown): Address[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((a) => (Array.isArray(a) ? [{ name: sanitizeLine(String(a[0] ?? '')), address: sanitizeLine(String(a[1] ?? '')) }] : []));
}

export function encodeSummary(s: StoredFields): string {
  const row: SummaryRow = [s.date.getTime(), packAddresses(s.from), packAddresses(s.to), packAddresses(s.cc), s.subject, s.size, s.hasAttachments ? 1 : 0];
  const refs = s.references?.length ? s.references : undefined;
  if (s.messageId !== undefined || s.inReplyTo !== undefined || refs) row.push(s.messageId ?? '');
  if (s.inReplyTo !== undefined || refs) row.push(s.inReplyTo ?? '');
  if (refs) row.push(refs);
  return JSON.stringify(row);
}

/** Flags are kept in their own column (they change far more often than the rest). */
export function encodeFlags(flags: readonly Flag[]): string {
  return flags.join(' ');
}

export function decodeFlags(value: string | null): Flag[] {
  return value ? value.split(' ').filter(Boolean) : [];
}

/** Null when the row is not one this version wrote (the caller refetches or reparses it). */
export function decodeFields(json: string): StoredFields | null {
  let row: unknown;
  try {
    row = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(row) || row.length < 7 || typeof row[0] !== 'number') return null;
  const fields: StoredFields = {
    date: new Date(row[0]),
    from: unpackAddresses(row[1]),
    to: unpackAddresses(row[2]),
    cc: unpackAddresses(row[3]),
    subject: sanitizeLine(String(row[4] ?? '')),
    size: Number(row[5]) || 0,
    hasAttachments: row[6] === 1,
  };
  if (typeof row[7] === 'string' && row[7]) fields.messageId = sanitizeLine(row[7]);
  if (typeof row[8] === 'string' && row[8]) fields.inReplyTo = sanitizeLine(row[8]);
  if (Array.isArray(row[9])) {
    const refs = row[9]
      .filter((r): r is string => typeof r === 'string')
      .slice(-MAX_REFERENCES)
      .map(sanitizeLine);
    if (refs.length) fields.references = refs;
  }
  return fields;
}

/** A server message's summary (IMAP rows). */
export function decodeSummary(uid: number, flags: string | null, json: string): MessageSummary | null {
  const fields = decodeFields(json);
  if (!fields) return null;
  return { uid, flags: decodeFlags(flags), ...fields, location: { kind: 'server' } };
}
