// Glue between ImapAccount and the persistent header cache: opens it lazily, serves list windows
// from it, stores what the server sends, and reconciles a folder with the server in the
// background (resync.ts), turning the differences into the usual AccountEvents so the UI updates.
// A cache that fails (disk full, unwritable dir) is switched off for the session with one error
// event; tmail then works from the network as before.
import type { ImapFlow, MailboxObject } from 'imapflow';
import type { AccountEvent } from '../account.js';
import type { Flag, MessageSummary } from '../../domain/index.js';
import type { CachedRow, SummaryStore } from '../../store/summary-store.js';
import { resyncFolder, type ResyncResult } from './resync.js';

/** How long flag echoes are gathered before they are written to the cache together. */
const FLAG_BATCH_MS = 25;

export interface HeaderCacheSyncDeps {
  open: () => Promise<SummaryStore>;
  /** Whether the store is on disk yet: without one there is nothing to peek at (a cold start). */
  exists?: () => boolean;
  /** Runs `fn` with `path` selected and locked (ImapAccount.withFolder). */
  withFolder: <T>(path: string, fn: (client: ImapFlow, mailbox: MailboxObject) => Promise<T>) => Promise<T>;
  emit: (event: AccountEvent) => void;
  coldFillDelayMs: number;
}

export class HeaderCacheSync {
  private cache: Promise<SummaryStore | null> | undefined;
  private opened: SummaryStore | null = null;
  private disabled = false;
  private closed = false;
  private readonly running = new Map<string, Promise<ResyncResult | null>>();
  private readonly rerun = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The last reconciliation of each folder (tests and the bench read it). */
  readonly lastResult = new Map<string, ResyncResult>();
  /** Server changes seen per folder (EXISTS, an expunge without a UID, a reconnect); see runResync. */
  private readonly changes = new Map<string, number>();
  /**
   * Per folder: the selected-mailbox object (imapflow makes a new one at every SELECT) and the
   * change count when the last reconciliation started. Unchanged both: nothing can have changed
   * that the session did not already apply to the cache, so the reconciliation is skipped.
   */
  private readonly settled = new Map<string, { mailbox: MailboxObject; change: number }>();
  /** The change count when each folder was last opened (its counts then went to the caller). */
  private readonly openedAtChange = new Map<string, number>();
  /** Unread counts from the server (openFolder), saved once the folder is in the cache. */
  private readonly unread = new Map<string, { uidValidity: bigint; unread: number }>();

  constructor(private readonly deps: HeaderCacheSyncDeps) {}

  private get(): Promise<SummaryStore | null> {
    if (this.disabled || this.closed) return Promise.resolve(null);
    this.cache ??= this.deps.open().then(
      (cache) => {
        if (this.closed) {
          cache.close();
          return null;
        }
        this.opened = cache;
        // What the session gathered while the store was opening, in the order it came.
        for (const [path, uidValidity] of this.pendingValidity) this.run((c) => c.noteValidity(path, uidValidity));
        this.pendingValidity.clear();
        this.flushRows();
        this.flushFlags();
        return cache;
      },
      (err: unknown) => {
        this.fail(err);
        return null;
      },
    );
    return this.cache;
  }

  /** Starts opening the store (a cold start opens it while its login is under way). */
  prepare(): void {
    void this.get();
  }

  /** Runs a cache operation; a failure switches the cache off for this session. */
  private use<T>(fn: (cache: SummaryStore) => T): T | undefined {
    // Whatever reads or writes the cache sees the rows (store()) and then the flag echoes
    // (flagsChanged) gathered so far: in the order the server sent them.
    if (this.pendingRows.length > 0) this.flushRows();
    if (this.pendingFlags.size > 0) this.flushFlags();
    return this.run(fn);
  }

  private run<T>(fn: (cache: SummaryStore) => T): T | undefined {
    const cache = this.opened;
    if (!cache || this.disabled || this.closed) return undefined;
    try {
      return fn(cache);
    } catch (err) {
      this.fail(err);
      return undefined;
    }
  }

