// The summary store of one account: what the message list needs (UID, flags, summary) per
// folder, for both mail models — IMAP folders on the server (source 'imap') and local Maildir
// folders of a POP3 account or of the local cache (source 'maildir') — in one SQLite file,
// <account data dir>/summaries.sqlite, WAL journal. Each folder row carries the UIDVALIDITY its
// rows are valid for; it is the only place tmail keeps it for IMAP.
//
// Why SQLite rather than an append-only file: a window of the list is a range query on (folder,
// uid) read straight from disk — nothing close to the 100k rows is loaded into memory — flag
// changes are in-place updates rather than an ever-growing log to compact, and every batch of
// changes is one transaction, so a process killed mid-write leaves the previous state (WAL
// rollback), never half a batch. The store is an index, never the only copy of anything: IMAP rows
// come back from the server, Maildir rows from the message files (flags live in their names, UIDs
// in the folder's uid list). So a file that is unreadable (not a database, corrupt, other schema)
// is deleted and rebuilt: it only ever costs a cold open.
//
// IMAP: a folder's rows are "complete" once the store holds every UID of the folder (a UID list was
// fetched); only then may list positions be answered from it. Summaries are filled lazily as
// windows are fetched. Maildir: a row also records the file it was parsed from (key, size, mtime)
// and is used only while that file is unchanged; flags are not stored (the file name has them).
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Flag, MessageSummary } from '../domain/index.js';
import { openSqlite, type SqlDatabase } from './sqlite.js';
import { decodeFields, decodeSummary, encodeFlags, encodeSummary, type StoredFields } from './summary-codec.js';

export const STORE_FILE = 'summaries.sqlite';
/** Files of earlier versions in the account data dir, migrated (see migrateOldFiles) then removed. */
export const OLD_IMAP_CACHE_FILE = 'header-cache.sqlite';
export const OLD_IMAP_STATE_FILE = 'imap-state.json';
/** Bump when the tables or the summary encoding change: an older file is then rebuilt. */
const SCHEMA_VERSION = 4;

/** Which model's folders: server folders of an IMAP account, or local Maildir folders. */
export type StoreSource = 'imap' | 'maildir';

/** A Maildir row: the summary and the file it was parsed from. */
export interface FileRow {
  uid: number;
  key: string;
  size: number;
  mtimeMs: number;
  fields: StoredFields;
}

export interface CachedFolder {
  uidValidity: bigint;
  /** HIGHESTMODSEQ the rows reflect (CONDSTORE); undefined when the server has none. */
  highestModseq: bigint | undefined;
  /** UIDNEXT the rows reflect. */
  uidNext: number;
  /** Every UID of the folder is in the cache (as of highestModseq/uidNext). */
  complete: boolean;
  /** Rows in the cache. */
  count: number;
  /** Unread count the server last reported (STATUS), for a first screen before it answers. */
  unread: number;
}

export interface CachedRow {
  uid: number;
  /** Null when only the UID (and maybe flags) is known: fetch the summary from the server. */
  summary: MessageSummary | null;
}

type Database = SqlDatabase;

interface FolderRow {
  unread: number;
  count: number;
  uid_validity: string;
  highest_modseq: string | null;
  uid_next: number;
  complete: number;
}

export class SummaryStore {
  private constructor(
    private db: Database,
    readonly file: string,
    readonly source: StoreSource,
  ) {}

  /** Whether `dir` holds a store yet (nothing is opened or created). */
  static exists(dir: string): boolean {
    return existsSync(join(dir, STORE_FILE));
  }

  /**
   * Opens (or creates, or rebuilds) the store in `dir` (made 0700; the file 0600), seeing the
   * folders of `source`. Loaded lazily so commands that never open a folder do not pay for the
   * native module. Each call is a connection of its own; SQLite serialises writers.
   */
  static async open(dir: string, source: StoreSource): Promise<SummaryStore> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const file = join(dir, STORE_FILE);
    let db: Database;
    try {
      db = await openDatabase(file);
    } catch (err) {
      if (isDriverMissing(err)) throw err;
      // Unreadable (corrupt, not a database, unknown schema): start over; it is only an index.
      removeDatabaseFiles(file);
      db = await openDatabase(file);
    }
    const store = new SummaryStore(db, file, source);
    try {
      migrateOldFiles(dir, db);
    } catch (err) {
      store.close();
      throw err;
    }
    return store;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  /** Which SQLite driver this store runs on (better-sqlite3, or node:sqlite as the fallback). */
  get driver(): string {
    return this.db.driver;
  }

