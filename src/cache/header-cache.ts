// Persistent header cache of one account: what the message list needs (UID, flags, envelope
// summary) per folder, keyed by the folder's UIDVALIDITY, so a large folder opens from disk and
// only the changes since the last visit travel over the network.
//
// Storage: SQLite (better-sqlite3) in <account data dir>/header-cache.sqlite, WAL journal.
// Why SQLite rather than an append-only file: a window of the list is a range query on (folder,
// uid) read straight from disk — nothing close to the 100k rows is loaded into memory — flag
// changes are in-place updates rather than an ever-growing log to compact, and every batch of
// changes is one transaction, so a process killed mid-write leaves the previous state (WAL
// rollback), never half a batch. A file that is nevertheless unreadable (not a database, corrupt,
// other schema) is deleted and rebuilt from the server: it only ever costs a cold open.
//
// A folder's rows are "complete" once the cache holds every UID of the folder (a UID list was
// fetched); only then may list positions be answered from the cache. Summaries are filled lazily
// as windows are fetched.
import { chmodSync, closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Flag, MessageSummary } from '../domain/index.js';
import { decodeSummary, encodeFlags, encodeSummary } from './summary-codec.js';

export const CACHE_FILE = 'header-cache.sqlite';
/** Bump when the tables or the summary encoding change: an older file is then rebuilt. */
const SCHEMA_VERSION = 2;

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

type Database = BetterSqlite3.Database;
type DatabaseConstructor = typeof BetterSqlite3;

interface FolderRow {
  unread: number;
  uid_validity: string;
  highest_modseq: string | null;
  uid_next: number;
  complete: number;
}

export class HeaderCache {
  private constructor(
    private db: Database,
    readonly file: string,
  ) {}

