// The addresses tmail has seen (From/To/Cc of mail read and sent), for address completion.
// One small SQLite file for all accounts, <data dir>/addresses.sqlite (0600, dir 0700), apart from
// the per-account caches: it is about people, not about one server. Losing it costs only
// suggestions, so an unreadable file is deleted and started again.
//
// Ranking: "newest and most used first" as one score, uses divided by age — an address used 20
// times a year ago ranks below one used twice this week. Dedupe is by the lower-cased address;
// the name kept is the newest non-empty one that is not just the address again.
import { chmodSync, closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

export const ADDRESS_BOOK_FILE = 'addresses.sqlite';
const SCHEMA_VERSION = 1;
/** How many days make a use count half as much (the score's time scale). */
const HALF_LIFE_DAYS = 30;

export interface SeenAddress {
  address: string;
  name: string;
}

export interface RankedAddress extends SeenAddress {
  uses: number;
  lastSeen: Date;
}

type Database = BetterSqlite3.Database;
type DatabaseConstructor = typeof BetterSqlite3;

export class AddressBook {
  private constructor(private readonly db: Database) {}

  /** Opens or creates the file (made 0600 before SQLite writes it; the directory 0700). */
  static async open(file: string): Promise<AddressBook> {
    const { default: Sqlite } = (await import('better-sqlite3')) as { default: DatabaseConstructor };
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      return new AddressBook(openDatabase(Sqlite, file));
    } catch {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
      return new AddressBook(openDatabase(Sqlite, file));
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Counts one use of each address (once per call, however often it appears in `list`). */
  record(list: readonly SeenAddress[], when: Date = new Date()): void {
    const upsert = this.db.prepare(`
      INSERT INTO addresses (key, address, name, uses, last_seen) VALUES (@key, @address, @name, 1, @when)
      ON CONFLICT(key) DO UPDATE SET
        uses = uses + 1,
        last_seen = max(last_seen, @when),
        address = CASE WHEN @when >= last_seen THEN @address ELSE address END,
        name = CASE WHEN @name <> '' AND (name = '' OR @when >= last_seen) THEN @name ELSE name END`);
    const seen = new Set<string>();
    this.db.transaction(() => {
      for (const a of list) {
        const address = clean(a.address);
        if (!/^[^\s@<>",;]+@[^\s@<>",;]+$/.test(address)) continue;
        const key = address.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        let name = clean(a.name);
        if (name.toLowerCase() === key || name.toLowerCase() === `'${key}'`) name = '';
        upsert.run({ key, address, name, when: when.getTime() });
      }
    })();
  }

  /**
   * Addresses whose address, or a word of whose name, starts with `prefix` (case-insensitive),
   * best first. An empty prefix matches nothing: completion needs something typed.
   */
  search(prefix: string, limit = 20, now: Date = new Date()): RankedAddress[] {
    const p = prefix.trim().toLowerCase();
    if (!p) return [];
    const like = `${p.replace(/[\\%_]/g, '\\$&')}%`;
    const rows = this.db
      .prepare(`
        SELECT address, name, uses, last_seen FROM addresses
        WHERE key LIKE @like ESCAPE '\\' OR lower(name) LIKE @like ESCAPE '\\' OR lower(name) LIKE @word ESCAPE '\\'
        ORDER BY uses / (1.0 + max(0, @now - last_seen) / @scale) DESC, last_seen DESC
        LIMIT @limit`)
      .all({ like, word: `% ${like}`, now: now.getTime(), scale: HALF_LIFE_DAYS * 86_400_000, limit }) as Array<{
      address: string;
      name: string;
      uses: number;
      last_seen: number;
    }>;
    return rows.map((r) => ({ address: r.address, name: r.name, uses: r.uses, lastSeen: new Date(r.last_seen) }));
  }
}

function clean(s: string): string {
  // Names come from message headers: no control characters, one line, bounded.
  return s
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

function openDatabase(Sqlite: DatabaseConstructor, file: string): Database {
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  const db = new Sqlite(file, { timeout: 5_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== SCHEMA_VERSION) {
      db.exec(`
        DROP TABLE IF EXISTS addresses;
        CREATE TABLE addresses (
          key TEXT PRIMARY KEY,
          address TEXT NOT NULL,
          name TEXT NOT NULL DEFAULT '',
          uses INTEGER NOT NULL DEFAULT 0,
          last_seen INTEGER NOT NULL
        ) WITHOUT ROWID;
        PRAGMA user_version = ${SCHEMA_VERSION};
      `);
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