  folder(path: string): CachedFolder | undefined {
    const row = this.db
      .prepare('SELECT uid_validity, highest_modseq, uid_next, complete, unread, count FROM folders WHERE source = ? AND path = ?')
      .get(this.source, path) as FolderRow | undefined;
    if (!row) return undefined;
    return {
      uidValidity: BigInt(row.uid_validity),
      highestModseq: row.highest_modseq === null ? undefined : BigInt(row.highest_modseq),
      uidNext: row.uid_next,
      complete: row.complete === 1,
      count: row.count,
      unread: row.unread,
    };
  }

  /**
   * Rows of `path`: kept in the folder row by every write, so a 1,000,000-message folder is not
   * counted row by row (count(*) reads the whole table) each time a window is asked for.
   */
  count(path: string): number {
    const row = this.db.prepare('SELECT count FROM folders WHERE source = ? AND path = ?').get(this.source, path) as { count: number } | undefined;
    return row?.count ?? 0;
  }

  private addToCount(path: string, delta: number): void {
    if (delta !== 0) this.db.prepare('UPDATE folders SET count = count + ? WHERE source = ? AND path = ?').run(delta, this.source, path);
  }

  /** Forgets everything about `path` and starts it again for `uidValidity` (nothing cached yet). */
  reset(path: string, uidValidity: bigint): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM messages WHERE source = ? AND path = ?').run(this.source, path);
      // Another UIDVALIDITY: the hidden UIDs name other messages now (or none).
      const known = this.db.prepare('SELECT uid_validity FROM folders WHERE source = ? AND path = ?').get(this.source, path) as
        | { uid_validity: string }
        | undefined;
      if (known && known.uid_validity !== uidValidity.toString())
        this.db.prepare('DELETE FROM hidden_deleted WHERE source = ? AND path = ?').run(this.source, path);
      this.db
        .prepare('INSERT OR REPLACE INTO folders (source, path, uid_validity, highest_modseq, uid_next, complete) VALUES (?, ?, ?, NULL, 0, 0)')
        .run(this.source, path, uidValidity.toString());
    });
  }

  /** Folders the cache holds rows for. */
  folderPaths(): string[] {
    return (this.db.prepare('SELECT path FROM folders WHERE source = ?').all(this.source) as Array<{ path: string }>).map((r) => r.path);
  }

  /** Drops a folder (deleted or renamed on the server). */
  forget(path: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM messages WHERE source = ? AND path = ?').run(this.source, path);
      this.db.prepare('DELETE FROM folders WHERE source = ? AND path = ?').run(this.source, path);
      this.db.prepare('DELETE FROM hidden_deleted WHERE source = ? AND path = ?').run(this.source, path);
    });
  }

  /** Rows at positions [start, start+count) with position 0 the highest UID (the newest arrival). */
  window(path: string, start: number, count: number): CachedRow[] {
    if (start < 0 || count <= 0) return [];
    type Row = { uid: number; flags: string | null; summary: string | null };
    // SQLite skips an OFFSET row by row: the older half of the folder is counted from the oldest
    // end, so `G` in a 1,000,000-message folder skips nothing instead of everything.
    const total = this.count(path);
    const end = Math.min(total, start + count);
    let rows: Row[];
    if (start > total / 2 && end > start) {
      rows = (
        this.db
          .prepare('SELECT uid, flags, summary FROM messages WHERE source = ? AND path = ? ORDER BY uid ASC LIMIT ? OFFSET ?')
          .all(this.source, path, end - start, total - end) as Row[]
      ).reverse();
    } else {
      rows = this.db
        .prepare('SELECT uid, flags, summary FROM messages WHERE source = ? AND path = ? ORDER BY uid DESC LIMIT ? OFFSET ?')
        .all(this.source, path, count, start) as Row[];
    }
    return rows.map((r) => ({ uid: r.uid, summary: r.summary === null ? null : decodeSummary(r.uid, r.flags, r.summary) }));
  }

  /** Cached summaries for `uids` (missing or summary-less ones left out), keyed by UID. */
  summaries(path: string, uids: readonly number[]): Map<number, MessageSummary> {
    const out = new Map<number, MessageSummary>();
    const get = this.db.prepare('SELECT flags, summary FROM messages WHERE source = ? AND path = ? AND uid = ?');
    for (const uid of uids) {
      const r = get.get(this.source, path, uid) as { flags: string | null; summary: string | null } | undefined;
      const s = r?.summary ? decodeSummary(uid, r.flags, r.summary) : null;
      if (s) out.set(uid, s);
    }
    return out;
  }

  /** Stores summaries fetched from the server (their flags included). */
  putSummaries(path: string, summaries: readonly MessageSummary[]): void {
    if (summaries.length === 0) return;
    const update = this.db.prepare('UPDATE messages SET flags = ?, summary = ? WHERE source = ? AND path = ? AND uid = ?');
    const insert = this.db.prepare('INSERT INTO messages (source, path, uid, flags, summary) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      let added = 0;
      for (const s of summaries) {
        const flags = encodeFlags(s.flags);
        const summary = encodeSummary(s);
        if (Number(update.run(flags, summary, this.source, path, s.uid).changes) === 0) {
          insert.run(this.source, path, s.uid, flags, summary);
          added++;
        }
      }
      this.addToCount(path, added);
    });
  }

  /**
   * Applies flag changes; a UID the cache did not know is added (without summary). Returns the
   * UIDs that were new to the cache.
   */
  applyFlags(path: string, changes: ReadonlyArray<{ uid: number; flags: readonly Flag[] }>): number[] {
    const update = this.db.prepare('UPDATE messages SET flags = ? WHERE source = ? AND path = ? AND uid = ?');
    const insert = this.db.prepare('INSERT INTO messages (source, path, uid, flags, summary) VALUES (?, ?, ?, ?, NULL)');
    const added: number[] = [];
    this.db.transaction(() => {
      for (const c of changes) {
        const flags = encodeFlags(c.flags);
        if (Number(update.run(flags, this.source, path, c.uid).changes) === 0) {
          insert.run(this.source, path, c.uid, flags);
          added.push(c.uid);
        }
      }
      this.addToCount(path, added.length);
    });
    return added;
  }

  removeUids(path: string, uids: readonly number[]): void {
    if (uids.length === 0) return;
    const del = this.db.prepare('DELETE FROM messages WHERE source = ? AND path = ? AND uid = ?');
    this.db.transaction(() => {
      let removed = 0;
      for (const uid of uids) removed += Number(del.run(this.source, path, uid).changes);
      this.addToCount(path, -removed);
    });
  }

  /** [uid, encoded flags] of the rows whose flags are known. */
  flagRows(path: string): Array<[number, string]> {
    const rows = this.db.prepare('SELECT uid, flags FROM messages WHERE source = ? AND path = ? AND flags IS NOT NULL').all(this.source, path) as Array<{
      uid: number;
      flags: string;
    }>;
    return rows.map((r) => [r.uid, r.flags]);
  }

  /** All cached UIDs of a folder, ascending. */
  uids(path: string): number[] {
    return (this.db.prepare('SELECT uid FROM messages WHERE source = ? AND path = ? ORDER BY uid').all(this.source, path) as Array<{ uid: number }>).map(
      (r) => r.uid,
    );
  }

  /**
   * Makes the rows match the server's complete UID list: UIDs no longer there are dropped, new
   * ones added without summary, then the folder is marked complete. Returns what changed.
   *
   * A folder of 1,000,000 messages is filled in slices of `slice` UIDs, each one transaction, with
   * the event loop free between them (keys and frames go on); SQLite itself adds each run of
   * consecutive UIDs, and only UIDs already cached inside a slice are read back. The folder is
   * marked complete by the last slice, so a fill cut short is redone, never trusted.
   */
  async replaceUids(path: string, serverUids: readonly number[] | UidRuns, slice = 50_000): Promise<{ added: number[]; removed: number[] }> {
    const ranges = 'runs' in serverUids ? uidRanges([], serverUids.runs) : uidRanges(serverUids);
    const added: number[] = [];
    const removed: number[] = [];
    const inRange = this.db.prepare('SELECT uid FROM messages WHERE source = ? AND path = ? AND uid BETWEEN ? AND ? ORDER BY uid');
    const countIn = this.db.prepare('SELECT count(*) AS n FROM messages WHERE source = ? AND path = ? AND uid BETWEEN ? AND ?');
    const deleteIn = this.db.prepare('DELETE FROM messages WHERE source = ? AND path = ? AND uid BETWEEN ? AND ?');
    const insertRun = this.db.prepare(
      'INSERT OR IGNORE INTO messages (source, path, uid) WITH RECURSIVE run(uid) AS (SELECT ? UNION ALL SELECT uid + 1 FROM run WHERE uid < ?) SELECT ?, ?, uid FROM run',
    );
    const uidsIn = (lo: number, hi: number) => (inRange.all(this.source, path, lo, hi) as Array<{ uid: number }>).map((r) => r.uid);
    let work = 0;
    const pause = async (done: number) => {
      work += done;
      if (work < slice) return;
      work = 0;
      await new Promise((resolve) => setImmediate(resolve));
    };
    // Rows between the server's runs (and beyond them) are gone from the server.
    for (const [lo, hi] of gaps(ranges)) {
      const gone = this.db.transaction(() => {
        const uids = uidsIn(lo, hi);
        if (uids.length > 0) {
          deleteIn.run(this.source, path, lo, hi);
          this.addToCount(path, -uids.length);
        }
        return uids;
      });
      removed.push(...gone);
      await pause(gone.length + 1);
    }
    for (const [from, to] of ranges) {
      for (let lo = from; lo <= to; lo += slice) {
        const hi = Math.min(to, lo + slice - 1);
        const fresh = this.db.transaction(() => {
          const size = hi - lo + 1;
          const have = (countIn.get(this.source, path, lo, hi) as { n: number }).n;
          if (have === size) return [];
          const known = have > 0 ? new Set(uidsIn(lo, hi)) : undefined;
          insertRun.run(lo, hi, this.source, path);
          this.addToCount(path, size - have);
          const out: number[] = [];
          for (let uid = lo; uid <= hi; uid++) if (!known?.has(uid)) out.push(uid);
          return out;
        });
        for (const uid of fresh) added.push(uid);
        await pause(hi - lo + 1);
      }
    }
    this.db.prepare('UPDATE folders SET complete = 1 WHERE source = ? AND path = ?').run(this.source, path);
    return { added, removed };
  }

  setUnread(path: string, unread: number): void {
    this.db.prepare('UPDATE folders SET unread = ? WHERE source = ? AND path = ?').run(unread, this.source, path);
  }

  /** Messages tmail left \Deleted and hides, per folder: uid → unseen (see HIDDEN_TABLE). */
  hiddenDeleted(): Map<string, Map<number, boolean>> {
    const rows = this.db.prepare('SELECT path, uid, unseen FROM hidden_deleted WHERE source = ?').all(this.source) as Array<{
      path: string;
      uid: number;
      unseen: number;
    }>;
    const out = new Map<string, Map<number, boolean>>();
    for (const r of rows) {
      let folder = out.get(r.path);
      if (!folder) out.set(r.path, (folder = new Map()));
      folder.set(r.uid, r.unseen === 1);
    }
    return out;
  }

  /** Replaces the hidden messages of `path` (an empty map forgets them). */
  setHiddenDeleted(path: string, uids: ReadonlyMap<number, boolean>): void {
    const put = this.db.prepare('INSERT INTO hidden_deleted (source, path, uid, unseen) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM hidden_deleted WHERE source = ? AND path = ?').run(this.source, path);
      for (const [uid, unseen] of uids) put.run(this.source, path, uid, unseen ? 1 : 0);
    });
  }

  /** Records the server state the rows now reflect. */
  setSyncPoint(path: string, point: { highestModseq: bigint | undefined; uidNext: number }): void {
    this.db
      .prepare('UPDATE folders SET highest_modseq = ?, uid_next = ? WHERE source = ? AND path = ?')
      .run(point.highestModseq === undefined ? null : point.highestModseq.toString(), point.uidNext, this.source, path);
  }

  /**
   * Records `uidValidity` for `path` and tells whether it differs from the one remembered (then the
   * folder's rows are dropped: their UIDs mean other messages now). The first sighting of a folder
   * is not a change.
   */
  noteValidity(path: string, uidValidity: bigint): boolean {
    return this.db.transaction(() => {
      const known = this.folder(path);
      if (known?.uidValidity === uidValidity) return false;
      this.reset(path, uidValidity);
      return known !== undefined;
    });
  }

  /** Maildir rows for `uids` (those with a stored summary), keyed by UID. */
  fileRows(path: string, uids: readonly number[]): Map<number, FileRow> {
    const out = new Map<number, FileRow>();
    const get = this.db.prepare('SELECT file_key, file_size, file_mtime, summary FROM messages WHERE source = ? AND path = ? AND uid = ?');
    for (const uid of uids) {
      const r = get.get(this.source, path, uid) as
        | { file_key: string | null; file_size: number | null; file_mtime: number | null; summary: string | null }
        | undefined;
      if (!r || r.file_key === null || r.summary === null) continue;
      const fields = decodeFields(r.summary);
      if (fields) out.set(uid, { uid, key: r.file_key, size: r.file_size ?? -1, mtimeMs: r.file_mtime ?? -1, fields });
    }
    return out;
  }

  /** Stores Maildir rows (summaries parsed from files), in one transaction. */
  putFileRows(path: string, rows: readonly FileRow[]): void {
    if (rows.length === 0) return;
    const update = this.db.prepare('UPDATE messages SET summary = ?, file_key = ?, file_size = ?, file_mtime = ? WHERE source = ? AND path = ? AND uid = ?');
    const insert = this.db.prepare(
      'INSERT INTO messages (source, path, uid, flags, summary, file_key, file_size, file_mtime) VALUES (?, ?, ?, NULL, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      let added = 0;
      for (const r of rows) {
        const summary = encodeSummary(r.fields);
        if (Number(update.run(summary, r.key, r.size, r.mtimeMs, this.source, path, r.uid).changes) === 0) {
          insert.run(this.source, path, r.uid, summary, r.key, r.size, r.mtimeMs);
          added++;
        }
      }
      this.addToCount(path, added);
    });
  }
}

