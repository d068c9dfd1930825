// What the POP3 sync remembers between runs, in `<dataDir>/pop3-state.json` (written with
// writeFileAtomic: temp file, fsync, rename, fsync dir — a crash leaves the old or the new file)
// plus `pop3-state.json.journal`, an append-only log of what a sync recorded since that file was
// last written: one JSON line per batch, fsynced before the sync goes on. Rewriting the whole state
// twice per batch cost ~0.3 s in a 10,000-message sync; an append costs one write and one fsync.
// Loading reads the file and replays the journal; a sync ends by writing the file and emptying
// the journal. A torn last line (a crash mid-append) was never fsynced, so nothing relied on it.
//
// `messages` holds every server message we have stored locally and that may still be on the
// server, keyed by UIDL (or by a header hash, "hh:…", for servers without UIDL). An entry is
// dropped once the server no longer lists it, or right after a QUIT that committed its DELE.
// `pending` covers the one crash window the Maildir cannot explain by itself: a message written
// into the Maildir whose key was not yet recorded as stored. Before delivering we record the
// Maildir key the file will get (older versions recorded its SHA-256); after a crash, the next
// sync adopts an unrecorded Maildir file with that key instead of downloading (and so
// duplicating) the message again. A file only ever appears under its key once it is completely
// written and fsynced (it is renamed from tmp/ last).
import { type FileHandle, mkdir, open, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { MessageLocation } from '../../domain/index.js';
import { AccountError } from '../../domain/index.js';
import { readJsonFile, writeFileAtomic } from '../../store/atomic-file.js';
import { DurableLog } from '../../store/writer-thread.js';
import { errorCode, localError } from '../../store/local-error.js';

export interface Pop3StateEntry {
  /** Maildir key of the local copy. */
  key: string;
  /** ISO time the message was stored locally. */
  downloadedAt: string;
  size: number;
  /** ISO time after which the message is deleted from the server (leaveOnServer + deleteAfterDays). */
  deleteOnServerAfter?: string;
}

export interface Pop3PendingEntry {
  /** The Maildir key the file is delivered under. */
  key?: string;
  /** Older state files: the SHA-256 of the message instead of its key. */
  sha256?: string;
  size: number;
}

export interface Pop3State {
  version: 1;
  messages: Record<string, Pop3StateEntry>;
  pending: Record<string, Pop3PendingEntry>;
  /** True when the last sync matched messages by header hash (server without UIDL). */
  usedHeaderHashFallback?: boolean;
  /** The newest arrival time (ms) stamped on a downloaded file, so later syncs stamp after it. */
  lastArrivalMs?: number;
  /** The server's LOGIN-DELAY (RFC 2449), in seconds, as it last said. */
  loginDelaySeconds?: number;
  /** ISO time before which the server will refuse a login (LOGIN-DELAY): no check before then. */
  loginNotBefore?: string;
}

export function emptyState(): Pop3State {
  return { version: 1, messages: uidlTable(), pending: uidlTable() };
}

/**
 * A table keyed by UIDL, without a prototype: a UIDL is the server's choice of 1-70 printable
 * characters, and one named "constructor", "toString" or "__proto__" must not look recorded (in a
 * plain object it finds Object.prototype's, and the message was DELEd without being downloaded)
 * nor set the prototype instead of an entry. `from` (e.g. parsed JSON) is copied in.
 */
export function uidlTable<T>(from?: Record<string, T>): Record<string, T> {
  const table = Object.create(null) as Record<string, T>;
  if (from) for (const key of Object.keys(from)) table[key] = from[key]!;
  return table;
}

export async function loadSyncState(statePath: string): Promise<Pop3State> {
  const raw = await readJsonFile<Partial<Pop3State>>(statePath);
  const state = raw === undefined ? emptyState() : checkedState(raw, statePath);
  await replayJournal(statePath, state);
  return state;
}

function checkedState(raw: Partial<Pop3State>, statePath: string): Pop3State {
  if (typeof raw !== 'object' || raw === null || raw.version !== 1 || typeof raw.messages !== 'object' || raw.messages === null) {
    throw new AccountError(
      'local',
      `Cannot use ${statePath}: it is not a tmail POP3 state file (move it away to start over; mail already downloaded would then be downloaded again).`,
    );
  }
  return {
    version: 1,
    messages: uidlTable(raw.messages),
    pending: uidlTable(raw.pending ?? {}),
    usedHeaderHashFallback: raw.usedHeaderHashFallback,
    lastArrivalMs: typeof raw.lastArrivalMs === 'number' ? raw.lastArrivalMs : undefined,
    loginDelaySeconds: typeof raw.loginDelaySeconds === 'number' ? raw.loginDelaySeconds : undefined,
    loginNotBefore: typeof raw.loginNotBefore === 'string' && !Number.isNaN(Date.parse(raw.loginNotBefore)) ? raw.loginNotBefore : undefined,
  };
}

/** The state file's text (a sync ending may make it before it knows it will save it). */
export function stateText(state: Pop3State): string {
  return JSON.stringify(state);
}

/** Writes the whole state durably, then empties the journal (everything in it is in the file now). */
export async function saveSyncState(statePath: string, state: Pop3State | string): Promise<void> {
  await writeFileAtomic(statePath, typeof state === 'string' ? state : stateText(state));
  const path = journalPath(statePath);
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r+');
    await handle.truncate(0);
    await handle.datasync();
  } catch (err) {
    // Replaying an old journal onto the new file is harmless (see applyRecord); only report real trouble.
    if (errorCode(err) !== 'ENOENT') throw localError(`empty ${path}`, err);
  } finally {
    await handle?.close();
  }
}

