// The POP3 model behind the MailAccount contract. Everything the UI browses is the local Maildir
// cache under <dataDir>/Maildir: folders, flags, deletes and moves are local only — the server is
// never told (capabilities say so, and each summary's `location` says where the mail lives).
// Only sync() talks to the server, through the sync engine (pop3-sync-bridge.ts).
import { chmod, mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { AccountConfig } from '../../config/types.js';
import type { AccountCapabilities, AccountEvent, AccountEventListener, MailAccount, SyncProgress, SyncResult } from '../account.js';
import { AccountError, type Flag, type FolderInfo, type MessageLocation, type MessageSummary, type OpenedFolder, type SearchQuery, type SortOrder, type SpecialUse } from '../../domain/index.js';
import type { AccountDeps, DeleteOptions, RemovalOutcome } from '../account.js';
import { POP3_CAPABILITIES } from './capabilities.js';
import { localError } from '../../store/local-error.js';
import { LocalFolderIndex, type IndexedMessage, type IndexedSummary } from '../../store/local-folder-index.js';
import { Maildir } from '../../store/maildir.js';
import { addLetters, flagsToLetters, lettersToFlags, removeLetters } from '../../store/maildir-flags.js';
import { INBOX, normalizeFolder } from '../../store/maildir-names.js';
import { defaultSyncApi, type Pop3SyncApi } from './pop3-sync-bridge.js';
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
    await this.transfer(folder, messages, TRASH, 'move');
    return { result: 'moved', destination: TRASH };
  }

  async moveMessages(path: string, uids: number[], destination: string): Promise<RemovalOutcome | undefined> {
    const folder = normalizeFolder(path);
    const dest = normalizeFolder(destination);
    if (folder === dest) return undefined;
    await this.transfer(folder, await this.messages(folder, uids), dest, 'move');
    return { result: 'moved', destination: dest };
  }

  async copyMessages(path: string, uids: number[], destination: string): Promise<void> {
    const folder = normalizeFolder(path);
    await this.transfer(folder, await this.messages(folder, uids), normalizeFolder(destination), 'copy');
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
   * A local scan. from/subject/flags/dates use the header summaries (cached); `text` matches
   * the decoded from/to/cc/subject or the raw source (first SEARCH_SCAN_BYTES, so a body that
   * is base64/quoted-printable encoded is not matched by its decoded words).
   */
  async search(path: string, query: SearchQuery): Promise<number[]> {
    const index = await this.refreshed(path);
    let candidates = await index.newestFirst('arrival');
    if (query.unseen) candidates = candidates.filter((m) => !m.flags.includes('S'));
    if (query.flagged) candidates = candidates.filter((m) => m.flags.includes('F'));
    const needsHeaders = query.from || query.subject || query.since || query.before || query.text;
    if (!needsHeaders) return candidates.map((m) => m.uid);
    const summaries = await index.summaries(candidates);
    const from = query.from?.toLowerCase();
    const subject = query.subject?.toLowerCase();
    const text = query.text?.toLowerCase();
    const byHeaders = candidates.filter((m) => {
      const s = summaries.get(m.uid);
      if (!s) return false;
      if (from && !addressText(s.from).includes(from)) return false;
      if (subject && !s.subject.toLowerCase().includes(subject)) return false;
      if (query.since && s.date < startOfDay(query.since)) return false;
      if (query.before && s.date >= startOfDay(query.before)) return false;
      return true;
    });
    if (!text) return byHeaders.map((m) => m.uid);
    const matches = new Set<number>();
    const BATCH = 32;
    for (let i = 0; i < byHeaders.length; i += BATCH) {
      await Promise.all(
        byHeaders.slice(i, i + BATCH).map(async (m) => {
          const s = summaries.get(m.uid)!;
          const inHeaders = [addressText(s.from), addressText(s.to), addressText(s.cc), s.subject.toLowerCase()].some((h) => h.includes(text));
          if (inHeaders || (await this.sourceContains(index, m, text))) matches.add(m.uid);
        }),
      );
    }
    return byHeaders.filter((m) => matches.has(m.uid)).map((m) => m.uid);
  }

  /** Downloads new mail (see sync.ts). Concurrent calls share one run. */
  sync(onProgress?: (progress: SyncProgress) => void): Promise<SyncResult> {
    if (this.running) return this.running;
    const run = (async () => {
      if (!this.connected) await this.connect();
      try {
        const result = await this.syncApi.syncMailbox({
          config: this.config,
          getPassword: this.deps.getPassword,
          maildir: this.maildir,
          statePath: this.statePath,
          onProgress,
          ...(this.deps.trace ? { trace: pop3TraceFunction(this.deps.trace, this.name) } : {}),
        });
        this.locations = undefined;
        if (result.downloaded > 0) {
          const r = await (await this.index(INBOX)).refresh();
          this.emit({ type: 'exists', folder: INBOX, total: r.total });
        }
        return result;
      } catch (err) {
        const message = err instanceof AccountError ? err.message : 'The POP3 sync failed.';
        this.emit({ type: 'error', message });
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

  private async index(folder: string): Promise<LocalFolderIndex> {
    const name = normalizeFolder(folder);
    let index = this.indexes.get(name);
    if (!index) {
      if (!(await this.maildir.folderExists(name))) throw new AccountError('not-found', `There is no local folder "${name}".`);
      index = new LocalFolderIndex(this.maildir, name);
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
      const entry = await this.maildir.setFlags(folder, m.key, letters);
      index.noteFlags(m.uid, 'cur', entry.path.slice(entry.path.lastIndexOf('/') + 1), entry.flags);
      this.emit({ type: 'flags', folder, uid: m.uid, flags: lettersToFlags(entry.flags) });
    }
  }

  private async transfer(folder: string, messages: IndexedMessage[], dest: string, mode: 'move' | 'copy'): Promise<void> {
    if (!messages.length) return;
    await this.maildir.ensureFolder(dest);
    const done: IndexedMessage[] = [];
    try {
      for (const m of messages) {
        if (mode === 'move') await this.maildir.move(folder, m.key, dest);
        else await this.maildir.copy(folder, m.key, dest);
        done.push(m);
      }
    } finally {
      if (mode === 'move' && done.length) await this.afterRemoval(folder, done);
      if (done.length) {
        const r = await (await this.index(dest)).refresh();
        this.emit({ type: 'exists', folder: dest, total: r.total });
      }
    }
  }

  private async afterRemoval(folder: string, removed: IndexedMessage[]): Promise<void> {
    const index = await this.index(folder);
    await index.refresh();
    await index.pruneCache();
    this.emit({ type: 'expunged', folder, uids: removed.map((m) => m.uid) });
  }

  private async sourceContains(index: LocalFolderIndex, m: IndexedMessage, needle: string): Promise<boolean> {
    let handle;
    try {
      handle = await open(index.pathOf(m), 'r');
      const length = Math.min(SEARCH_SCAN_BYTES, (await handle.stat()).size);
      const buf = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buf, 0, length, 0);
      return buf.subarray(0, bytesRead).toString('utf8').toLowerCase().includes(needle);
    } catch {
      return false; // renamed or removed meanwhile: not a match
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

function addressText(list: { name: string; address: string }[]): string {
  return list.map((a) => `${a.name} <${a.address}>`).join(', ').toLowerCase();
}

/** IMAP SINCE/BEFORE compare dates without time: we do the same in local time. */
function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}