/** Highest UID IMAP allows (RFC 3501: a 32-bit unsigned number). */
const MAX_UID = 4_294_967_295;

/** A UID list as runs of consecutive UIDs [lo, hi] (as an ESEARCH answer gives it), in any order. */
export interface UidRuns {
  runs: ReadonlyArray<readonly [number, number]>;
}

/** Sorted, merged runs [lo, hi] of consecutive UIDs: of single `uids`, or of `runs` when given. */
function uidRanges(uids: readonly number[], runs?: UidRuns['runs']): Array<[number, number]> {
  const valid = (u: number) => Number.isInteger(u) && u >= 1 && u <= MAX_UID;
  const pairs = runs
    ? runs.filter(([lo, hi]) => valid(lo) && valid(hi)).map(([lo, hi]): [number, number] => (lo <= hi ? [lo, hi] : [hi, lo]))
    : // A typed array sorts numerically, without a comparator call per pair.
      Array.from(Float64Array.from(uids.filter(valid)).sort(), (u): [number, number] => [u, u]);
  if (runs) pairs.sort((a, b) => a[0] - b[0]);
  const ranges: Array<[number, number]> = [];
  for (const [lo, hi] of pairs) {
    const last = ranges[ranges.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else ranges.push([lo, hi]);
  }
  return ranges;
}

/** The UID intervals outside `ranges` (sorted runs), up to the highest UID. */
function gaps(ranges: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let next = 1;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_UID) out.push([next, MAX_UID]);
  return out;
}

