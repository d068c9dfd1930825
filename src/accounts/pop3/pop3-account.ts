// The POP3 model behind the MailAccount contract. Everything the UI browses is the local Maildir
// cache under <dataDir>/Maildir: folders, flags, deletes and moves are local only — the server is
// never told (capabilities say so, and each summary's `location` says where the mail lives).
// Only sync() talks to the server, through the sync engine (pop3-sync-bridge.ts).
import { chmod, mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { AccountConfig } from '../../config/types.js';
import type { AccountCapabilities, AccountEvent, AccountEventListener, CheckDeferred, MailAccount, SyncProgress, SyncResult } from '../account.js';
import {
  AccountError,
  type Flag,
  type FolderInfo,
  type MessageLocation,
  type MessageSummary,
  type OpenedFolder,
  type SearchQuery,
  type SortOrder,
  type SpecialUse,
} from '../../domain/index.js';
import type { AccountDeps, CopyOutcome, DeleteOptions, RemovalOutcome, UidPair } from '../account.js';
import { POP3_CAPABILITIES } from './capabilities.js';
import { localError } from '../../store/local-error.js';
import type { IndexedMessage, IndexedSummary, LocalFolderIndex } from '../../store/local-folder-index.js';
import { Maildir } from '../../store/maildir.js';
import type { SummaryStore } from '../../store/summary-store.js';
import { addLetters, flagsToLetters, lettersToFlags, removeLetters } from '../../store/maildir-flags.js';
import { INBOX, normalizeFolder } from '../../store/maildir-names.js';
import { defaultSyncApi, type Pop3SyncApi } from './pop3-sync-bridge.js';
import { depsCredentials } from '../sign-in.js';
import { pop3TraceFunction } from '../../trace/pop3-trace.js';

export const TRASH = 'Trash';
/** Free-text search reads at most this much of each message (headers + start of the body). */
export const SEARCH_SCAN_BYTES = 1024 * 1024;

const SPECIAL_USE_BY_NAME: Record<string, SpecialUse> = {
  inbox: 'inbox',
  trash: 'trash',
  sent: 'sent',
  drafts: 'drafts',
  junk: 'junk',
  spam: 'junk',
  archive: 'archive',
};

const NOT_ON_SERVER: MessageLocation = { kind: 'local', onServer: false };

export class Pop3Account implements MailAccount {
  readonly name: string;
  readonly protocol = 'pop3' as const;
  readonly capabilities: AccountCapabilities = { ...POP3_CAPABILITIES, sortOrders: [...POP3_CAPABILITIES.sortOrders] };

  readonly maildir: Maildir;
  readonly statePath: string;
  private readonly indexes = new Map<string, LocalFolderIndex>();
  /** The account's summary store (folders of source 'maildir'), shared by the folder indexes. */
  private store: Promise<SummaryStore | null> | undefined;
  private readonly lastValidity = new Map<string, bigint>();
  private readonly listeners = new Set<AccountEventListener>();
  private running: Promise<SyncResult> | undefined;
  private locations: { mtimeMs: number; lookup: (key: string) => MessageLocation } | undefined;
  private connected = false;

  constructor(
    readonly config: AccountConfig,
    private readonly deps: AccountDeps,
    private readonly syncApi: Pop3SyncApi = defaultSyncApi,
  ) {
    this.name = config.name;
    this.maildir = new Maildir(join(deps.dataDir, 'Maildir'));
    this.statePath = join(deps.dataDir, 'pop3-state.json');
  }

  /** Opens the local cache; needs no network (sync() does). */
  async connect(): Promise<void> {
    this.emit({ type: 'connection', state: 'connecting' });
    try {
      await mkdir(this.deps.dataDir, { recursive: true, mode: 0o700 });
      await chmod(this.deps.dataDir, 0o700);
    } catch (err) {
      const error = localError(`create the data directory ${this.deps.dataDir}`, err);
      this.emit({ type: 'connection', state: 'disconnected', error: error.message });
      throw error;
    }
    try {
      await this.maildir.init();
      await this.maildir.ensureFolder(TRASH);
    } catch (err) {
      const error = err instanceof AccountError ? err : localError(`open ${this.maildir.root}`, err);
      this.emit({ type: 'connection', state: 'disconnected', error: error.message });
      throw error;
    }
    this.connected = true;
    this.emit({ type: 'connection', state: 'connected' });
  }

  async close(): Promise<void> {
    if (this.running) await this.running.catch(() => undefined);
    const store = this.store;
    this.store = undefined;
    this.indexes.clear();
    (await store)?.close();
    if (!this.connected) return;
    this.connected = false;
    this.emit({ type: 'connection', state: 'disconnected' });
  }

  async listFolders(): Promise<FolderInfo[]> {
    const folders = await this.maildir.listFolders();
    if (!folders.includes(TRASH)) folders.push(TRASH);
    return Promise.all(
      folders.map(async (path) => {
        const counts = (await this.maildir.folderExists(path)) ? await this.maildir.count(path) : { total: 0, unread: 0 };
        const name = path.includes('.') ? path.slice(path.lastIndexOf('.') + 1) : path;
        const specialUse = SPECIAL_USE_BY_NAME[path.toLowerCase()];
        return { path, name, delimiter: '.', ...(specialUse ? { specialUse } : {}), selectable: true, ...counts };
      }),
    );
  }

  async openFolder(path: string): Promise<OpenedFolder> {
    const folder = normalizeFolder(path);
    const index = await this.index(folder);
    const r = await index.refresh();
    const previous = this.lastValidity.get(folder);
    const changed = (previous !== undefined && previous !== r.uidValidity) || (previous === undefined && r.origin === 'rebuilt-corrupt');
    this.lastValidity.set(folder, r.uidValidity);
    this.reportSaveError(index);
    return { path: folder, uidValidity: r.uidValidity, uidValidityChanged: changed, total: r.total, unread: r.unread };
  }

  async fetchWindow(path: string, start: number, count: number, sort: SortOrder = 'arrival'): Promise<MessageSummary[]> {
    const index = await this.refreshed(path);
    if (count <= 0 || start < 0) return [];
    const ordered = await index.newestFirst(sort);
    const window = ordered.slice(start, start + count);
    const summaries = await index.summaries(window);
    const locate = await this.locator();
    const out: MessageSummary[] = [];
    for (const m of window) {
      const s = summaries.get(m.uid);
      if (!s) continue;
      const summary = this.toSummary(s, locate);
      if (sort === 'thread') summary.threadDepth = index.threadDepth(m.uid);
      out.push(summary);
    }
    return out;
  }

  /** Search results by UID, with the same flags and location as in a window (read from the local store). */
  async fetchSummaries(path: string, uids: number[]): Promise<MessageSummary[]> {
    if (uids.length === 0) return [];
    const folder = normalizeFolder(path);
    const index = await this.refreshed(folder);
    const messages = await this.messages(folder, uids);
    const summaries = await index.summaries(messages);
    const locate = await this.locator();
    return messages.flatMap((m) => {
      const s = summaries.get(m.uid);
      return s ? [this.toSummary(s, locate)] : [];
    });
  }

  async fetchRaw(path: string, uid: number): Promise<Readable> {
    const folder = normalizeFolder(path);
    const [m] = await this.messages(folder, [uid]);
    if (!m) throw new AccountError('not-found', `Message ${uid} is no longer in the local folder "${folder}".`);
    return this.maildir.read(folder, m.key);
  }

  async addFlags(path: string, uids: number[], flags: Flag[]): Promise<void> {
    await this.changeFlags(path, uids, (current) => addLetters(current, flagsToLetters(flags)));
  }

  async removeFlags(path: string, uids: number[], flags: Flag[]): Promise<void> {
    await this.changeFlags(path, uids, (current) => removeLetters(current, flagsToLetters(flags)));
  }

  /** Outside Trash: move to the local Trash. In Trash (or skipTrash): delete the file. The server only hears of it with deleteOnServerWhenDeletedLocally. */
  async deleteMessages(path: string, uids: number[], options: DeleteOptions = {}): Promise<RemovalOutcome | undefined> {
    const folder = normalizeFolder(path);
    const messages = await this.messages(folder, uids);
    if (!messages.length) return undefined;
    if (this.config.deleteOnServerWhenDeletedLocally) {
      // Before touching the local copy: if remembering fails, nothing has been deleted yet.
      for (const m of messages) await this.syncApi.markForServerDeletion(this.statePath, m.key);
      this.locations = undefined;
    }
    if (folder === TRASH || options.skipTrash) {
      for (const m of messages) await this.maildir.remove(folder, m.key);
      await this.afterRemoval(folder, messages);
      return { result: 'expunged' };
    }
    const copies = await this.transfer(folder, messages, TRASH, 'move');
    return { result: 'moved', destination: TRASH, copies };
  }

  async whereDeleteGoes(path: string): Promise<string | null> {
    return normalizeFolder(path) === TRASH ? null : TRASH;
  }

  async moveMessages(path: string, uids: number[], destination: string): Promise<RemovalOutcome | undefined> {
    const folder = normalizeFolder(path);
    const dest = normalizeFolder(destination);
    if (folder === dest) return undefined;
    const copies = await this.transfer(folder, await this.messages(folder, uids), dest, 'move');
    return { result: 'moved', destination: dest, copies };
  }

  async copyMessages(path: string, uids: number[], destination: string): Promise<CopyOutcome> {
    const folder = normalizeFolder(path);
    const dest = normalizeFolder(destination);
    return { destination: dest, copies: await this.transfer(folder, await this.messages(folder, uids), dest, 'copy') };
  }

  async createFolder(path: string): Promise<void> {
    await this.maildir.createFolder(path);
  }

  async renameFolder(path: string, newPath: string): Promise<void> {
    const from = normalizeFolder(path);
    if (from === TRASH) throw new AccountError('local', `"${TRASH}" is where local deletes go; it cannot be renamed.`);
    const affected = [from, ...(await this.maildir.subfolders(from))];
    try {
      await this.maildir.renameFolder(from, newPath);
    } finally {
      for (const f of affected) this.forgetFolder(f);
    }
  }

  async deleteFolder(path: string): Promise<void> {
    const folder = normalizeFolder(path);
    if (folder === TRASH) throw new AccountError('local', `"${TRASH}" is where local deletes go; it cannot be deleted.`);
    try {
      await this.maildir.deleteFolder(folder);
    } finally {
      this.forgetFolder(folder);
    }
  }

  private forgetFolder(folder: string): void {
    this.indexes.delete(folder);
    this.lastValidity.delete(folder);
  }

  /** Sent copies and postponed drafts live only in the local Maildir: POP3 has no server folders. */
  async appendMessage(path: string, raw: Buffer, flags: Flag[]): Promise<void> {
    const folder = normalizeFolder(path);
    await this.maildir.deliver(folder, raw, { flags: flagsToLetters(flags) });
    const r = await (await this.index(folder)).refresh();
    this.emit({ type: 'exists', folder, total: r.total });
  }

  async specialFolder(use: 'sent' | 'drafts'): Promise<string> {
    const folder = use === 'sent' ? 'Sent' : 'Drafts';
    await this.maildir.ensureFolder(folder);
    return folder;
  }

  /**
   * A local scan with the search language's evaluator (src/search): flags from the file names,
   * headers from the summary cache, and for body/anywhere, date and attachment terms the source
   * (its first SEARCH_SCAN_BYTES, parsed: decoded text parts, the Date header's written day, the
   * structure). Such a query reads every message file of the folder.
   */
  async search(path: string, query: SearchQuery): Promise<number[]> {
    const { evaluableWithSource, matches, needsHeaders, needsSource, queryToNode } = await import('../../search/index.js');
    const index = await this.refreshed(path);
    const node = queryToNode(query);
    const candidates = await index.newestFirst('arrival');
    if (!needsHeaders(node)) return candidates.filter((m) => matches(node, { summary: flagsOnly(m) })).map((m) => m.uid);
    const summaries = await index.summaries(candidates);
    const withSource = needsSource(node);
    const hits = new Set<number>();
    const BATCH = 32;
    for (let i = 0; i < candidates.length; i += BATCH) {
      await Promise.all(
        candidates.slice(i, i + BATCH).map(async (m) => {
          const s = summaries.get(m.uid);
          if (!s) return;
          const summary = this.toSummary(s, () => NOT_ON_SERVER);
          const raw = withSource ? await this.sourceStart(index, m) : undefined;
          if (matches(node, raw === undefined ? { summary } : await evaluableWithSource(summary, raw))) hits.add(m.uid);
        }),
      );
    }
    return candidates.filter((m) => hits.has(m.uid)).map((m) => m.uid);
  }

  /** From the local store: the flags are in the Maildir file names (no file is read). */
  async unreadPositions(path: string, sort: SortOrder = 'arrival'): Promise<number[]> {
    const index = await this.refreshed(path);
    const ordered = await index.newestFirst(sort);
    return ordered.flatMap((m, i) => (lettersToFlags(m.flags).includes('\\Seen') ? [] : [i]));
  }

  /** Downloads new mail (see sync.ts). Concurrent calls share one run. */
  sync(onProgress?: (progress: SyncProgress) => void): Promise<SyncResult> {
    return this.runSync(onProgress, true);
  }

  async nextCheckAt(): Promise<Date | undefined> {
    const at = await this.syncApi.nextLoginAt(this.statePath).catch(() => undefined);
    return at && at.getTime() > Date.now() ? at : undefined;
  }

  /** sync(), except before the server's LOGIN-DELAY ends: then no connection, a CheckDeferred. */
  async backgroundSync(onProgress?: (progress: SyncProgress) => void): Promise<SyncResult | CheckDeferred> {
    const before = await this.nextCheckAt();
    if (before) return deferred(before);
    try {
      return await this.runSync(onProgress, false);
    } catch (err) {
      // The server said "too soon" (the sync engine remembered when it allows the next login).
      const after = await this.nextCheckAt();
      if (after) return deferred(after);
      const message = err instanceof AccountError ? err.message : 'The POP3 sync failed.';
      this.emit({ type: 'error', message });
      throw err;
    }
  }

  private runSync(onProgress: ((progress: SyncProgress) => void) | undefined, reportErrors: boolean): Promise<SyncResult> {
    if (this.running) return this.running;
    const run = (async () => {
      if (!this.connected) await this.connect();
      try {
        const result = await this.syncApi.syncMailbox({
          config: this.config,
          credentials: depsCredentials(this.config.user, this.deps, this.config.name),
          maildir: this.maildir,
          statePath: this.statePath,
          onProgress,
          ...(this.deps.trace ? { trace: pop3TraceFunction(this.deps.trace, this.name) } : {}),
        });
        this.locations = undefined;
        // Only a listener (the UI) needs the new UIDs now; `tmail sync` leaves that to the next open.
        if (result.downloaded > 0 && this.listeners.size > 0) {
          const r = await (await this.index(INBOX)).refresh();
          this.emit({ type: 'exists', folder: INBOX, total: r.total });
        }
        return result;
      } catch (err) {
        const message = err instanceof AccountError ? err.message : 'The POP3 sync failed.';
        if (reportErrors) this.emit({ type: 'error', message });
        throw err instanceof AccountError ? err : new AccountError('protocol', message, { cause: err });
      }
    })();
    this.running = run;
    run.then(
      () => (this.running = undefined),
      () => (this.running = undefined),
    );
    return run;
  }

  onEvent(listener: AccountEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: AccountEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A failing listener must not break the account or other listeners.
      }
    }
  }

  /** A store that cannot be opened (disk, native module) only costs speed: headers are re-read. */
  private openStore(): Promise<SummaryStore | null> {
    this.store ??= import('../../store/summary-store.js').then(({ SummaryStore }) => SummaryStore.open(this.deps.dataDir, 'maildir')).catch(() => null);
    return this.store;
  }

  private async index(folder: string): Promise<LocalFolderIndex> {
    const name = normalizeFolder(folder);
    let index = this.indexes.get(name);
    if (!index) {
      if (!(await this.maildir.folderExists(name))) throw new AccountError('not-found', `There is no local folder "${name}".`);
      const { LocalFolderIndex } = await import('../../store/local-folder-index.js');
      index = this.indexes.get(name) ?? new LocalFolderIndex(this.maildir, name, () => this.openStore());
      this.indexes.set(name, index);
    }
    return index;
  }

  /** The folder's index after a fresh look at the disk (another tmail may have synced meanwhile). */
  private async refreshed(path: string): Promise<LocalFolderIndex> {
    const folder = normalizeFolder(path);
    const index = await this.index(folder);
    const r = await index.refresh();
    const previous = this.lastValidity.get(folder);
    if (previous !== undefined && previous !== r.uidValidity) {
      this.emit({ type: 'uidvalidity', folder, uidValidity: r.uidValidity });
    } else if (previous !== undefined) {
      // Changes made by someone else since we last looked (a cron `tmail sync`, mutt, another tmail).
      if (r.removed.length) this.emit({ type: 'expunged', folder, uids: r.removed });
      if (r.added.length) this.emit({ type: 'exists', folder, total: r.total });
    }
    this.lastValidity.set(folder, r.uidValidity);
    this.reportSaveError(index);
    return index;
  }

  private readonly reportedSaveErrors = new Set<string>();

  /** Once per folder and message: the mail is readable, but the user should know the disk is in trouble. */
  private reportSaveError(index: LocalFolderIndex): void {
    const err = index.saveError;
    if (!err) {
      this.reportedSaveErrors.delete(index.folder);
      return;
    }
    if (this.reportedSaveErrors.has(index.folder)) return;
    this.reportedSaveErrors.add(index.folder);
    this.emit({ type: 'error', message: err instanceof AccountError ? err.message : `Cannot save the message list of "${index.folder}".` });
  }

  /** Messages for these UIDs; unknown UIDs are ignored, as IMAP does. */
  private async messages(folder: string, uids: number[]): Promise<IndexedMessage[]> {
    const index = await this.index(folder);
    if (uids.some((uid) => !index.message(uid))) await index.refresh();
    return uids.map((uid) => index.message(uid)).filter((m): m is IndexedMessage => m !== undefined);
  }

  private async changeFlags(path: string, uids: number[], update: (letters: string) => string): Promise<void> {
    const folder = normalizeFolder(path);
    const index = await this.index(folder);
    for (const m of await this.messages(folder, uids)) {
      const letters = update(m.flags);
      if (letters === m.flags) continue;
      const entry = await this.maildir.setFlags(folder, m.key, letters).catch(skipVanished);
      if (!entry) continue;
      index.noteFlags(m.uid, 'cur', entry.path.slice(entry.path.lastIndexOf('/') + 1), entry.flags);
      this.emit({ type: 'flags', folder, uid: m.uid, flags: lettersToFlags(entry.flags) });
    }
  }

  /** Moves or copies; returns where each one landed in `dest` (its new local UID). */
  private async transfer(folder: string, messages: IndexedMessage[], dest: string, mode: 'move' | 'copy'): Promise<UidPair[]> {
    if (!messages.length) return [];
    await this.maildir.ensureFolder(dest);
    const done: { from: number; key: string }[] = [];
    try {
      for (const m of messages) {
        // A move keeps the Maildir key; a copy gets a new one. A message another program moved or
        // deleted meanwhile is skipped, as IMAP ignores UIDs that no longer exist.
        const entry = await (mode === 'move' ? this.maildir.move(folder, m.key, dest) : this.maildir.copy(folder, m.key, dest)).catch(skipVanished);
        if (entry) done.push({ from: m.uid, key: entry.key });
      }
    } finally {
      if (mode === 'move' && done.length) {
        const moved = new Set(done.map((d) => d.from));
        await this.afterRemoval(
          folder,
          messages.filter((m) => moved.has(m.uid)),
        );
      }
      if (done.length) {
        const r = await (await this.index(dest)).refresh();
        this.emit({ type: 'exists', folder: dest, total: r.total });
      }
    }
    const destIndex = await this.index(dest);
    return done.flatMap(({ from, key }) => {
      const to = destIndex.uidOfKey(key);
      return to === undefined ? [] : [{ from, to }];
    });
  }

  private async afterRemoval(folder: string, removed: IndexedMessage[]): Promise<void> {
    const index = await this.index(folder);
    await index.refresh();
    await index.pruneCache();
    this.emit({ type: 'expunged', folder, uids: removed.map((m) => m.uid) });
  }

  /** The start of the raw source as text; undefined when the file went away meanwhile. */
  private async sourceStart(index: LocalFolderIndex, m: IndexedMessage): Promise<Buffer | undefined> {
    let handle;
    try {
      handle = await open(index.pathOf(m), 'r');
      const length = Math.min(SEARCH_SCAN_BYTES, (await handle.stat()).size);
      const buf = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buf, 0, length, 0);
      return buf.subarray(0, bytesRead);
    } catch {
      return undefined; // renamed or removed meanwhile: not a match
    } finally {
      await handle?.close();
    }
  }

  /** Location lookup over the sync state, reloaded when the state file changes (e.g. a cron sync). */
  private async locator(): Promise<(key: string) => MessageLocation> {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(this.statePath)).mtimeMs;
    } catch {
      return () => NOT_ON_SERVER; // never synced: everything here is only local
    }
    if (!this.locations || this.locations.mtimeMs !== mtimeMs) {
      try {
        this.locations = { mtimeMs, lookup: await this.syncApi.loadLocations(this.statePath) };
      } catch (err) {
        // Said once per state-file version, not on every window.
        this.emit({ type: 'error', message: err instanceof AccountError ? err.message : 'Cannot read the POP3 sync state; showing messages as local only.' });
        this.locations = { mtimeMs, lookup: () => NOT_ON_SERVER };
      }
    }
    return this.locations.lookup;
  }

  private toSummary(s: IndexedSummary, locate: (key: string) => MessageLocation): MessageSummary {
    return {
      uid: s.uid,
      flags: lettersToFlags(s.flags),
      date: s.date,
      from: s.from,
      to: s.to,
      cc: s.cc,
      subject: s.subject,
      ...(s.messageId ? { messageId: s.messageId } : {}),
      ...(s.inReplyTo ? { inReplyTo: s.inReplyTo } : {}),
      size: s.size,
      hasAttachments: s.hasAttachments,
      location: locate(s.key),
    };
  }
}

/** A message that vanished under us (another program moved or deleted it): skipped, not an error. */
function skipVanished(err: unknown): undefined {
  if (err instanceof AccountError && err.kind === 'not-found') return undefined;
  throw err;
}

/** A summary with only what the file name tells (flags), for flag-only searches. */
function flagsOnly(m: IndexedMessage): MessageSummary {
  return {
    uid: m.uid,
    flags: lettersToFlags(m.flags),
    date: new Date(0),
    from: [],
    to: [],
    cc: [],
    subject: '',
    size: 0,
    hasAttachments: false,
    location: NOT_ON_SERVER,
  };
}

/** Local wall-clock time, "14:05". */
function clock(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function deferred(at: Date): CheckDeferred {
  return { deferred: true, nextCheckAt: at, message: `next check allowed at ${clock(at)} (the server's LOGIN-DELAY)` };
}
