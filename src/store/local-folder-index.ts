// One local Maildir folder as the account layer sees it: stable UIDs (uid-list.ts), newest-first
// orders, and header summaries served from the account's summary store (summary-store.ts, source
// 'maildir'). Refreshing costs one directory listing plus a stat of files not seen before; files
// are immutable in a Maildir (only their names change with flags), so a key's size and mtime are
// stat-ed once per process. The Maildir stays the truth: a store that is missing, damaged or
// unwritable only costs re-reading headers.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HeaderSummary } from '../mime/header-summary.js';
import { errorCode, localError } from './local-error.js';
import { readHeaderSummary } from './header-block.js';
import { importLegacySummaries } from './legacy-summaries.js';
import type { Maildir, MaildirName } from './maildir.js';
import { arrivalFromKey, normalizeFolder } from './maildir-names.js';
import type { FileRow, SummaryStore } from './summary-store.js';
import { UidList, type UidListOrigin } from './uid-list.js';
import type { SortOrder } from '../domain/index.js';
import { threadOrder } from '../threading/jwz.js';
import { baseSubject } from '../threading/subject.js';

const collator = new Intl.Collator(undefined, { sensitivity: 'base' });
/** Alphabetical; an empty sender or subject sorts last rather than first. */
function compareText(a: string, b: string): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0;
  return collator.compare(a, b);
}

export const UIDLIST_FILE = 'tmail-uidlist.json';
/** Where earlier versions cached summaries (JSON per folder); imported into the store, then removed. */
export const LEGACY_SUMMARY_FILE = 'tmail-summaries.json';

/** The account's summary store, opened on first use; null when it cannot be used. */
export type SummaryStoreOpener = () => Promise<SummaryStore | null>;

export interface IndexedMessage {
  uid: number;
  key: string;
  dir: 'new' | 'cur';
  name: string;
  /** Maildir letters. */
  flags: string;
}

export interface IndexedSummary extends HeaderSummary {
  uid: number;
  key: string;
  flags: string;
  size: number;
  mtime: Date;
}

export interface RefreshResult {
  uidValidity: bigint;
  /** How the uid list was obtained when it was first loaded in this process. */
  origin: UidListOrigin;
  added: number[];
  removed: number[];
  total: number;
  unread: number;
}

interface FileStat {
  size: number;
  mtimeMs: number;
}

export class LocalFolderIndex {
  readonly folder: string;
  private readonly uidList: UidList;
  private store: SummaryStore | null = null;
  /** Summaries known in this process (from the store or parsed), by UID. */
  private readonly known = new Map<number, FileRow>();
  /** Parsed since the last write to the store. */
  private pending: FileRow[] = [];
  /** The UIDVALIDITY the store was last told about (its rows are for that numbering). */
  private storeValidity: bigint | undefined;
  private loaded = false;
  private origin: UidListOrigin = 'loaded';
  private readonly stats = new Map<string, FileStat>();
  private byUid = new Map<number, IndexedMessage>();
  private ascending: IndexedMessage[] = [];
  /** Orders that need every summary, made once per folder state. */
  private orders = new Map<Exclude<SortOrder, 'arrival'>, IndexedMessage[]>();
  /** Depth of each message in the thread order. */
  private threadDepths = new Map<number, number>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Set while the uid list could not be written (e.g. disk full); cleared by the next good save. */
  saveError: Error | undefined;

  /** Without `openStore` summaries are kept in memory only (parsed once per process). */
  constructor(
    private readonly maildir: Maildir,
    folder: string,
    private readonly openStore: SummaryStoreOpener = async () => null,
  ) {
    this.folder = normalizeFolder(folder);
    const dir = maildir.folderPath(this.folder);
    this.uidList = new UidList(join(dir, UIDLIST_FILE));
  }

  get uidValidity(): bigint {
    return BigInt(this.uidList.uidValidity);
  }

