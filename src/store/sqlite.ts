// The few SQLite calls the summary store makes, over either of two drivers: better-sqlite3 (the
// native module npm builds at install time) or Node's built-in node:sqlite (Node ≥ 22.13 and 24
// without a flag; 22.5–22.12 only with --experimental-sqlite). better-sqlite3 is tried first; when
// it is missing or its native module does not load (built for another Node, or not built at all)
// node:sqlite is used; without both, opening fails and tmail runs without the store.
// TMAIL_SQLITE=better-sqlite3 or =node-sqlite picks one (tests, the packaging smoke test).
import type BetterSqlite3 from 'better-sqlite3';

export type SqlValue = string | number | bigint | null;

export interface SqlStatement {
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
  run(...params: SqlValue[]): { changes: number | bigint };
}

export interface SqlDatabase {
  readonly driver: SqliteDriverName;
  readonly isOpen: boolean;
  prepare(sql: string): SqlStatement;
  exec(sql: string): void;
  /** Runs `fn` in a transaction (a savepoint when nested); rolled back if it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export type SqliteDriverName = 'better-sqlite3' | 'node-sqlite';

type Opener = (file: string, busyTimeoutMs: number) => SqlDatabase;

let chosen: Promise<Opener> | undefined;

/** Opens `file` with the first driver that loads (decided once per process). */
export async function openSqlite(file: string, busyTimeoutMs: number): Promise<SqlDatabase> {
  chosen ??= chooseDriver(process.env.TMAIL_SQLITE);
  return (await chosen)(file, busyTimeoutMs);
}

async function chooseDriver(wanted: string | undefined): Promise<Opener> {
  let betterError: unknown;
  if (wanted !== 'node-sqlite') {
    try {
      const { default: Database } = (await import('better-sqlite3')) as { default: typeof BetterSqlite3 };
      // The native module is loaded by the first constructor call, not by the import.
      new Database(':memory:').close();
      return (file, timeout) => wrapBetter(new Database(file, { timeout }));
    } catch (err) {
      if (wanted === 'better-sqlite3') throw err;
      betterError = err;
    }
  }
  const nodeSqlite = await loadNodeSqlite();
  if (nodeSqlite) return (file, timeout) => wrapNode(new nodeSqlite.DatabaseSync(file), timeout);
  const why = betterError instanceof Error ? betterError.message.split('\n')[0] : 'not requested';
  throw new Error(`SQLite is not available: better-sqlite3 does not load (${why}) and this Node (${process.version}) has no node:sqlite`);
}

function wrapBetter(db: BetterSqlite3.Database): SqlDatabase {
  return {
    driver: 'better-sqlite3',
    get isOpen() {
      return db.open;
    },
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => void db.exec(sql),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => db.close(),
  };
}

interface NodeStatement {
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
  run(...params: SqlValue[]): { changes: number | bigint };
}
interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
}
interface NodeSqliteModule {
  DatabaseSync: new (file: string) => NodeDatabase;
}

async function loadNodeSqlite(): Promise<NodeSqliteModule | undefined> {
  // Node 22 announces the module with an ExperimentalWarning on stderr, which would land on the
  // terminal under the UI: that one warning is dropped.
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/SQLite is an experimental feature/i.test(text)) return;
    (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    // A variable specifier: @types/node 20 has no node:sqlite, and bundlers leave it alone.
    const specifier = 'node:sqlite';
    return (await import(specifier)) as NodeSqliteModule;
  } catch {
    return undefined;
  } finally {
    process.emitWarning = emit;
  }
}

function wrapNode(db: NodeDatabase, busyTimeoutMs: number): SqlDatabase {
  let open = true;
  let depth = 0;
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    driver: 'node-sqlite',
    get isOpen() {
      return open;
    },
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => db.exec(sql),
    transaction<T>(fn: () => T): T {
      // The same shape as better-sqlite3's: BEGIN at the outside, savepoints inside.
      const savepoint = `tmail_${depth}`;
      db.exec(depth === 0 ? 'BEGIN' : `SAVEPOINT ${savepoint}`);
      depth++;
      try {
        const result = fn();
        depth--;
        db.exec(depth === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
        return result;
      } catch (err) {
        depth--;
        try {
          db.exec(depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
        } catch {
          // SQLite may already have rolled back (e.g. after SQLITE_FULL): the original error counts.
        }
        throw err;
      }
    },
    close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}