/**
 * Earlier versions kept an IMAP header cache of another schema (header-cache.sqlite) and each
 * folder's UIDVALIDITY in imap-state.json. The cache is only rebuilt from the server, so it is
 * removed; the UIDVALIDITYs are carried over (a server-side reset between the old and the new
 * version is still noticed). Maildir folders kept JSON summaries inside the Maildir; those are
 * imported per folder by LocalFolderIndex.
 */
function migrateOldFiles(dir: string, db: Database): void {
  removeDatabaseFiles(join(dir, OLD_IMAP_CACHE_FILE));
  const stateFile = join(dir, OLD_IMAP_STATE_FILE);
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch {
    return;
  }
  let map: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(text) as { uidValidity?: unknown };
    if (parsed && typeof parsed.uidValidity === 'object' && parsed.uidValidity) map = parsed.uidValidity as Record<string, unknown>;
  } catch {
    // A damaged state file only costs the "changed?" answer of a first sighting.
  }
  const insert = db.prepare("INSERT OR IGNORE INTO folders (source, path, uid_validity) VALUES ('imap', ?, ?)");
  db.transaction(() => {
    for (const [path, value] of Object.entries(map)) if (typeof value === 'string' && /^\d+$/.test(value)) insert.run(path, value);
  });
  rmSync(stateFile, { force: true });
}

