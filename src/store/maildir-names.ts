// Naming rules of a Maildir++ store, so mutt, neomutt, notmuch and Dovecot read what we write:
// - file name = <key>[:2,<letters>]; the key is unique and never changes when flags change;
//   `,S=<size>` inside the key lets Dovecot answer sizes without reading files.
// - INBOX is the root; folder X is root/.X, hierarchy separated by '.'; non-ASCII folder names
//   are stored in modified UTF-7 like Dovecot does.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AccountError } from '../domain/index.js';
import { normalizeLetters } from './maildir-flags.js';
import { putDecimal } from '../text/decimal-bytes.js';

const INFO_SEPARATOR = ':2,';

export interface ParsedName {
  key: string;
  /** Normalized letters; '' when the name has no info part. */
  flags: string;
}

export function parseFileName(name: string): ParsedName {
  const at = name.lastIndexOf(INFO_SEPARATOR);
  if (at < 0) return { key: name, flags: '' };
  return { key: name.slice(0, at), flags: normalizeLetters(name.slice(at + INFO_SEPARATOR.length)) };
}

/** Names in new/ carry no info; names in cur/ always do (`:2,` even with no flags). */
export function fileNameFor(key: string, dir: 'new' | 'cur', flags: string): string {
  return dir === 'new' ? key : `${key}${INFO_SEPARATOR}${normalizeLetters(flags)}`;
}

/** The size recorded in the key (`,S=1234`), if any. */
export function sizeFromKey(key: string): number | undefined {
  const m = /,S=(\d+)/.exec(key);
  return m ? Number(m[1]) : undefined;
}

let counter = 0;

// Random bytes for names come from a pool refilled 4 KiB at a time: one call into the system's
// generator per file was a visible part of the CPU of downloading 10,000 messages.
let pool = Buffer.alloc(0);
let poolAt = 0;

function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  poolAt += bytes;
  return pool.toString('hex', poolAt - bytes, poolAt);
}
// '/' and ':' would break the name; ',' starts key fields. Keep the host readable otherwise.
const HOST = hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'localhost';

/**
 * A new unique key in the classic time.MusecPpidQn.host form (plus randomness for containers that
 * share pids), for the time `ms` (the message's arrival, see arrivalFromKey).
 */