  /**
   * Opens (or creates, or rebuilds) the cache in `dir` (made 0700; the file 0600). Loaded lazily
   * so commands that never open a folder do not pay for the native module.
   */
  static async open(dir: string): Promise<HeaderCache> {
    const { default: Sqlite } = (await import('better-sqlite3')) as { default: DatabaseConstructor };
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const file = join(dir, CACHE_FILE);
    try {
      return new HeaderCache(openDatabase(Sqlite, file), file);
    } catch {
      // Unreadable (corrupt, not a database, unknown schema): start over, the server has it all.
      removeDatabaseFiles(file);
      return new HeaderCache(openDatabase(Sqlite, file), file);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  folder(path: string): CachedFolder | undefined {
    const row = this.db.prepare('SELECT uid_validity, highest_modseq, uid_next, complete, unread FROM folders WHERE path = ?').get(path) as FolderRow | undefined;
    if (!row) return undefined;
    return {
      uidValidity: BigInt(row.uid_validity),
      highestModseq: row.highest_modseq === null ? undefined : BigInt(row.highest_modseq),
      uidNext: row.uid_next,
      complete: row.complete === 1,
      count: this.count(path),
      unread: row.unread,
    };
  }

  count(path: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM messages WHERE path = ?').get(path) as { n: number }).n;
  }

  /** Forgets everything about `path` and starts it again for `uidValidity` (nothing cached yet). */
  reset(path: string, uidValidity: bigint): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM messages WHERE path = ?').run(path);
      this.db
        .prepare('INSERT OR REPLACE INTO folders (path, uid_validity, highest_modseq, uid_next, complete) VALUES (?, ?, NULL, 0, 0)')
        .run(path, uidValidity.toString());
    })();
  }

  /** Folders the cache holds rows for. */
  folderPaths(): string[] {
    return this.db.prepare('SELECT path FROM folders').pluck().all() as string[];
  }

  /** Drops a folder (deleted or renamed on the server). */
  forget(path: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM messages WHERE path = ?').run(path);
      this.db.prepare('DELETE FROM folders WHERE path = ?').run(path);
    })();
  }

  /** Rows at positions [start, start+count) with position 0 the highest UID (the newest arrival). */
  window(path: string, start: number, count: number): CachedRow[] {
    if (start < 0 || count <= 0) return [];
    const rows = this.db
      .prepare('SELECT uid, flags, summary FROM messages WHERE path = ? ORDER BY uid DESC LIMIT ? OFFSET ?')
      .all(path, count, start) as Array<{ uid: number; flags: string | null; summary: string | null }>;
    return rows.map((r) => ({ uid: r.uid, summary: r.summary === null ? null : decodeSummary(r.uid, r.flags, r.summary) }));
  }

  /** Cached summaries for `uids` (missing or summary-less ones left out), keyed by UID. */
  summaries(path: string, uids: readonly number[]): Map<number, MessageSummary> {
    const out = new Map<number, MessageSummary>();
    const get = this.db.prepare('SELECT flags, summary FROM messages WHERE path = ? AND uid = ?');
    for (const uid of uids) {
      const r = get.get(path, uid) as { flags: string | null; summary: string | null } | undefined;
      const s = r?.summary ? decodeSummary(uid, r.flags, r.summary) : null;
      if (s) out.set(uid, s);
    }
    return out;
  }

  /** Stores summaries fetched from the server (their flags included). */
  putSummaries(path: string, summaries: readonly MessageSummary[]): void {
    if (summaries.length === 0) return;
    const put = this.db.prepare(
      'INSERT INTO messages (path, uid, flags, summary) VALUES (?, ?, ?, ?) ON CONFLICT (path, uid) DO UPDATE SET flags = excluded.flags, summary = excluded.summary',
    );
    this.db.transaction(() => {
      for (const s of summaries) put.run(path, s.uid, encodeFlags(s.flags), encodeSummary(s));
    })();
  }

  /**
   * Applies flag changes; a UID the cache did not know is added (without summary). Returns the
   * UIDs that were new to the cache.
   */
  applyFlags(path: string, changes: ReadonlyArray<{ uid: number; flags: readonly Flag[] }>): number[] {
    const update = this.db.prepare('UPDATE messages SET flags = ? WHERE path = ? AND uid = ?');
    const insert = this.db.prepare('INSERT INTO messages (path, uid, flags, summary) VALUES (?, ?, ?, NULL)');
    const added: number[] = [];
    this.db.transaction(() => {
      for (const c of changes) {
        const flags = encodeFlags(c.flags);
        if (update.run(flags, path, c.uid).changes === 0) {
          insert.run(path, c.uid, flags);
          added.push(c.uid);
        }
      }
    })();
    return added;
  }

  removeUids(path: string, uids: readonly number[]): void {
    if (uids.length === 0) return;
    const del = this.db.prepare('DELETE FROM messages WHERE path = ? AND uid = ?');
    this.db.transaction(() => {
      for (const uid of uids) del.run(path, uid);
    })();
  }

  /** [uid, encoded flags] of the rows whose flags are known. */
  flagRows(path: string): Array<[number, string]> {
    const rows = this.db.prepare('SELECT uid, flags FROM messages WHERE path = ? AND flags IS NOT NULL').all(path) as Array<{ uid: number; flags: string }>;
    return rows.map((r) => [r.uid, r.flags]);
  }

  /** All cached UIDs of a folder, ascending. */
  uids(path: string): number[] {
    return (this.db.prepare('SELECT uid FROM messages WHERE path = ? ORDER BY uid').pluck().all(path) as number[]);
  }

  /**
   * Makes the rows match the server's complete UID list: UIDs no longer there are dropped, new
   * ones added without summary. Returns what changed.
   */
  replaceUids(path: string, serverUids: readonly number[]): { added: number[]; removed: number[] } {
    const server = new Set(serverUids);
    const added: number[] = [];
    const removed: number[] = [];
    this.db.transaction(() => {
      const cached = new Set(this.uids(path));
      for (const uid of cached) if (!server.has(uid)) removed.push(uid);
      for (const uid of server) if (!cached.has(uid)) added.push(uid);
      const del = this.db.prepare('DELETE FROM messages WHERE path = ? AND uid = ?');
      const ins = this.db.prepare('INSERT INTO messages (path, uid, flags, summary) VALUES (?, ?, NULL, NULL)');
      for (const uid of removed) del.run(path, uid);
      for (const uid of added) ins.run(path, uid);
      this.db.prepare('UPDATE folders SET complete = 1 WHERE path = ?').run(path);
    })();
    return { added, removed };
  }

  setUnread(path: string, unread: number): void {
    this.db.prepare('UPDATE folders SET unread = ? WHERE path = ?').run(unread, path);
  }

  /** Records the server state the rows now reflect. */
  setSyncPoint(path: string, point: { highestModseq: bigint | undefined; uidNext: number }): void {
    this.db
      .prepare('UPDATE folders SET highest_modseq = ?, uid_next = ? WHERE path = ?')
      .run(point.highestModseq === undefined ? null : point.highestModseq.toString(), point.uidNext, path);
  }
}

function openDatabase(Sqlite: DatabaseConstructor, file: string): Database {
  // Created 0600 before SQLite opens it (SQLite gives its -wal/-shm files the same mode).
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  const db = new Sqlite(file, { timeout: 5_000 });
  try {
    // WAL: a crash mid-transaction is rolled back on the next open; NORMAL sync is safe against
    // process crashes (only a power loss may drop the last transactions — a cache can afford that).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== SCHEMA_VERSION) {
      db.exec(`
        DROP TABLE IF EXISTS messages;
        DROP TABLE IF EXISTS folders;
        CREATE TABLE folders (
          path TEXT PRIMARY KEY,
          uid_validity TEXT NOT NULL,
          highest_modseq TEXT,
          uid_next INTEGER NOT NULL DEFAULT 0,
          complete INTEGER NOT NULL DEFAULT 0,
          unread INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE messages (
          path TEXT NOT NULL,
          uid INTEGER NOT NULL,
          flags TEXT,
          summary TEXT,
          PRIMARY KEY (path, uid)
        ) WITHOUT ROWID;
        PRAGMA user_version = ${SCHEMA_VERSION};
      `);
    }
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
