// Parses the bodies of LIST ("n size") and UIDL ("n uid") replies. A malformed line or a repeated
// UIDL is an error, not something to guess around: guessing wrong means deleting unread mail.
//
// Lines are read as bytes where they are (10,000 messages are 10,000 lines per listing): no
// string per line, no regular expression; only the UIDL itself becomes a string.
import { AccountError } from '../../domain/index.js';

export interface ScanEntry {
  msg: number;
  size: number;
}

export interface UidlEntry {
  msg: number;
  uidl: string;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** RFC 1939 §7: a UIDL is 1 to 70 characters in the range 0x21 to 0x7E. */
const UIDL_MIN = 0x21;
const UIDL_MAX = 0x7e;
const UIDL_MAX_LENGTH = 70;
const MSG_MAX_DIGITS = 9;
const SIZE_MAX_DIGITS = 15;

// Lines are walked in the parsers' own loops, not by a callback per line: the UIDL parse is on the
// way to the first RETR, in a process that runs it once (cold code), where a call per line cost
// about as much as the parsing itself.

/** Where the line at `start` ends: its LF, or the end of `body`. */
function lineFeed(body: Buffer, start: number): number {
  const nl = body.indexOf(LF, start);
  return nl === -1 ? body.length : nl;
}

/** The end of the line's text: before its LF and one CR before that (a line of just "\r" is empty). */
function textEnd(body: Buffer, start: number, nl: number): number {
  return nl > start && body[nl - 1] === CR ? nl - 1 : nl;
}

/** Where the run of 1 to `max` digits at `start` ends, or -1 (none, or too many). */
function digitsEnd(body: Buffer, start: number, end: number, max: number): number {
  let i = start;
  while (i < end && body[i]! >= DIGIT_0 && body[i]! <= DIGIT_9) i++;
  return i === start || i - start > max ? -1 : i;
}

/** The decimal number `body[start, end)` (digits only, at most 15 of them: exact as a double). */
function decimal(body: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + body[i]! - DIGIT_0;
  return n;
}

export function parseUidlListing(body: Buffer, where: string): UidlEntry[] {
  const out: UidlEntry[] = [];
  const seen = new Set<string>();
  for (let start = 0, nl = 0; start < body.length; start = nl + 1) {
    nl = lineFeed(body, start);
    const end = textEnd(body, start, nl);
    if (end > start) {
      const msgEnd = digitsEnd(body, start, end, MSG_MAX_DIGITS);
      const from = msgEnd + 1;
      let ok = msgEnd !== -1 && body[msgEnd] === SPACE && end > from && end - from <= UIDL_MAX_LENGTH;
      for (let i = from; ok && i < end; i++) ok = body[i]! >= UIDL_MIN && body[i]! <= UIDL_MAX;
      if (!ok) throw new AccountError('protocol', `${where}: the server sent a malformed UIDL line`);
      const uidl = body.toString('latin1', from, end);
      if (seen.has(uidl)) {
        throw new AccountError('protocol', `${where}: the server reports the same UIDL for two messages; refusing to sync so no mail is deleted by mistake`);
      }
      seen.add(uidl);
      out.push({ msg: decimal(body, start, msgEnd), uidl });
    }
  }
  return out;
}

export function parseScanListing(body: Buffer, where: string): ScanEntry[] {
  const out: ScanEntry[] = [];
  for (let start = 0, nl = 0; start < body.length; start = nl + 1) {
    nl = lineFeed(body, start);
    const end = textEnd(body, start, nl);
    if (end === start) continue;
    const msgEnd = digitsEnd(body, start, end, MSG_MAX_DIGITS);
    const sizeEnd = msgEnd === -1 || body[msgEnd] !== SPACE ? -1 : digitsEnd(body, msgEnd + 1, end, SIZE_MAX_DIGITS);
    // What may follow the size (RFC 1939 allows more after a space): anything but a CR.
    let ok = sizeEnd !== -1 && (sizeEnd === end || body[sizeEnd] === SPACE);
    for (let i = sizeEnd + 1; ok && i < end; i++) ok = body[i] !== CR;
    if (!ok) throw new AccountError('protocol', `${where}: the server sent a malformed LIST line`);
    out.push({ msg: decimal(body, start, msgEnd), size: decimal(body, msgEnd + 1, sizeEnd) });
  }
  return out;
}