export function newKey(size: number, ms: number = Date.now()): string {
  const sec = Math.floor(ms / 1000);
  const usec = (ms % 1000) * 1000 + Math.floor(Math.random() * 1000);
  counter = (counter + 1) % 1_000_000_000;
  if (!Number.isSafeInteger(ms) || ms < 0 || !Number.isInteger(size) || size < 0 || size > MAX_PUT) {
    return `${sec}.M${usec}P${process.pid}Q${counter}R${randomHex(4)}.${HOST},S=${size}`;
  }
  // The same text written byte by byte into one buffer, then one string: a template literal made
  // about eight intermediate strings per key (a POP3 sync makes a key per message).
  const b = keyBytes;
  let at = putDecimal(b, 0, sec);
  b[at++] = 0x2e; // .
  b[at++] = 0x4d; // M
  at = putDecimal(b, at, usec);
  b[at++] = 0x50; // P
  at = putDecimal(b, at, process.pid);
  b[at++] = 0x51; // Q
  at = putDecimal(b, at, counter);
  b[at++] = 0x52; // R
  if (poolAt + 4 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  for (const end = poolAt + 4; poolAt < end; poolAt++) {
    b[at++] = HEX_DIGITS[pool[poolAt]! >> 4]!;
    b[at++] = HEX_DIGITS[pool[poolAt]! & 15]!;
  }
  at += KEY_TAIL.copy(b, at);
  at = putDecimal(b, at, size);
  return b.toString('latin1', 0, at);
}

const KEY_TAIL = Buffer.from(`.${HOST},S=`, 'latin1');
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Room for a key: five numbers of at most 16 digits, the random part and the host. */
const keyBytes = Buffer.alloc(128 + KEY_TAIL.length);

/** Sizes up to this are written digit by digit (keys hold larger ones too, as text). */
const MAX_PUT = 2 ** 40;

// A key newKey() made: seconds, then microseconds whose first three digits are the milliseconds.
const OWN_KEY = /^(\d{1,12})\.M(\d{1,6})P\d+Q\d+R[0-9a-f]{8}\./;

/**
 * The time (ms) a key of newKey() was made for, i.e. its arrival time; undefined for other
 * programs' names. A sync gives its messages strictly increasing times in the server's order, so
 * this orders them without a file's mtime (files written in one burst can share an mtime).
 */
export function arrivalFromKey(key: string): number | undefined {
  const m = OWN_KEY.exec(key);
  return m ? Number(m[1]) * 1000 + Math.floor(Number(m[2]) / 1000) : undefined;
}

/** Name of a file while it is written into tmp/ (never seen by readers of new/ and cur/). */
export function tmpName(): string {
  const [head, tail] = tmpNameParts();
  return head + tail;
}

/**
 * tmpName() in two parts: names `head + <hex digits> + tail` are tmp names too (the writer thread
 * names a batch's files `head + i.toString(16) + tail`, i.e. a random part longer than tmpName's).
 */
export function tmpNameParts(): [head: string, tail: string] {
  return [`${Date.now()}.P${process.pid}R${randomHex(8)}`, `.${HOST}.tmp`];
}

/** The writer of a tmp/ file named by tmpName() on this host: its pid, else undefined. */
export function tmpWriterPid(name: string): number | undefined {
  const m = /^\d+\.P(\d+)R[0-9a-f]+\.(.+)\.tmp$/.exec(name);
  return m && m[2] === HOST ? Number(m[1]) : undefined;
}

export const INBOX = 'INBOX';

/** 'INBOX' in any case is the INBOX; other names are kept as given. */
export function normalizeFolder(folder: string): string {
  return folder.toUpperCase() === INBOX ? INBOX : folder;
}

/** Validates a folder name and returns the directory name under the root ('' for INBOX). */
export function folderDirName(folder: string): string {
  const name = normalizeFolder(folder);
  if (name === INBOX) return '';
  // eslint-disable-next-line no-control-regex
  if (!name || name.length > 200 || /[/\\\u0000-\u001f\u007f]/.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    throw new AccountError(
      'local',
      `Invalid local folder name "${name.replace(/[\u0000-\u001f\u007f]/g, '?')}": use letters, digits and spaces (no "/", no leading or trailing ".").`,
    );
  }
  return `.${encodeMutf7(name)}`;
}

/** The folder name for a directory entry under the root, or undefined when it is not a Maildir++ folder. */
export function folderFromDirName(entry: string): string | undefined {
  if (!entry.startsWith('.') || entry === '.' || entry === '..' || entry.length < 2) return undefined;
  const decoded = decodeMutf7(entry.slice(1));
  return decoded === undefined || decoded.toUpperCase() === INBOX ? undefined : decoded;
}

// Modified UTF-7 (RFC 3501 5.1.3): printable ASCII stays, '&' becomes '&-', other runs become
// '&' + base64(UTF-16BE) with ',' for '/' + '-'.
export function encodeMutf7(s: string): string {
  return s.replace(/&/g, '&-').replace(/[^\x20-\x7e]+/g, (run) => {
    const buf = Buffer.alloc(run.length * 2);
    for (let i = 0; i < run.length; i++) buf.writeUInt16BE(run.charCodeAt(i), i * 2);
    return `&${buf.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
  });
}

export function decodeMutf7(s: string): string | undefined {
  let bad = false;
  const out = s.replace(/&([^-]*)-/g, (_all, b64: string) => {
    if (b64 === '') return '&';
    const buf = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (buf.length % 2 !== 0) bad = true;
    let text = '';
    for (let i = 0; i + 1 < buf.length; i += 2) text += String.fromCharCode(buf.readUInt16BE(i));
    return text;
  });
  return bad ? undefined : out;
}
