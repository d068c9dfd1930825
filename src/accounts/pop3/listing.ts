// Parses the bodies of LIST ("n size") and UIDL ("n uid") replies. A malformed line or a repeated
// UIDL is an error, not something to guess around: guessing wrong means deleting unread mail.
import { AccountError } from '../../domain/index.js';

export interface ScanEntry {
  msg: number;
  size: number;
}

export interface UidlEntry {
  msg: number;
  uidl: string;
}

// RFC 1939 §7: 1 to 70 characters in the range 0x21 to 0x7E.
const UIDL_RE = /^(\d{1,9}) ([\x21-\x7e]{1,70})$/;
const SCAN_RE = /^(\d{1,9}) (\d{1,15})(?: .*)?$/;

function lines(body: Buffer): string[] {
  return body
    .toString('latin1')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.length > 0);
}

export function parseUidlListing(body: Buffer, where: string): UidlEntry[] {
  const out: UidlEntry[] = [];
  const seen = new Set<string>();
  for (const line of lines(body)) {
    const m = UIDL_RE.exec(line);
    if (!m) throw new AccountError('protocol', `${where}: the server sent a malformed UIDL line`);
    const uidl = m[2]!;
    if (seen.has(uidl)) {
      throw new AccountError('protocol', `${where}: the server reports the same UIDL for two messages; refusing to sync so no mail is deleted by mistake`);
    }
    seen.add(uidl);
    out.push({ msg: Number(m[1]), uidl });
  }
  return out;
}

export function parseScanListing(body: Buffer, where: string): ScanEntry[] {
  const out: ScanEntry[] = [];
  for (const line of lines(body)) {
    const m = SCAN_RE.exec(line);
    if (!m) throw new AccountError('protocol', `${where}: the server sent a malformed LIST line`);
    out.push({ msg: Number(m[1]), size: Number(m[2]) });
  }
  return out;
}