  /** Re-reads the folder, assigns UIDs to new files, forgets vanished ones. Calls are serialized. */
  refresh(): Promise<RefreshResult> {
    const run = this.queue.then(() => this.doRefresh());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async doRefresh(): Promise<RefreshResult> {
    const names = await this.maildir.names(this.folder);
    if (!this.loaded) {
      await this.uidList.load();
      this.store = await this.openStore();
      this.origin = this.uidList.origin;
      this.loaded = true;
    } else if (await this.uidList.changedOnDisk()) {
      // Another tmail process assigned UIDs (or rebuilt the list): adopt its numbering, so both
      // processes agree. Without this the last writer would silently renumber the other's view.
      await this.uidList.load();
    }
    const byKey = new Map<string, MaildirName>(names.map((n) => [n.key, n]));
    const { added, removed } = await this.uidList.reconcile(byKey.keys(), async (keys) => {
      const arrival = new Map<string, number>();
      await Promise.all(
        keys.map(async (key) => {
          // tmail's own keys carry their arrival time (older versions also stamped it as the
          // mtime); other programs' files arrived when they were last modified.
          const own = arrivalFromKey(key);
          if (own !== undefined) {
            arrival.set(key, own);
            return;
          }
          const n = byKey.get(key);
          const st = n ? await this.statOf(n) : undefined;
          arrival.set(key, st?.mtimeMs ?? 0);
        }),
      );
      return arrival;
    });
    try {
      await this.uidList.save();
      this.saveError = undefined;
    } catch (err) {
      // Reading mail must keep working on a full disk: the numbering stays valid in memory and
      // the save is retried on the next refresh (another process would derive the same UIDs
      // from the same arrival order).
      this.saveError = err instanceof Error ? err : new Error(String(err));
    }
    const previous = this.byUid;
    this.byUid = new Map();
    for (const [key, uid] of this.uidList.byKey) {
      const n = byKey.get(key);
      if (n) this.byUid.set(uid, { uid, key, dir: n.dir, name: n.name, flags: n.flags });
    }
    this.ascending = [...this.byUid.values()].sort((a, b) => a.uid - b.uid);
    if (added.length || removed.length || previous.size !== this.byUid.size) this.orders.clear();
    for (const uid of removed) {
      const gone = previous.get(uid);
      if (gone) this.stats.delete(gone.key);
      this.known.delete(uid);
    }
    await this.syncStore(removed);
    let unread = 0;
    for (const m of this.ascending) if (!m.flags.includes('S')) unread++;
    return { uidValidity: this.uidValidity, origin: this.origin, added, removed, total: this.ascending.length, unread };
  }

  get total(): number {
    return this.ascending.length;
  }

  message(uid: number): IndexedMessage | undefined {
    return this.byUid.get(uid);
  }

  uidOfKey(key: string): number | undefined {
    return this.uidList.byKey.get(key);
  }

  /** Records a rename we did ourselves, so the next access does not need a directory listing. */
  noteFlags(uid: number, dir: 'new' | 'cur', name: string, flags: string): void {
    const m = this.byUid.get(uid);
    if (m) Object.assign(m, { dir, name, flags });
  }

  pathOf(m: IndexedMessage): string {
    return join(this.maildir.folderPath(this.folder), m.dir, m.name);
  }

  /**
   * All messages in list order (see SortOrder). Every order but arrival needs every summary: made
   * from the summary store once, then kept until the folder changes.
   */
  async newestFirst(sort: SortOrder): Promise<IndexedMessage[]> {
    if (sort === 'arrival') return [...this.ascending].reverse();
    let order = this.orders.get(sort);
    if (!order) {
      order = await this.makeOrder(sort);
      this.orders.set(sort, order);
    }
    return order.filter((m) => this.byUid.has(m.uid));
  }

  /** Indentation of a message in the thread order (0 when it has not been threaded). */
  threadDepth(uid: number): number {
    return this.threadDepths.get(uid) ?? 0;
  }

  private async makeOrder(sort: Exclude<SortOrder, 'arrival'>): Promise<IndexedMessage[]> {
    const messages = this.ascending;
    const summaries = await this.summaries(messages);
    const dateOf = (m: IndexedMessage) => summaries.get(m.uid)?.date.getTime() || 0;
    const newest = (a: IndexedMessage, b: IndexedMessage) => dateOf(b) - dateOf(a) || b.uid - a.uid;
    if (sort === 'date') return [...messages].sort(newest);
    if (sort === 'thread') {
      const order = threadOrder(
        messages.flatMap((m) => {
          const s = summaries.get(m.uid);
          return s ? [{ uid: m.uid, date: s.date, subject: s.subject, messageId: s.messageId, inReplyTo: s.inReplyTo, references: s.references }] : [];
        }),
      );
      this.threadDepths = new Map(order.uids.map((uid, i) => [uid, order.depths[i]!]));
      return order.uids.flatMap((uid) => this.byUid.get(uid) ?? []);
    }
    const key = new Map(
      messages.map((m) => {
        const s = summaries.get(m.uid);
        const text = sort === 'from' ? (s?.from[0] ? s.from[0].name || s.from[0].address : '') : baseSubject(s?.subject ?? '');
        return [m.uid, text.toLowerCase()];
      }),
    );
    return [...messages].sort((a, b) => compareText(key.get(a.uid)!, key.get(b.uid)!) || newest(a, b));
  }

  /** Summaries for these messages: from the store when key+size+mtime match, else parsed from the header block. */
  async summaries(messages: IndexedMessage[]): Promise<Map<number, IndexedSummary>> {
    const out = new Map<number, IndexedSummary>();
    const unknown = messages.filter((m) => !this.known.has(m.uid)).map((m) => m.uid);
    if (unknown.length) for (const [uid, row] of this.withStore((s) => s.fileRows(this.folder, unknown)) ?? []) this.known.set(uid, row);
    const BATCH = 64;
    for (let i = 0; i < messages.length; i += BATCH) {
      await Promise.all(
        messages.slice(i, i + BATCH).map(async (m) => {
          const s = await this.summaryOf(m);
          if (s) out.set(m.uid, s);
        }),
      );
    }
    this.flush();
    return out;
  }

  /** Forgets stored summaries of files that are gone (call after big deletes). */
  async pruneCache(): Promise<void> {
    this.withStore((s) =>
      s.removeUids(
        this.folder,
        s.uids(this.folder).filter((uid) => !this.byUid.has(uid)),
      ),
    );
  }

  private async summaryOf(m: IndexedMessage): Promise<IndexedSummary | undefined> {
    const st = await this.statOf(m);
    if (!st) return undefined;
    const mtime = new Date(st.mtimeMs);
    const row = this.known.get(m.uid);
    let summary: HeaderSummary | undefined = row && row.key === m.key && row.size === st.size && row.mtimeMs === st.mtimeMs ? row.fields : undefined;
    if (!summary) {
      try {
        summary = await readHeaderSummary(this.pathOf(m), mtime);
      } catch (err) {
        if (errorCode((err as { cause?: unknown }).cause) === 'ENOENT') return undefined;
        throw err;
      }
      const fresh: FileRow = { uid: m.uid, key: m.key, size: st.size, mtimeMs: st.mtimeMs, fields: { ...summary, size: st.size } };
      this.known.set(m.uid, fresh);
      this.pending.push(fresh);
    }
    return { ...summary, uid: m.uid, key: m.key, flags: m.flags, size: st.size, mtime };
  }

  /** Writes what was parsed since the last call, in one transaction. */
  private flush(): void {
    const rows = this.pending;
    this.pending = [];
    this.withStore((s) => s.putFileRows(this.folder, rows));
  }

  /**
   * Brings the store in line with the uid list: a new numbering (the list was rebuilt, here or by
   * another process) drops the folder's rows; removed UIDs drop theirs. On first contact, the JSON
   * summaries of an earlier version are imported.
   */
  private async syncStore(removed: number[]): Promise<void> {
    if (!this.store) return;
    const validity = this.uidValidity;
    if (this.storeValidity !== validity) {
      if (this.withStore((s) => s.noteValidity(this.folder, validity))) this.known.clear();
      this.storeValidity = validity;
      const legacy = join(this.maildir.folderPath(this.folder), LEGACY_SUMMARY_FILE);
      const put = (rows: FileRow[]) =>
        this.withStore((s) => {
          s.putFileRows(this.folder, rows);
          return true;
        }) === true;
      await importLegacySummaries(legacy, this.uidList.byKey, put);
    }
    if (removed.length) this.withStore((s) => s.removeUids(this.folder, removed));
  }

  /** Runs a store operation; a failing store is dropped for this process (it only costs speed). */
  private withStore<T>(fn: (store: SummaryStore) => T): T | undefined {
    if (!this.store) return undefined;
    try {
      return fn(this.store);
    } catch {
      this.store = null;
      return undefined;
    }
  }

  private async statOf(n: { key: string; dir: 'new' | 'cur'; name: string }): Promise<FileStat | undefined> {
    const known = this.stats.get(n.key);
    if (known) return known;
    const path = join(this.maildir.folderPath(this.folder), n.dir, n.name);
    try {
      const st = await stat(path);
      // Round, not floor: a time set with utimes in whole ms can read back as x.999 (the seconds
      // pass through a double), and flooring made two consecutive arrival stamps equal.
      const fs = { size: st.size, mtimeMs: Math.round(st.mtimeMs) };
      this.stats.set(n.key, fs);
      return fs;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      throw localError(`read ${path}`, err);
    }
  }
}