/** The driver itself is missing (no better-sqlite3, no node:sqlite): not the file's fault. */
function isDriverMissing(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('SQLite is not available');
}

/**
 * IMAP messages tmail itself left marked \Deleted (a server without UIDPLUS where expunging would
 * also remove other clients' marked mail): hidden from the list until the server expunges them.
 * `unseen` keeps the folder pane's unread count right while the folder is not selected.
 */
const HIDDEN_TABLE = `CREATE TABLE IF NOT EXISTS hidden_deleted (
  source TEXT NOT NULL,
  path TEXT NOT NULL,
  uid INTEGER NOT NULL,
  unseen INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (source, path, uid)
) WITHOUT ROWID`;

async function openDatabase(file: string): Promise<Database> {
  // Created 0600 before SQLite opens it (SQLite gives its -wal/-shm files the same mode).
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  const db = await openSqlite(file, 5_000);
  try {
    // WAL: a crash mid-transaction is rolled back on the next open; NORMAL sync is safe against
    // process crashes (only a power loss may drop the last transactions — an index can afford that).
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number | bigint }).user_version);
    if (version !== SCHEMA_VERSION) {
      db.exec(`
        DROP TABLE IF EXISTS messages;
        DROP TABLE IF EXISTS folders;
        CREATE TABLE folders (
          source TEXT NOT NULL,
          path TEXT NOT NULL,
          uid_validity TEXT NOT NULL,
          highest_modseq TEXT,
          uid_next INTEGER NOT NULL DEFAULT 0,
          complete INTEGER NOT NULL DEFAULT 0,
          unread INTEGER NOT NULL DEFAULT 0,
          count INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (source, path)
        ) WITHOUT ROWID;
        CREATE TABLE messages (
          source TEXT NOT NULL,
          path TEXT NOT NULL,
          uid INTEGER NOT NULL,
          flags TEXT,
          summary TEXT,
          file_key TEXT,
          file_size INTEGER,
          file_mtime INTEGER,
          PRIMARY KEY (source, path, uid)
        ) WITHOUT ROWID;
        PRAGMA user_version = ${SCHEMA_VERSION};
      `);
    }
    // Added beside schema 3 without a version bump (an older file only lacks it; nothing to rebuild).
    db.exec(HIDDEN_TABLE);
    // Touch both tables: a file that is not a database or is damaged fails here, not later.
    db.prepare('SELECT count(*) FROM folders').get();
    db.prepare('SELECT uid FROM messages LIMIT 1').get();
    for (const suffix of ['-wal', '-shm']) {
      try {
        chmodSync(file + suffix, 0o600);
      } catch {
        // not created yet
      }
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}
