// Writes N generated messages straight into a Maildir++ tree (INBOX = root, folder X = root/.X),
// much faster than delivering them through a server. File names carry ,S= (exact size on disk)
// and ,W= (size with CRLF line endings) so Dovecot can answer sizes without reading the files.
import { closeSync, futimesSync, openSync, writeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildMessageInfo, DEFAULT_START_DATE } from './message-builder.js';

export { buildMessage, buildMessageInfo, DEFAULT_START_DATE } from './message-builder.js';

export interface GeneratedMessage {
  messageId: string;
  /** Absolute path of the written file. */
  file: string;
  subject: string;
  date: Date;
}

export interface GenerateOptions {
  count: number;
  /** '' or undefined = INBOX; 'Archive' or '.Archive' = that folder; 'A/B' = '.A.B'. */
  folder?: string;
  seed?: number;
  startDate?: Date;
  /** new/ (unseen, no info suffix) or cur/ (`:2,` suffix). Default 'new'. */
  into?: 'new' | 'cur';
  /** Index of the first message (to append a second batch with the same seed). Default 0. */
  firstIndex?: number;
  /** With into: 'cur', give most messages \Seen and some \Flagged / \Answered (deterministic). */
  mixedFlags?: boolean;
}

/** `messages` is only returned up to this count, to bound memory for 100k runs. */
export const MAX_RETURNED_MESSAGES = 20_000;
const BATCH = 500;
const HOST = 'tmailgen';

/** Maildir++ directory for a folder name ('' = INBOX = the root). */
export function folderDir(maildirRoot: string, folder = ''): string {
  const name = folder.replace(/^\./, '');
  if (!name || name.toUpperCase() === 'INBOX') return maildirRoot;
  const segments = name.split('/');
  if (segments.some((seg) => !seg || seg.startsWith('.') || seg.includes('\0') || seg.includes('..'))) {
    throw new Error(`bad folder name ${JSON.stringify(folder)}`);
  }
  return path.join(maildirRoot, `.${segments.join('.')}`);
}

async function ensureMaildir(dir: string, isSubfolder: boolean): Promise<void> {
  for (const sub of ['tmp', 'new', 'cur']) await mkdir(path.join(dir, sub), { recursive: true, mode: 0o700 });
  if (isSubfolder) await writeFile(path.join(dir, 'maildirfolder'), '', { mode: 0o600 });
}

/** Maildir info flags: letters in ASCII order as the spec requires. */
function flagsFor(i: number, seed: number): string {
  const h = ((i + 1) * 2654435761 + seed * 40503) >>> 0;
  let flags = '';
  if (h % 10 === 0) flags += 'F';
  if (h % 7 === 1) flags += 'R';
  if (h % 5 !== 0) flags += 'S';
  return flags;
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  let at = buf.indexOf(10);
  while (at !== -1) {
    n++;
    at = buf.indexOf(10, at + 1);
  }
  return n;
}

function writeMessage(file: string, bytes: Buffer, date: Date): void {
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, bytes, 0, bytes.length, 0);
    // Dovecot takes a Maildir message's received date from the file's mtime.
    futimesSync(fd, date, date);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `count` realistic RFC 5322 messages into maildirRoot (folder: '' = INBOX, else '.Name'),
 * dates ascending, newest last. No fsync: this is test data.
 */
export async function generateMaildir(maildirRoot: string, opts: GenerateOptions): Promise<{ messages: GeneratedMessage[] | null; count: number }> {
  const seed = opts.seed ?? 1;
  const startDate = opts.startDate ?? DEFAULT_START_DATE;
  const into = opts.into ?? 'new';
  const first = opts.firstIndex ?? 0;
  const dir = folderDir(maildirRoot, opts.folder);
  await ensureMaildir(maildirRoot, false);
  if (dir !== maildirRoot) await ensureMaildir(dir, true);
  const target = path.join(dir, into);
  const keep = opts.count <= MAX_RETURNED_MESSAGES;
  const messages: GeneratedMessage[] = [];

  // Synchronous writes in batches, yielding to the event loop between batches: on tmpfs a file
  // costs a few microseconds of syscalls, while a promise per open/write/utimes/close through the
  // libuv pool was measured about twice as slow.
  for (let n = 0; n < opts.count; n++) {
    const i = first + n;
    const m = buildMessageInfo(i, seed, startDate);
    const seconds = Math.floor(m.date.getTime() / 1000);
    // <time>.<seq>_<n>.<host>: Dovecot orders new files by the time prefix, so UIDs follow dates.
    let name = `${seconds}.G${seed}_${i}.${HOST},S=${m.bytes.length},W=${m.bytes.length + countNewlines(m.bytes)}`;
    if (into === 'cur') name += `:2,${opts.mixedFlags ? flagsFor(i, seed) : ''}`;
    const file = path.join(target, name);
    writeMessage(file, m.bytes, m.date);
    if (keep) messages.push({ messageId: m.messageId, file, subject: m.subject, date: m.date });
    if (n % BATCH === BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  return { messages: keep ? messages : null, count: opts.count };
}