/** One line of the journal: what one batch recorded. */
export interface JournalRecord {
  /** Messages about to be delivered, and under which key. */
  pending?: Record<string, Pop3PendingEntry>;
  /** Messages delivered and durable in the Maildir. */
  stored?: Record<string, Pop3StateEntry>;
  lastArrivalMs?: number;
}

export function journalPath(statePath: string): string {
  return `${statePath}.journal`;
}

/**
 * Applies a record. Replaying one twice, or onto a newer state file (a crash between writing the
 * file and emptying the journal), is harmless: a stored message the server no longer lists is
 * dropped by the next sync, and a pending one already stored is skipped.
 */
export function applyRecord(state: Pop3State, record: JournalRecord): void {
  if (record.pending) for (const [uidl, entry] of Object.entries(record.pending)) state.pending[uidl] = entry;
  if (record.stored) {
    for (const [uidl, entry] of Object.entries(record.stored)) {
      state.messages[uidl] = entry;
      delete state.pending[uidl];
    }
  }
  if (typeof record.lastArrivalMs === 'number') state.lastArrivalMs = Math.max(state.lastArrivalMs ?? 0, record.lastArrivalMs);
}

async function replayJournal(statePath: string, state: Pop3State): Promise<void> {
  const path = journalPath(statePath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return;
    throw localError(`read ${path}`, err);
  }
  const lines = text.split('\n');
  // The text after the last newline is a torn append (or nothing): it was never fsynced or relied on.
  lines.pop();
  for (const line of lines) {
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch (err) {
      throw new AccountError(
        'local',
        `Cannot use ${path}: the file is corrupt (move it away to start over; mail downloaded by the last sync may then be downloaded again).`,
        { cause: err },
      );
    }
    if (typeof record === 'object' && record !== null) applyRecord(state, record);
  }
}

/** Appends records durably (write + fdatasync) during one sync; the sync lock keeps it the only writer. */
export class StateJournal {
  private constructor(
    private readonly log: DurableLog,
    private readonly path: string,
  ) {}

  /** Opens (creates) the journal; its own directory entry is made durable too (once per sync). */
  static async open(statePath: string): Promise<StateJournal> {
    const path = journalPath(statePath);
    try {
      return new StateJournal(await DurableLog.open(path), path);
    } catch (err) {
      throw localError(`write ${path}`, err);
    }
  }

