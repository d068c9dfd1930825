// MessageSummary ⇄ a compact JSON row for the header cache. Positional arrays instead of objects
// keep 100k rows small on disk; strings are sanitized again on the way out, so a cache file edited
// by hand (or written by an older, buggier version) still cannot put escape sequences on screen.
import type { Address, Flag, MessageSummary } from '../domain/index.js';
import { sanitizeLine } from '../mime/sanitize.js';

type AddressRow = [string, string];
/** [date ms, from, to, cc, subject, size, hasAttachments, messageId, inReplyTo] */
type SummaryRow = [number, AddressRow[], AddressRow[], AddressRow[], string, number, 0 | 1, string?, string?];

const packAddresses = (list: Address[]): AddressRow[] => list.map((a) => [a.name, a.address]);

function unpackAddresses(value: unknown): Address[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((a) =>
    Array.isArray(a) ? [{ name: sanitizeLine(String(a[0] ?? '')), address: sanitizeLine(String(a[1] ?? '')) }] : [],
  );
}

export function encodeSummary(s: MessageSummary): string {
  const row: SummaryRow = [s.date.getTime(), packAddresses(s.from), packAddresses(s.to), packAddresses(s.cc), s.subject, s.size, s.hasAttachments ? 1 : 0];
  if (s.messageId !== undefined || s.inReplyTo !== undefined) row.push(s.messageId ?? '');
  if (s.inReplyTo !== undefined) row.push(s.inReplyTo);
  return JSON.stringify(row);
}

/** Flags are kept in their own column (they change far more often than the rest). */
export function encodeFlags(flags: readonly Flag[]): string {
  return flags.join(' ');
}

export function decodeFlags(value: string | null): Flag[] {
  return value ? value.split(' ').filter(Boolean) : [];
}

/** Null when the row is not a summary this version wrote (the caller refetches it). */
export function decodeSummary(uid: number, flags: string | null, json: string): MessageSummary | null {
  let row: unknown;
  try {
    row = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(row) || row.length < 7 || typeof row[0] !== 'number') return null;
  const summary: MessageSummary = {
    uid,
    flags: decodeFlags(flags),
    date: new Date(row[0]),
    from: unpackAddresses(row[1]),
    to: unpackAddresses(row[2]),
    cc: unpackAddresses(row[3]),
    subject: sanitizeLine(String(row[4] ?? '')),
    size: Number(row[5]) || 0,
    hasAttachments: row[6] === 1,
    location: { kind: 'server' },
  };
  if (typeof row[7] === 'string' && row[7]) summary.messageId = sanitizeLine(row[7]);
  if (typeof row[8] === 'string' && row[8]) summary.inReplyTo = sanitizeLine(row[8]);
  return summary;
}