  private fail(err: unknown): void {
    if (this.disabled) return;
    this.disabled = true;
    this.opened?.close();
    this.opened = null;
    const why = err instanceof Error ? err.message : String(err);
    this.deps.emit({ type: 'error', message: `header cache switched off (mail is read from the server): ${why}` });
  }

  /** The folder was selected: reconcile now when the cache has it, else list its UIDs shortly. */
  folderOpened(path: string): void {
    this.openedAtChange.set(path, this.changes.get(path) ?? 0);
    if (this.nothingOnDisk()) {
      this.later(path, this.deps.coldFillDelayMs);
      return;
    }
    void this.get().then((cache) => {
      if (!cache) return;
      const warm = this.use((c) => c.folder(path)?.complete) ?? false;
      if (warm) void this.resync(path);
      else this.later(path, this.deps.coldFillDelayMs);
    });
  }

  /** Something changed on the server (new mail, a reconnect): reconcile the folder if cached. */
  serverChanged(path: string): void {
    this.changes.set(path, (this.changes.get(path) ?? 0) + 1);
    if (!this.opened) return;
    if (this.use((c) => c.folder(path)) === undefined) return;
    void this.resync(path);
  }

  private later(path: string, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.resync(path);
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** Reconciles `path` with the server; concurrent calls share one run (plus one follow-up). */
  resync(path: string): Promise<ResyncResult | null> {
    const running = this.running.get(path);
    if (running) {
      this.rerun.add(path);
      return running;
    }
    const run = this.runResync(path).finally(() => {
      this.running.delete(path);
      if (this.rerun.delete(path) && !this.closed) void this.resync(path);
    });
    this.running.set(path, run);
    return run;
  }

  private async runResync(path: string): Promise<ResyncResult | null> {
    const cache = await this.get();
    if (!cache) return null;
    let total = 0;
    let result: ResyncResult;
    // A folder's first fill: the UIDs it adds are what the cache learns, not mail the caller has
    // not heard of — it was told the counts when it opened the folder, and every change since has
    // been reported as it came (EXISTS, EXPUNGE, a reconnect). Reporting them as new mail made the
    // UI open the folder again and refetch its rows on every cold start.
    const firstFill = this.use((c) => c.folder(path)?.complete) !== true;
    const unchangedSinceOpen = this.openedAtChange.has(path) && this.openedAtChange.get(path) === (this.changes.get(path) ?? 0);
    const quiet = firstFill && unchangedSinceOpen;
    try {
      result = await this.deps.withFolder(path, async (client, mailbox) => {
        total = mailbox.exists;
        // One change reaches here up to three times within a second (the EXISTS itself, the
        // UI reopening the folder on it, and again on the 'exists' this reconciliation reports):
        // without CONDSTORE each would list every UID and FLAGS of the folder.
        const change = this.changes.get(path) ?? 0;
        const last = this.settled.get(path);
        const folder = this.use((c) => c.folder(path));
        if (last && last.mailbox === mailbox && last.change === change && folder?.complete && folder.count === mailbox.exists) {
          return { mode: 'unchanged' as const, fetched: 0, added: [], removed: [], flagChanges: [] };
        }
        const done = await resyncFolder(client, path, mailbox, cache, true);
        this.settled.set(path, { mailbox, change });
        return done;
      });
      // A folder's first UID list is written with the mailbox lock released (see ResyncResult.fill).
      if (result.fill) {
        const fill = result.fill;
        delete result.fill;
        await fill();
      }
    } catch (err) {
      if (this.closed || this.disabled) return null;
      // A network failure is reported by the connection itself; a cache failure switches it off.
      if (isSqliteError(err)) this.fail(err);
      return null;
    }
    this.lastResult.set(path, result);
    this.saveUnread(path);
    for (const change of result.flagChanges) this.deps.emit({ type: 'flags', folder: path, uid: change.uid, flags: change.flags });
    if (quiet) return result;
    if (result.removed.length > 0) this.deps.emit({ type: 'expunged', folder: path, uids: result.removed });
    if (result.added.length > 0) this.deps.emit({ type: 'exists', folder: path, total });
    return result;
  }

  /**
   * Rows for list positions [start, start+count) when the cache holds the whole folder as the
   * server has it now (same UIDVALIDITY and count); null when the server must be asked.
   */
  window(path: string, uidValidity: bigint, exists: number, start: number, count: number): { rows: CachedRow[]; missing: number[] } | null {
    // Never waits for the cache to open: a cold folder's first window goes to the server at once,
    // ahead of the folder list and the cache's own work.
    if (!this.opened) return null;
    return (
      this.use((c) => {
        const folder = c.folder(path);
        if (!folder || !folder.complete || folder.uidValidity !== uidValidity || folder.count !== exists) return null;
        const rows = c.window(path, start, count);
        return { rows, missing: rows.filter((r) => !r.summary).map((r) => r.uid) };
      }) ?? null
    );
  }

  /**
   * Warm start, before the server has opened the folder: rows for list positions of the folder
   * as the cache last saw it, when it holds all of it (the screen is the cache's word until the
   * server confirms, as with peek); null otherwise.
   */
  windowBeforeOpen(path: string, start: number, count: number): { rows: CachedRow[]; missing: number[] } | null {
    if (!this.opened) return null;
    const folder = this.use((c) => c.folder(path));
    return folder?.complete ? this.window(path, folder.uidValidity, folder.count, start, count) : null;
  }

  /**
   * A cold start: no store on disk, and none being opened yet (opening creates it). The store is
   * then opened (created) only when it has something to keep: the first rows, after the frame that
   * shows them (store()), or the first fill. Until then, nothing is hidden and no stored UID can be
   * stale, and the SQLite driver's load and the file's creation (~30 ms) stay out of the login and
   * of the first frame.
   */
  nothingOnDisk(): boolean {
    return !this.cache && !!this.deps.exists && !this.deps.exists();
  }

  /** The folder and its newest summaries from disk alone (warm start); null unless all are cached. */
  async peek(path: string, count: number): Promise<{ uidValidity: bigint; total: number; unread: number; newest: MessageSummary[] } | null> {
    // A cold start says so at once: opening (creating) the store would hold up its login.
    if (this.nothingOnDisk()) return null;
    if (!(await this.get())) return null;
    return (
      this.use((c) => {
        const folder = c.folder(path);
        if (!folder?.complete) return null;
        const rows = c.window(path, 0, count);
        if (rows.some((r) => !r.summary)) return null;
        return { uidValidity: folder.uidValidity, total: folder.count, unread: folder.unread, newest: rows.map((r) => r.summary!) };
      }) ?? null
    );
  }

  /**
   * Records the folder's UIDVALIDITY in the store (the only place it is kept between runs) and
   * tells whether it changed since the last run; undefined when the store is off.
   */
  async noteValidity(path: string, uidValidity: bigint): Promise<boolean | undefined> {
    // Nothing stored can be stale; recorded once the store is opened (or at close()).
    if (this.nothingOnDisk()) {
      this.pendingValidity.set(path, uidValidity);
      return false;
    }
    if (!(await this.get())) return undefined;
    return this.use((c) => c.noteValidity(path, uidValidity));
  }

  /** The server's unread count, remembered for the next warm start. */
  noteUnread(path: string, uidValidity: bigint, unread: number): void {
    this.unread.set(path, { uidValidity, unread });
    this.saveUnread(path);
  }

  private saveUnread(path: string): void {
    const known = this.unread.get(path);
    if (!known) return;
    this.use((c) => {
      if (c.folder(path)?.uidValidity === known.uidValidity) c.setUnread(path, known.unread);
    });
  }

  /** The messages tmail hides per folder (see hidden-deleted.ts); undefined when the store is off. */
  async hiddenDeleted(): Promise<Map<string, Map<number, boolean>> | undefined> {
    if (this.nothingOnDisk() || !(await this.get())) return undefined;
    return this.use((c) => c.hiddenDeleted());
  }

  saveHiddenDeleted(path: string, uids: ReadonlyMap<number, boolean>): void {
    void this.get().then(() => this.use((c) => c.setHiddenDeleted(path, uids)));
  }

  /**
   * Keeps summaries the server sent. Written once the frame showing them is drawn (the UI renders
   * when the queued promise callbacks have run, see coalesced-subscribe.ts; this runs in the
   * check phase after that), or first thing in any cache operation before then, so the order of
   * what the server said holds. A cold start's first rows no longer wait for ~10 ms of encoding.
   */
  store(path: string, uidValidity: bigint, summaries: MessageSummary[]): void {
    if (summaries.length === 0 || this.disabled || this.closed) return;
    this.pendingRows.push({ path, uidValidity, summaries });
    // Opening the store (a cold start's first rows) waits for the frame too.
    if (this.pendingRows.length === 1) setImmediate(() => void this.get().then(() => this.flushRows()));
  }

  private pendingRows: { path: string; uidValidity: bigint; summaries: MessageSummary[] }[] = [];
  /** UIDVALIDITY seen before a cold start's store was opened (noteValidity). */
  private readonly pendingValidity = new Map<string, bigint>();

  private flushRows(): void {
    const rows = this.pendingRows;
    if (rows.length === 0 || !this.opened) return;
    this.pendingRows = [];
    this.run((c) => {
      for (const { path, uidValidity, summaries } of rows) {
        const folder = c.folder(path);
        if (!folder || folder.uidValidity !== uidValidity) c.reset(path, uidValidity);
        c.putSummaries(path, summaries);
      }
    });
  }

  /** The server's full folder list: cached folders no longer on it are dropped from disk. */
  foldersListed(paths: readonly string[]): void {
    const listed = new Set(paths);
    void this.get().then(() =>
      this.use((c) => {
        for (const path of c.folderPaths()) if (!listed.has(path)) c.forget(path);
      }),
    );
  }

  expunged(path: string, uid: number): void {
    // Rows still waiting for the store (a cold start's first window) lose it too.
    for (const rows of this.pendingRows) if (rows.path === path) rows.summaries = rows.summaries.filter((s) => s.uid !== uid);
    this.use((c) => c.removeUids(path, [uid]));
  }

  /**
   * A STORE on 10,000 messages brings 10,000 untagged FETCHes: their flags are written together,
   * one transaction per FLAG_BATCH_MS, not one commit (and fsync) per message: that was the
   * bench's 10,000-message `;N` waiting minutes on the disk. close() writes what is pending.
   */
  flagsChanged(path: string, uid: number, flags: Flag[]): void {
    let list = this.pendingFlags.get(path);
    if (!list) this.pendingFlags.set(path, (list = []));
    list.push({ uid, flags });
    // imapflow hands over each response after an await, so a microtask would still flush one by one.
    if (this.pendingFlags.size === 1 && list.length === 1) setTimeout(() => this.flushFlags(), FLAG_BATCH_MS).unref();
  }

  private pendingFlags = new Map<string, { uid: number; flags: Flag[] }[]>();

  private flushFlags(): void {
    const all = this.pendingFlags;
    // Kept until the store is open (a cold start): then written after the rows they change.
    if (all.size === 0 || !this.opened) return;
    this.pendingFlags = new Map();
    this.use((c) => {
      for (const [path, changes] of all) if (c.folder(path)) c.applyFlags(path, changes);
    });
  }

  /** Stops background work and closes the cache; an open still under way is awaited (and closed). */
  async close(): Promise<void> {
    // A cold start closed before its store was needed: what it learned is kept all the same.
    if (!this.opened && (this.pendingValidity.size > 0 || this.pendingRows.length > 0 || this.pendingFlags.size > 0)) await this.get();
    this.flushRows();
    this.flushFlags();
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.opened?.close();
    this.opened = null;
    // Otherwise the SQLite file could be created after close() returned, in a data dir the caller
    // may already be removing.
    await this.cache;
  }
}

function isSqliteError(err: unknown): boolean {
  // better-sqlite3: SqliteError with SQLITE_* codes; node:sqlite: ERR_SQLITE_ERROR.
  const code = String((err as { code?: unknown }).code ?? '');
  return err instanceof Error && (err.name === 'SqliteError' || /^SQLITE_/.test(code) || code === 'ERR_SQLITE_ERROR');
}