  /**
   * Appends a record durably: one line, the JSON of a JournalRecord and a newline (see
   * journal-lines.ts). Written by the writer thread (see DurableLog): while a download streams
   * in, the thread pool's hops of fs/promises each waited behind socket reads.
   */
  async append(line: string | Uint8Array): Promise<void> {
    try {
      await this.log.append(line);
    } catch (err) {
      throw localError(`write ${this.path}`, err);
    }
  }

  async close(): Promise<void> {
    await this.log.close().catch(() => undefined);
  }
}

const keyIndexes = new WeakMap<Pop3State, Map<string, string>>();

/** UIDL of the server message whose local copy has this key, if it may still be on the server. */
export function uidlOfKey(state: Pop3State, maildirKey: string): string | undefined {
  let index = keyIndexes.get(state);
  if (!index || index.size !== Object.keys(state.messages).length) {
    index = new Map(Object.entries(state.messages).map(([uidl, e]) => [e.key, uidl]));
    keyIndexes.set(state, index);
  }
  return index.get(maildirKey);
}

/** Where a cached message lives, for MessageSummary.location. */
export function locationOf(state: Pop3State, maildirKey: string): MessageLocation {
  const uidl = uidlOfKey(state, maildirKey);
  const entry = uidl === undefined ? undefined : state.messages[uidl];
  if (!entry) return { kind: 'local', onServer: false };
  return entry.deleteOnServerAfter
    ? { kind: 'local', onServer: true, deleteOnServerAfter: new Date(entry.deleteOnServerAfter) }
    : { kind: 'local', onServer: true };
}

// Delete requests are one empty file per Maildir key, so a UI process can add them while a sync
// runs in another process without either overwriting the other's writes.
export function deleteRequestDir(statePath: string): string {
  return join(dirname(statePath), 'pop3-delete-requests');
}

/**
 * Called by Pop3Account when the user deletes a local message and deleteOnServerWhenDeletedLocally
 * is on: remembers it so the next sync DELEs it on the server.
 */
export async function markForServerDeletion(statePath: string, maildirKey: string): Promise<void> {
  const dir = deleteRequestDir(statePath);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, encodeURIComponent(maildirKey)), '', { mode: 0o600 });
  } catch (err) {
    throw localError(`remember the deletion in ${dir}`, err);
  }
}

export async function readDeleteRequests(statePath: string): Promise<string[]> {
  try {
    return (await readdir(deleteRequestDir(statePath))).map((f) => decodeURIComponent(f));
  } catch {
    return [];
  }
}

export async function clearDeleteRequests(statePath: string, keys: string[]): Promise<void> {
  const dir = deleteRequestDir(statePath);
  for (const key of keys) await unlink(join(dir, encodeURIComponent(key))).catch(() => undefined);
}

/**
 * One sync per account at a time: two would both download the same new messages. The lock names
 * its pid; a lock left by a killed process (pid gone) is taken over.
 */
export async function acquireSyncLock(statePath: string): Promise<() => Promise<void>> {
  const lockPath = `${statePath}.lock`;
  const dataDir = dirname(statePath);
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw readOnlyError(dataDir, err) ?? localError(`create ${dataDir}`, err);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await unlink(lockPath).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw readOnlyError(dataDir, err) ?? localError(`create the lock file ${lockPath}`, err);
    }
    const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) {
      throw new AccountError('local', `Another sync of this account is running (process ${pid}); try again when it has finished.`);
    }
    await unlink(lockPath).catch(() => undefined);
  }
  throw new AccountError('local', `Cannot take the sync lock ${lockPath}.`);
}

/**
 * The lock is the sync's first write into the data dir: when that dir cannot be written, say it
 * is read-only (and why) rather than only "permission denied" on a lock file the user never made.
 */
function readOnlyError(dataDir: string, err: unknown): AccountError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'EROFS'
      ? 'it is on a read-only file system'
      : code === 'EACCES' || code === 'EPERM'
        ? 'it is read-only for this user (permission denied)'
        : undefined;
  if (!why) return undefined;
  return new AccountError(
    'local',
    `Cannot sync: the data directory ${dataDir} is read-only — ${why}. tmail keeps the POP3 sync state and the downloaded mail there.`,
    { cause: err },
  );
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
