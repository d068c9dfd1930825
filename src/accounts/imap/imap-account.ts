// MailAccount over IMAP (imapflow). One connection serves the UI; imapflow queues commands and a
// mailbox lock (getMailboxLock) keeps a multi-command operation on one folder from interleaving
// with an operation on another. UIDs are the only message ids that cross this class's boundary;
// sequence numbers live only inside the one FETCH of an arrival-order window.
//
// Connection life cycle: connect() → 'connected'; a dropped socket → 'reconnecting' with
// exponential backoff (p-retry) → the open folder is selected again → 'connected'. An operation
// issued meanwhile waits (bounded) for the reconnect, or fails with a 'network' AccountError;
// an operation cut off mid-way runs once more on the new connection — a write only after checking
// what the server already did (write-recovery.ts), so nothing is done twice.
import type { ImapFlow, FetchMessageObject, ListResponse, MailboxObject } from 'imapflow';
import pRetry, { AbortError } from 'p-retry';
import type { Readable } from 'node:stream';
import type { AccountConfig } from '../../config/types.js';
import type { AccountDeps } from '../account.js';
import { IMAP_CAPABILITIES } from './capabilities.js';
import type {
  AccountCapabilities,
  AccountEvent,
  AccountEventListener,
  ConnectionState,
  CopyOutcome,
  DeleteOptions,
  MailAccount,
  RemovalOutcome,
  UidPair,
} from '../account.js';
import {
  AccountError,
  type Flag,
  type FolderInfo,
  type MessageSummary,
  type OpenedFolder,
  type OpenFolderOptions,
  type SearchQuery,
  type SortOrder,
} from '../../domain/index.js';
import { assertPasswordMayBeSent, isEncrypted, tlsOptions } from '../security.js';
import { depsCredentials, secretName } from '../sign-in.js';
import { withBearerToken } from '../../auth/sasl.js';
import { bearerRefusal } from './bearer-refusal.js';
import { type ImapSecret, imapFlowOptions, sendIdOnce, traceReadsAsBuffers } from './connect-options.js';
import { knowInboxWithoutList } from './inbox-without-list.js';
import { plainWithInitialResponse } from './plain-initial-response.js';
import { probeGreeting } from '../greeting-probe.js';
import { wrongProtocolText } from '../server-text.js';
import { NETWORK_TIMEOUTS } from '../timeouts.js';
import { connectionLossReason, isConnectionLoss, toAccountError } from './errors.js';
import { toFolderInfo } from './folders.js';
import { searchJudgingAttachments } from './attachment-search.js';
import { serverCanSort, sortCriteria, sortUids } from './sort-command.js';
import { serverThreadOrder, threadLocally } from './thread-command.js';
import { SUMMARY_QUERY, hasAttachment, toSummary } from './summary.js';
import { SummaryStore } from '../../store/summary-store.js';
import { HeaderCacheSync } from './header-cache-sync.js';
import { HiddenDeleted, withoutHidden } from './hidden-deleted.js';
import { serverUidList } from './resync.js';
import { SortedUidCache, arrivalSeqRange, uidSets } from './window.js';
import { deleteUids, commandFailed, moveUids, pairsOf } from './remove-messages.js';
import { findCopies, noteMessageIds, type CopyMark } from './uid-mapping.js';
import { markBefore, recoverAppend, recoverCopy, recoverDelete, recoverMove, uidNextOf, type WriteMark } from './write-recovery.js';

/** imapflow, once loaded (see preload()). */
let imapflowModule: typeof import('imapflow') | undefined;

/** Timing knobs; the defaults suit a person at a terminal, tests shorten them. */
export interface ImapTuning {
  /** How long an operation waits for a reconnect before failing with a network error. */
  reconnectWaitMs: number;
  /** First pause between reconnect attempts; doubles up to reconnectMaxDelayMs, until close(). */
  reconnectMinDelayMs: number;
  reconnectMaxDelayMs: number;
  /** Idle time before IDLE starts (push of new mail / flag changes); see imapflow autoIdleDelay. */
  autoIdleDelayMs: number;
  /** TCP + TLS set-up, and the wait for the server's greeting: a dead or silent host fails, never hangs. */
  connectTimeoutMs: number;
  greetingTimeoutMs: number;
  /**
   * An operation the server has not answered in this time counts as a dead connection: the socket
   * is dropped (a reconnect follows) and the operation fails with a network error. imapflow's own
   * inactivity timeout is minutes long because IDLE is legitimately silent.
   */
  operationTimeoutMs: number;
  /** IDLE is ended and issued again after this long (RFC 2177: servers may drop it after 30 min). */
  idleRestartMs: number;
  /** Keep a persistent header cache in the data dir (the summary store, src/store/summary-store.ts). */
  headerCache: boolean;
  /** After a cold open, wait this long before listing the folder's UIDs, so the first window goes first. */
  coldCacheFillDelayMs: number;
}

export const DEFAULT_TUNING: ImapTuning = {
  reconnectWaitMs: 20_000,
  reconnectMinDelayMs: 250,
  reconnectMaxDelayMs: 30_000,
  autoIdleDelayMs: 15_000,
  connectTimeoutMs: NETWORK_TIMEOUTS.connectMs,
  greetingTimeoutMs: NETWORK_TIMEOUTS.greetingMs,
  operationTimeoutMs: NETWORK_TIMEOUTS.replyMs,
  idleRestartMs: 28 * 60_000,
  headerCache: true,
  coldCacheFillDelayMs: 1_500,
};
/** A connect still pending after this long gets its server's first line looked at (see connectOrWrongProtocol). */
const PROBE_AFTER_MS = 1_500;
/** How long close() waits for the server to acknowledge LOGOUT. */
const LOGOUT_WAIT_MS = 2_000;
/** Chunk size for streamed downloads: large enough that most messages need one round trip. */
const DOWNLOAD_CHUNK = 1024 * 1024;

export class ImapAccount implements MailAccount {
  readonly name: string;
  readonly protocol = 'imap' as const;
  readonly capabilities: AccountCapabilities = { ...IMAP_CAPABILITIES, sortOrders: [...IMAP_CAPABILITIES.sortOrders] };

  private client: ImapFlow | null = null;
  private state: ConnectionState = 'disconnected';
  private password: string | undefined;
  private closedByUser = false;
  private reconnecting: Promise<ImapFlow | null> | null = null;
  /** The login connect() is waiting for: a request made meanwhile (a warm start's cached rows are on screen already) waits for it too. */
  private opening: Promise<ImapFlow> | null = null;
  /** Connections tmail dropped because the server left an operation unanswered. */
  private readonly droppedSilent = new WeakSet<ImapFlow>();
  private reconnectAbort: AbortController | null = null;
  private lastReconnectError: AccountError | null = null;
  /** The folder the caller opened last; selected again after a reconnect. */
  private openPath: string | null = null;
  private readonly listeners = new Set<AccountEventListener>();
  private readonly sortCache = new SortedUidCache();
  /** UIDVALIDITY per folder as last seen on this connection (cheap check on every lock). */
  private readonly sessionValidity = new Map<string, bigint>();
  /** Folders whose UIDVALIDITY change has not yet been reported through openFolder(). */
  private readonly unreportedChange = new Set<string>();
  /** Trash folder path: undefined = not looked up yet, null = none on this server. */
  private trashPath: string | null | undefined;

  private readonly tuning: ImapTuning;
  /** Persistent header cache and its background reconciliation; null when disabled. */
  readonly headers: HeaderCacheSync | null;
  /** Messages tmail left \Deleted and hides until the server expunges them (hidden-deleted.ts). */
  readonly hidden: HiddenDeleted;

  constructor(
    private readonly config: AccountConfig,
    private readonly deps: AccountDeps,
    tuning: Partial<ImapTuning> = {},
  ) {
    this.name = config.name;
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    this.headers = this.tuning.headerCache
      ? new HeaderCacheSync({
          open: () => SummaryStore.open(deps.dataDir, 'imap'),
          exists: () => SummaryStore.exists(deps.dataDir),
          withFolder: (path, fn) => this.withFolder(path, `updating the header cache of ${path}`, fn),
          emit: (event) => this.emit(event),
          coldFillDelayMs: this.tuning.coldCacheFillDelayMs,
        })
      : null;
    const headers = this.headers;
    this.hidden = new HiddenDeleted(headers ? { load: () => headers.hiddenDeleted(), save: (path, uids) => headers.saveHiddenDeleted(path, uids) } : undefined);
  }

  onEvent(listener: AccountEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async connect(): Promise<void> {
    if (this.client?.usable) return;
    // A reconnect already under way ends in a connection (or a reason why not); don't race it.
    if (this.reconnecting && (await this.reconnecting)?.usable) return;
    this.closedByUser = false;
    // Before the password is even asked for: never let it near a cleartext socket.
    assertPasswordMayBeSent(this.config, isEncrypted(this.config.security), secretName(depsCredentials(this.config.user, this.deps, this.config.name)));
    this.setState('connecting');
    const opening = this.openClient();
    this.opening = opening;
    try {
      this.client = await opening;
    } catch (err) {
      const error = this.mapError(err);
      this.setState('disconnected', error.message);
      throw error;
    } finally {
      if (this.opening === opening) this.opening = null;
    }
    this.setState('connected');
  }

  async preload(): Promise<void> {
    // A failed load is reported by connect(), which imports it again.
    imapflowModule ??= await import('imapflow').catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closedByUser = true;
    this.reconnectAbort?.abort();
    await this.headers?.close();
    const client = this.client;
    this.client = null;
    if (client) {
      // LOGOUT politely, but a server that stopped answering must not keep close() waiting.
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, LOGOUT_WAIT_MS);
      });
      await Promise.race([client.logout().catch(() => undefined), gaveUp]).finally(() => clearTimeout(timer));
      client.close();
    }
    if (this.state !== 'disconnected') this.setState('disconnected');
  }

  async listFolders(): Promise<FolderInfo[]> {
    return this.withClient('listing folders', async (client) => {
      await this.hidden.ready();
      const list = await listWithCounts(client);
      await this.leaveOutHidden(client, list);
      const trash = list.find((f) => f.specialUse === '\\Trash');
      this.trashPath = trash ? trash.path : null;
      this.headers?.foldersListed(list.map((f) => f.path));
      const prefix = client.namespace?.prefix ?? '';
      return list.map((entry) => toFolderInfo(entry, prefix));
    });
  }

  async openFolder(path: string, options: OpenFolderOptions = {}): Promise<OpenedFolder> {
    const opened = await this.withClient(`opening folder ${path}`, async (client): Promise<Omit<OpenedFolder, 'uidValidityChanged'>> => {
      // Never STATUS the selected mailbox (see countUnseen): ask before selecting it, or search.
      // With ESEARCH the count comes after SELECT (SEARCH RETURN (COUNT)): the server opens the
      // folder once, not twice (100k INBOX under load: 1.3–1.6 s against 2.2–2.8 s for STATUS,
      // then SELECT); without it a SEARCH would list every unseen message, so STATUS goes first.
      await this.hidden.ready();
      const wasSelected = client.mailbox && client.mailbox.path === path;
      const skipStatus = wasSelected || this.hidden.of(path).size > 0 || client.capabilities.has('ESEARCH');
      const unseenBefore = skipStatus ? undefined : await statusUnseen(client, path);
      return this.inFolder(client, path, async (c, mailbox) => {
        // Already selected: take in what other clients did meanwhile (EXISTS, EXPUNGE), so the
        // session knows every UID the caller may act on next.
        if (wasSelected) await c.noop();
        if (this.hidden.of(path).size > 0) return { path, uidValidity: mailbox.uidValidity, ...(await this.visibleCounts(c, path)) };
        // The caller fetches the first rows first, then asks countUnread().
        if (unseenBefore === undefined && options.unreadLater) return { path, uidValidity: mailbox.uidValidity, total: mailbox.exists };
        const unread = unseenBefore ?? (await searchUnseen(c));
        return { path, uidValidity: mailbox.uidValidity, total: mailbox.exists, unread };
      });
    });
    this.openPath = path;
    if (opened.unread !== undefined) this.headers?.noteUnread(path, opened.uidValidity, opened.unread);
    this.headers?.folderOpened(path);
    return { ...opened, uidValidityChanged: this.unreportedChange.delete(path) };
  }

  /** A SEARCH of the folder (selected for it if it is not): never STATUS of the selected mailbox. */
  async countUnread(path: string): Promise<number> {
    const counted = await this.withFolder(path, `counting unread messages in ${path}`, async (client, mailbox) => ({
      uidValidity: mailbox.uidValidity,
      unread: this.hidden.of(path).size > 0 ? (await this.visibleCounts(client, path)).unread : await searchUnseen(client),
    }));
    this.headers?.noteUnread(path, counted.uidValidity, counted.unread);
    return counted.unread;
  }

  async fetchWindow(path: string, start: number, count: number, sort: SortOrder = 'arrival'): Promise<MessageSummary[]> {
    await this.hidden.ready();
    // Hidden messages shift every position: the window is then a slice of the visible UID list.
    const hidden = this.hidden.of(path);
    if (sort === 'arrival' && this.headers && hidden.size === 0) {
      // Arrival order is UID order: a complete, current cache answers without the server.
      const mailbox = this.client?.mailbox;
      const current = mailbox && mailbox.path === path && this.sessionValidity.get(path) === mailbox.uidValidity ? mailbox : undefined;
      // Not opened on the server yet this session (a warm start still logging in): the cache
      // answers alone, like the first screen it drew; the open that follows reconciles.
      const cached = current
        ? this.headers.window(path, current.uidValidity, current.exists, start, count)
        : this.sessionValidity.has(path)
          ? null
          : this.headers.windowBeforeOpen(path, start, count);
      if (cached) {
        if (cached.missing.length === 0) return cached.rows.map((r) => r.summary!);
        const fetched = await this.fetchSummaries(path, cached.missing);
        const byUid = new Map(fetched.map((s) => [s.uid, s]));
        return cached.rows.flatMap((r) => {
          const s = r.summary ?? byUid.get(r.uid);
          return s ? [s] : [];
        });
      }
    }
    return this.withFolder(path, `fetching messages of ${path}`, async (client, mailbox) => {
      if (sort !== 'arrival' || hidden.size > 0) {
        const order = await this.listOrder(client, path, mailbox, sort);
        if (order) {
          const from = Math.max(0, start);
          const to = from + Math.max(0, count);
          const rows = await this.fetchByUids(client, path, order.uids.slice(from, to));
          const depths = order.depths;
          if (!depths) return rows;
          const depthOf = new Map(order.uids.slice(from, to).map((uid, i) => [uid, depths[from + i]!]));
          return rows.map((r) => ({ ...r, threadDepth: depthOf.get(r.uid) ?? 0 }));
        }
      }
      const range = arrivalSeqRange(mailbox.exists, start, count);
      if (!range) return [];
      const messages = this.keepRequested(path, await client.fetchAll(`${range.lo}:${range.hi}`, SUMMARY_QUERY), (m) => m.seq >= range.lo && m.seq <= range.hi);
      const summaries = messages.sort((a, b) => b.seq - a.seq).map(toSummary);
      this.headers?.store(path, mailbox.uidValidity, summaries);
      return summaries;
    });
  }

  async peekCachedFolder(path: string, count: number): Promise<{ folder: OpenedFolder; newest: MessageSummary[] } | null> {
    // Cold: nothing to show, and the hidden set's load would open (create) the store before the login.
    if (!this.headers || this.headers.nothingOnDisk()) return null;
    await this.hidden.ready();
    const hidden = this.hidden.of(path);
    const peeked = await this.headers?.peek(path, count + hidden.size);
    if (!peeked) return null;
    const total = Math.max(0, peeked.total - hidden.size);
    const folder: OpenedFolder = { path, uidValidity: peeked.uidValidity, uidValidityChanged: false, total, unread: peeked.unread };
    return { folder, newest: peeked.newest.filter((m) => !hidden.has(m.uid)).slice(0, count) };
  }

  async fetchSummaries(path: string, uids: number[]): Promise<MessageSummary[]> {
    if (uids.length === 0) return [];
    return this.withFolder(path, `fetching messages of ${path}`, (client) => this.fetchByUids(client, path, uids));
  }

  /**
   * Streams the source with BODY.PEEK, so reading a message does not mark it \Seen by itself:
   * the caller decides (addFlags(['\\Seen']) when the user opens it). The folder stays locked
   * until the stream ends, errors or is destroyed, so consume or destroy it.
   */
  async fetchRaw(path: string, uid: number): Promise<Readable> {
    return this.withClient(`fetching message ${uid} of ${path}`, async (client) => {
      const lock = await client.getMailboxLock(path);
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          lock.release();
        }
      };
      try {
        await this.checkValidity(path, client);
        const download = await client.download(String(uid), undefined, { uid: true, chunkSize: DOWNLOAD_CHUNK });
        if (!download.content) throw new AccountError('not-found', `message ${uid} no longer exists in ${path}`);
        download.content.once('end', release);
        download.content.once('close', release);
        download.content.once('error', release);
        return download.content;
      } catch (err) {
        release();
        throw err;
      }
    });
  }

  async addFlags(path: string, uids: number[], flags: Flag[]): Promise<void> {
    if (uids.length === 0 || flags.length === 0) return;
    // STORE +FLAGS is idempotent: after a lost connection it is simply sent again.
    await this.withFolder(
      path,
      `setting flags in ${path}`,
      async (client) => {
        for (const set of uidSets(uids)) if (!(await client.messageFlagsAdd(set, flags, { uid: true }))) throw commandFailed(client, 'set flags', path);
      },
      true,
    );
  }

  async removeFlags(path: string, uids: number[], flags: Flag[]): Promise<void> {
    if (uids.length === 0 || flags.length === 0) return;
    await this.withFolder(
      path,
      `clearing flags in ${path}`,
      async (client) => {
        for (const set of uidSets(uids)) if (!(await client.messageFlagsRemove(set, flags, { uid: true }))) throw commandFailed(client, 'clear flags', path);
      },
      true,
    );
    // Undeleted: no longer a message the user asked to be gone.
    if (flags.includes('\\Deleted') && this.hidden.drop(path, uids)) this.sortCache.invalidate(path);
  }

  async deleteMessages(path: string, uids: number[], options: DeleteOptions = {}): Promise<RemovalOutcome> {
    if (uids.length === 0) return { result: 'expunged' };
    const trash = options.skipTrash ? null : await this.findTrash();
    if (trash && trash !== path) return this.moveMessages(path, uids, trash);
    const action = `deleting messages in ${path}`;
    let validity: bigint | undefined;
    const outcome = await this.withClient<RemovalOutcome>(
      action,
      (client) =>
        this.inFolder(client, path, async (c, mailbox) => {
          validity = mailbox.uidValidity;
          return { result: await deleteUids(c, path, uids) };
        }),
      (client) => recoverDelete(client, (p, fn) => this.inFolder(client, p, fn), path, uids, validity),
    );
    if (outcome.result === 'left-deleted') await this.hide(path, uids);
    this.sortCache.invalidate(path);
    return outcome;
  }

  async whereDeleteGoes(path: string): Promise<string | null> {
    const trash = await this.findTrash();
    return trash && trash !== path ? trash : null;
  }

  async moveMessages(path: string, uids: number[], destination: string): Promise<RemovalOutcome> {
    if (uids.length === 0) return { result: 'moved', destination, copies: [] };
    let before: WriteMark | undefined;
    let mark: CopyMark | undefined;
    const outcome = await this.withClient<RemovalOutcome>(
      `moving messages from ${path} to ${destination}`,
      (client) =>
        this.inFolder(client, path, async (c, mailbox) => {
          before = await markBefore(c, mailbox, destination, 'move');
          mark = await this.copyMark(c, uids, destination, before);
          const { result, copies } = await moveUids(c, path, uids, destination);
          const moved: RemovalOutcome = result === 'expunged' ? { result: 'moved', destination } : { result, destination };
          return copies ? { ...moved, copies } : moved;
        }),
      (client) => recoverMove(client, (p, fn) => this.inFolder(client, p, fn), path, uids, destination, before),
    );
    if (outcome.result === 'left-deleted') await this.hide(path, uids);
    this.sortCache.invalidate(path);
    this.sortCache.invalidate(destination);
    if (!outcome.copies && mark && !outcome.recovered) return { ...outcome, copies: await this.lookUpCopies(destination, mark) };
    return outcome;
  }

  async copyMessages(path: string, uids: number[], destination: string): Promise<CopyOutcome> {
    if (uids.length === 0) return { destination, copies: [] };
    let before: WriteMark | undefined;
    let mark: CopyMark | undefined;
    const copies = await this.withClient<UidPair[] | undefined>(
      `copying messages from ${path} to ${destination}`,
      (client) =>
        this.inFolder(client, path, async (c, mailbox) => {
          before = await markBefore(c, mailbox, destination, 'copy');
          mark = await this.copyMark(c, uids, destination, before);
          let pairs: UidPair[] | undefined = [];
          for (const set of uidSets(uids)) {
            const copied = await c.messageCopy(set, destination, { uid: true });
            if (!copied) throw commandFailed(c, `copy messages to ${destination}`, path);
            const more = pairsOf(copied);
            pairs = pairs && more ? [...pairs, ...more] : undefined;
          }
          return pairs;
        }),
      async (client) => {
        await recoverCopy(client, (p, fn) => this.inFolder(client, p, fn), path, uids, destination, before);
        return [];
      },
    );
    this.sortCache.invalidate(destination);
    return { destination, copies: copies ?? (mark ? await this.lookUpCopies(destination, mark) : []) };
  }

  /** Without UIDPLUS: the Message-IDs and the destination's UIDNEXT, to find the copies afterwards. */
  private async copyMark(client: ImapFlow, uids: number[], destination: string, before: WriteMark): Promise<CopyMark | undefined> {
    if (client.capabilities.has('UIDPLUS')) return undefined;
    return noteMessageIds(client, uids, before.destinationUidNext ?? (await uidNextOf(client, destination)));
  }

  /** Finds the copies in `destination` (see uid-mapping.ts), then selects the open folder again so IDLE watches it. */
  private async lookUpCopies(destination: string, mark: CopyMark): Promise<UidPair[]> {
    try {
      return await this.withFolder(destination, `looking for the copies in ${destination}`, (client) => findCopies(client, mark));
    } catch {
      return []; // the change itself succeeded; only the undo information is missing
    } finally {
      const open = this.openPath;
      if (open && open !== destination) await this.withFolder(open, `opening folder ${open} again`, async () => undefined).catch(() => undefined);
    }
  }

  async createFolder(path: string): Promise<void> {
    await this.withClient(`creating folder ${path}`, async (client) => {
      const existing = await client.list();
      if (existing.some((f) => f.path === path)) throw new AccountError('protocol', `A folder "${path}" already exists.`);
      await client.mailboxCreate(path);
    });
  }

  async renameFolder(path: string, newPath: string): Promise<void> {
    if (isInbox(path)) throw new AccountError('protocol', 'INBOX cannot be renamed.');
    await this.withClient(`renaming folder ${path}`, async (client) => {
      const existing = await client.list();
      if (!existing.some((f) => f.path === path)) throw new AccountError('not-found', `There is no folder "${path}".`);
      if (existing.some((f) => f.path === newPath)) throw new AccountError('protocol', `A folder "${newPath}" already exists.`);
      // The server's own selected-mailbox state must not point at the old name.
      if (client.mailbox && client.mailbox.path === path) await client.mailboxClose();
      await client.mailboxRename(path, newPath);
    });
    this.forgetFolder(path);
  }

  async deleteFolder(path: string): Promise<void> {
    if (isInbox(path)) throw new AccountError('protocol', 'INBOX cannot be deleted.');
    await this.withClient(`deleting folder ${path}`, async (client) => {
      const existing = await client.list();
      const folder = existing.find((f) => f.path === path);
      if (!folder) throw new AccountError('not-found', `There is no folder "${path}".`);
      const children = existing.filter((f) => f.parentPath === path || (folder.delimiter && f.path.startsWith(`${path}${folder.delimiter}`)));
      if (children.length > 0) {
        throw new AccountError(
          'protocol',
          `Folder "${path}" has subfolders (${children
            .map((c) => c.name)
            .slice(0, 3)
            .join(', ')}${children.length > 3 ? ', …' : ''}); delete or move those first.`,
        );
      }
      if (client.mailbox && client.mailbox.path === path) await client.mailboxClose();
      await client.mailboxDelete(path);
    });
    this.forgetFolder(path);
  }

  async subscribeFolder(path: string, subscribed: boolean): Promise<void> {
    await this.withClient(`${subscribed ? 'subscribing to' : 'unsubscribing from'} folder ${path}`, async (client) => {
      const ok = subscribed ? await client.mailboxSubscribe(path) : await client.mailboxUnsubscribe(path);
      if (!ok) throw commandFailed(client, subscribed ? 'subscribe' : 'unsubscribe', path);
    });
  }

  // ---- messages tmail left \Deleted (hidden-deleted.ts) -----------------------------------

  /** Hides `uids`, left marked \Deleted in `path`, noting which are unseen (for the folder pane). */
  private async hide(path: string, uids: number[]): Promise<void> {
    let unseen = new Set<number>();
    try {
      unseen = await this.withFolder(path, `listing unread messages in ${path}`, async (client) => {
        const found = new Set<number>();
        for (const set of uidSets(uids)) for (const uid of (await client.search({ uid: set, seen: false }, { uid: true })) || []) found.add(uid);
        return found;
      });
    } catch {
      // Only the unread count of a folder that is not open depends on it.
    }
    this.hidden.add(path, uids, unseen);
    this.sortCache.invalidate(path);
  }

  /** The selected folder's UIDs in arrival order (newest first); hidden ones no longer there are forgotten. */
  private async arrivalUids(client: ImapFlow, path: string): Promise<{ uids: number[] }> {
    const all = await serverUidList(client, client.mailbox ? client.mailbox.exists : 0);
    this.hidden.keepPresent(path, all);
    return { uids: all.reverse() };
  }

  /** Count and unread of the selected folder `path` without the hidden messages. */
  private async visibleCounts(client: ImapFlow, path: string): Promise<{ total: number; unread: number }> {
    const all = await serverUidList(client, client.mailbox ? client.mailbox.exists : 0);
    this.hidden.keepPresent(path, all);
    const unseen = (await client.search({ seen: false }, { uid: true })) || [];
    const hidden = this.hidden.of(path);
    for (const uid of hidden.keys()) this.hidden.noteUnseen(path, uid, unseen.includes(uid));
    return { total: all.length - hidden.size, unread: unseen.filter((uid) => !hidden.has(uid)).length };
  }

  /**
   * Folder counts without the hidden messages: exact for the selected folder (its UIDs are
   * listed); for another one the server's counts less the hidden ones as last seen.
   */
  private async leaveOutHidden(client: ImapFlow, list: ListResponse[]): Promise<void> {
    for (const entry of list) {
      const hidden = this.hidden.of(entry.path);
      if (hidden.size === 0 || !entry.status) continue;
      if (client.mailbox && client.mailbox.path === entry.path) {
        const lock = await client.getMailboxLock(entry.path);
        try {
          await client.noop();
          const counts = await this.visibleCounts(client, entry.path);
          entry.status = { ...entry.status, messages: counts.total, unseen: counts.unread };
        } finally {
          lock.release();
        }
        continue;
      }
      const { messages, unseen } = entry.status;
      entry.status = {
        ...entry.status,
        ...(messages !== undefined ? { messages: Math.max(0, messages - hidden.size) } : {}),
        ...(unseen !== undefined ? { unseen: Math.max(0, unseen - this.hidden.unseen(entry.path)) } : {}),
      };
    }
  }

  /**
   * Keeps the hidden set current from what the server reports: an expunge ends the hiding, and a
   * hidden message whose \Deleted flag another client cleared is shown again. False: the event
   * concerns only hidden messages and is not passed on.
   */
  private keepHiddenCurrent(event: AccountEvent): boolean {
    if (event.type === 'expunged') {
      if (this.hidden.drop(event.folder, event.uids)) this.sortCache.invalidate(event.folder);
      return true;
    }
    if (event.type !== 'flags' || !this.hidden.has(event.folder, event.uid)) return true;
    if (!event.flags.includes('\\Deleted')) {
      this.hidden.drop(event.folder, [event.uid]);
      this.sortCache.invalidate(event.folder);
      // The list gains a row: the caller refetches on a count change.
      const mailbox = this.client?.mailbox;
      const total = mailbox && mailbox.path === event.folder ? mailbox.exists - this.hidden.of(event.folder).size : 0;
      this.emit({ type: 'exists', folder: event.folder, total });
      return false;
    }
    this.hidden.noteUnseen(event.folder, event.uid, !event.flags.includes('\\Seen'));
    return false;
  }

  /** A folder that is gone (renamed or deleted) is no longer the one to select after a reconnect. */
  private forgetFolder(path: string): void {
    this.sortCache.invalidate(path);
    this.sessionValidity.delete(path);
    this.hidden.forget(path);
    if (this.openPath === path) this.openPath = null;
    if (this.trashPath === path) this.trashPath = undefined;
  }

  async search(path: string, query: SearchQuery): Promise<number[]> {
    return this.withFolder(path, `searching ${path}`, async (client) => {
      // Dovecot answers SEARCH from the session's last synced view: a NOOP first takes in what
      // other clients changed meanwhile (flags, expunges), so the result is current.
      await client.noop();
      const result = await searchJudgingAttachments(query, {
        search: async (criteria) => {
          const found = await client.search(criteria, { uid: true });
          if (!found) throw commandFailed(client, 'search', path);
          return found;
        },
        withAttachments: async (uids) => {
          const having = new Set<number>();
          for (const set of uidSets(uids)) {
            for await (const m of client.fetch(set, { uid: true, bodyStructure: true }, { uid: true })) if (hasAttachment(m.bodyStructure)) having.add(m.uid);
          }
          return having;
        },
      });
      const hidden = this.hidden.of(path);
      // UIDs grow with arrival, so descending UID is newest first.
      return result.filter((uid) => !hidden.has(uid)).sort((a, b) => b - a);
    });
  }

  /**
   * Arrival order: one SEARCH UNSEEN (sequence numbers, not UIDs: position = EXISTS - seq).
   * Other orders: one UID SEARCH UNSEEN mapped through the cached sorted UID list.
   */
  async unreadPositions(path: string, sort: SortOrder = 'arrival'): Promise<number[]> {
    return this.withFolder(path, `looking for unread mail in ${path}`, async (client, mailbox) => {
      // Takes in what other clients read or marked meanwhile (see search()).
      await client.noop();
      // Messages tmail hides (left \Deleted) move positions: then only the UID list maps them.
      if (sort !== 'arrival' || this.hidden.of(path).size > 0) {
        const order = await this.listOrder(client, path, mailbox, sort);
        if (order) {
          const unseen = await client.search({ seen: false }, { uid: true });
          if (!unseen) throw commandFailed(client, 'search', path);
          const set = new Set(unseen);
          return order.uids.flatMap((uid, i) => (set.has(uid) ? [i] : []));
        }
      }
      const seqs = await client.search({ seen: false });
      if (!seqs) throw commandFailed(client, 'search', path);
      const exists = client.mailbox ? client.mailbox.exists : mailbox.exists;
      return seqs
        .filter((seq) => seq >= 1 && seq <= exists)
        .map((seq) => exists - seq)
        .sort((a, b) => a - b);
    });
  }

  async appendMessage(path: string, raw: Buffer, flags: Flag[]): Promise<void> {
    // withClient reconnects first when the connection died while nobody used it (a long edit).
    let before: number | undefined;
    await this.withClient(
      `saving a message in ${path}`,
      async (client) => {
        before = await uidNextOf(client, path);
        if (!(await client.append(path, raw, flags))) throw commandFailed(client, 'save a message', path);
      },
      // Cut off: the server may have stored it; look for it before appending again.
      (client) => recoverAppend(client, (p, fn) => this.inFolder(client, p, fn), path, raw, flags, before),
    );
    this.sortCache.invalidate(path);
  }

  async specialFolder(use: 'sent' | 'drafts'): Promise<string> {
    const attribute = use === 'sent' ? '\\Sent' : '\\Drafts';
    const names = use === 'sent' ? ['sent', 'sent items', 'sent messages', 'sent mail'] : ['drafts', 'draft'];
    const fallback = use === 'sent' ? 'Sent' : 'Drafts';
    return this.withClient(`looking for the ${fallback} folder`, async (client) => {
      const list = await client.list();
      // imapflow also guesses specialUse from well-known names; the server's attribute wins.
      const found =
        list.find((f) => f.specialUse === attribute && f.specialUseSource === 'extension') ??
        list.find((f) => f.specialUse === attribute) ??
        list.find((f) => names.includes(f.name.toLowerCase()));
      if (found) return found.path;
      const created = await client.mailboxCreate(fallback);
      return created.path;
    });
  }

  /** The list's UIDs in this order, hidden messages left out (cached per folder state); undefined: use sequence numbers. */
  private async listOrder(client: ImapFlow, path: string, mailbox: MailboxObject, sort: SortOrder): Promise<{ uids: number[]; depths?: number[] } | undefined> {
    const cached = this.sortCache.entry(path, mailbox, sort);
    if (cached) return cached;
    const hidden = this.hidden.of(path);
    const made = (sort !== 'arrival' ? await this.serverOrder(client, sort) : null) ?? (hidden.size > 0 ? await this.arrivalUids(client, path) : null);
    if (!made) return undefined;
    const order = withoutHidden(made, hidden);
    this.sortCache.set(path, mailbox, order.uids, sort, order.depths);
    return order;
  }

  /**
   * The folder's UIDs in a non-arrival order, computed by the server when it can (SORT, THREAD:
   * UIDs only, no headers); threads without THREAD are made here from a fetch of every header.
   * Null means "serve arrival order" (no SORT for a sort order).
   */
  private async serverOrder(client: ImapFlow, sort: Exclude<SortOrder, 'arrival'>): Promise<{ uids: number[]; depths?: number[] } | null> {
    if (sort === 'thread') return (await serverThreadOrder(client)) ?? (await threadLocally(client));
    const uids = await sortUids(client, sortCriteria(client, sort));
    return uids ? { uids } : null;
  }

  private async fetchByUids(client: ImapFlow, path: string, uids: number[]): Promise<MessageSummary[]> {
    if (uids.length === 0) return [];
    const wanted = new Set(uids);
    const fetched: FetchMessageObject[] = [];
    for (const set of uidSets(uids)) fetched.push(...(await client.fetchAll(set, SUMMARY_QUERY, { uid: true })));
    const messages = this.keepRequested(path, fetched, (m) => wanted.has(m.uid));
    const byUid = new Map<number, FetchMessageObject>(messages.map((m) => [m.uid, m]));
    if (client.mailbox) this.headers?.store(path, client.mailbox.uidValidity, messages.map(toSummary));
    // Keep the sorted order; messages expunged since the sort simply drop out.
    return uids.flatMap((uid) => {
      const message = byUid.get(uid);
      return message ? [toSummary(message)] : [];
    });
  }

  /**
   * A FETCH result also collects the server's unsolicited FETCH responses (flag changes made by
   * another client meanwhile). Those are not part of the window: they become 'flags' events.
   */
  private keepRequested(path: string, messages: FetchMessageObject[], requested: (m: FetchMessageObject) => boolean): FetchMessageObject[] {
    const kept: FetchMessageObject[] = [];
    for (const m of messages) {
      if (m.envelope && requested(m)) kept.push(m);
      else if (m.flags && m.uid) {
        this.headers?.flagsChanged(path, m.uid, [...m.flags]);
        this.emit({ type: 'flags', folder: path, uid: m.uid, flags: [...m.flags] });
      }
    }
    return kept;
  }

  // ---- connection management -------------------------------------------------------------

  private async openClient(): Promise<ImapFlow> {
    const creds = depsCredentials(this.config.user, this.deps, this.config.name);
    if (creds.kind === 'oauth2') {
      // A token is asked for on every (re)connect: the source knows when it expires.
      const where = `IMAP ${this.config.host}:${this.config.port}`;
      return withBearerToken(creds, { where }, (accessToken) => this.connectClient({ user: creds.user, accessToken }));
    }
    this.password ??= await this.askPassword(creds.getPassword);
    return this.connectClient(this.password);
  }

  private async connectClient(secret: ImapSecret): Promise<ImapFlow> {
    // Loaded on the first login, not with this module: a warm start draws the cached screen first.
    // Once loaded (preload), taken without another import(): no turn of the event loop between
    // the caller's connect() and the socket.
    imapflowModule ??= await import('imapflow');
    const { ImapFlow } = imapflowModule;
    const client = new ImapFlow({
      ...imapFlowOptions(this.config, secret, this.deps.trace),
      autoIdleDelay: this.tuning.autoIdleDelayMs,
      maxIdleTime: this.tuning.idleRestartMs,
      connectionTimeout: this.tuning.connectTimeoutMs,
      greetingTimeout: this.tuning.greetingTimeoutMs,
    });
    sendIdOnce(client);
    plainWithInitialResponse(client);
    traceReadsAsBuffers(client);
    this.attach(client);
    const connecting = this.connectOrWrongProtocol(client);
    try {
      await connecting;
    } catch (err) {
      client.close();
      if (typeof secret !== 'string') {
        const refusal = bearerRefusal(client, err, `IMAP ${this.config.host}:${this.config.port}`);
        if (refusal) throw refusal;
      }
      const error = err instanceof AccountError ? err : ((await this.otherProtocolError(err)) ?? this.mapError(err));
      // Ask again next time rather than retrying a password the server just refused.
      if (error.kind === 'auth') this.password = undefined;
      throw error;
    }
    knowInboxWithoutList(client);
    this.trashPath = undefined;
    this.sessionValidity.clear();
    // Tell the UI the truth: without SORT a 'date' window is served in arrival order.
    this.capabilities.sortOrders = serverCanSort(client) ? ['arrival', 'date', 'from', 'subject', 'thread'] : ['arrival', 'thread'];
    this.capabilities.fromSort = client.capabilities.has('SORT=DISPLAY') ? 'name' : 'address';
    return client;
  }

  private async askPassword(getPassword: () => Promise<string>): Promise<string> {
    try {
      return await getPassword();
    } catch (err) {
      if (err instanceof AccountError) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new AccountError('config', `account ${this.config.name}: could not get the password: ${why}`, { cause: err });
    }
  }

  private attach(client: ImapFlow): void {
    const current = () => client === this.client;
    // An 'error' event is always followed by 'close'; without a listener Node would throw.
    let socketError: unknown;
    client.on('error', (err: unknown) => {
      socketError = err;
    });
    client.on('close', () => {
      if (!current() || this.closedByUser) return;
      this.startReconnect(client, this.droppedSilent.has(client) ? 'the server stopped answering' : connectionLossReason(socketError));
    });
    client.on('exists', (data) => {
      if (!current()) return;
      this.sortCache.invalidate(data.path);
      this.emit({ type: 'exists', folder: data.path, total: Math.max(0, data.count - this.hidden.of(data.path).size) });
      this.headers?.serverChanged(data.path);
    });
    client.on('expunge', (data) => {
      if (!current()) return;
      this.sortCache.invalidate(data.path);
      if (data.uid !== undefined) {
        this.headers?.expunged(data.path, data.uid);
        this.hidden.drop(data.path, [data.uid]);
        // VANISHED (EARLIER) answers the header-cache resync, which reports them all in one event
        // (one per UID would make the UI reopen the folder once for each).
        if (data.earlier) return;
        this.emit({ type: 'expunged', folder: data.path, uids: [data.uid] });
      } else if (client.mailbox) {
        // Without QRESYNC the server names only a sequence number, which cannot be turned into
        // a UID safely here; report the new count so the caller refetches its window.
        this.emit({ type: 'exists', folder: data.path, total: Math.max(0, client.mailbox.exists - this.hidden.of(data.path).size) });
        this.headers?.serverChanged(data.path);
      }
    });
    client.on('flags', (data) => {
      if (!current()) return;
      // Without CONDSTORE/QRESYNC Dovecot names only the sequence number: the header cache's
      // FLAGS diff finds out which message it was.
      if (data.uid === undefined) return this.headers?.serverChanged(data.path);
      this.headers?.flagsChanged(data.path, data.uid, [...data.flags]);
      this.emit({ type: 'flags', folder: data.path, uid: data.uid, flags: [...data.flags] });
    });
  }

  private startReconnect(dead: ImapFlow, reason?: string): void {
    if (this.closedByUser || dead !== this.client || this.reconnecting) return;
    this.client = null;
    this.sortCache.invalidate();
    const abort = new AbortController();
    this.reconnectAbort = abort;
    this.lastReconnectError = null;
    this.setState('reconnecting', `connection to ${this.config.host}:${this.config.port} lost${reason ? `: ${reason}` : ''}`);
    this.reconnecting = pRetry(
      async () => {
        const client = await this.openClient();
        if (abort.signal.aborted) {
          client.close();
          throw new AbortError('closed');
        }
        return client;
      },
      {
        minTimeout: this.tuning.reconnectMinDelayMs,
        maxTimeout: this.tuning.reconnectMaxDelayMs,
        factor: 2,
        retries: Number.POSITIVE_INFINITY,
        signal: abort.signal,
        // Wrong password or an untrusted certificate will not fix itself by waiting.
        shouldRetry: ({ error }) => !(error instanceof AccountError) || error.kind === 'network' || error.kind === 'protocol',
        onFailedAttempt: ({ error }) => {
          this.lastReconnectError = this.mapError(error);
        },
      },
    )
      .then(async (client) => {
        if (this.closedByUser) {
          client.close();
          return null;
        }
        this.client = client;
        await this.reselect(client);
        this.setState('connected');
        return client;
      })
      .catch((err: unknown) => {
        if (!this.closedByUser) {
          const error = this.mapError(err);
          this.lastReconnectError = error;
          this.setState('disconnected', error.message);
          this.emit({ type: 'error', message: error.message });
        }
        return null;
      })
      .finally(() => {
        this.reconnecting = null;
      });
  }

  private async reselect(client: ImapFlow): Promise<void> {
    if (!this.openPath) return;
    try {
      const mailbox = await client.mailboxOpen(this.openPath);
      await this.noteValidity(this.openPath, mailbox.uidValidity);
      // Changes made while the connection was down: fetched like on a warm start.
      this.headers?.serverChanged(this.openPath);
    } catch (err) {
      this.emit({ type: 'error', message: this.mapError(err, `opening folder ${this.openPath} again`).message });
    }
  }

  /** The live client, waiting (bounded) for a reconnect in progress. */
  private async ready(action: string): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    if (!this.client && this.opening && !this.closedByUser) {
      // The first login is under way (a message opened from the cached list): wait for it.
      const client = await this.opening.catch((err: unknown) => {
        throw this.mapError(err, action);
      });
      if (client.usable) return client;
    }
    if (!this.closedByUser && this.client && !this.reconnecting) this.startReconnect(this.client);
    const pending = this.reconnecting;
    if (!pending || this.closedByUser) {
      throw new AccountError('network', `${action}: not connected to ${this.config.host}:${this.config.port}`);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.tuning.reconnectWaitMs);
    });
    const client = await Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
    if (client?.usable) return client;
    const why = this.lastReconnectError?.message ?? 'still reconnecting';
    throw new AccountError('network', `${action}: connection to ${this.config.host}:${this.config.port} lost (${why})`);
  }

  /**
   * Runs `fn` on the live connection. Cut off mid-way, it runs once more on the next connection:
   * `fn` again for what is safe to repeat (reads, flag changes), else `recover`, which first looks
   * at what the server actually did (see write-recovery.ts).
   */
  private async withClient<T>(action: string, fn: (client: ImapFlow) => Promise<T>, recover?: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = await this.ready(action);
    try {
      return await this.withDeadline(client, action, fn(client));
    } catch (err) {
      // A write the server left unanswered may still have been done (or be done late, before the
      // dropped connection is gone): like a cut one, it is checked and finished once after the
      // reconnect. A read that timed out is reported, not repeated against a struggling server.
      const silentWrite = err instanceof ServerSilent && recover !== undefined;
      if ((err instanceof ServerSilent && !silentWrite) || this.closedByUser || !isConnectionLoss(err)) throw this.mapError(err, action);
      if (client === this.client) this.startReconnect(client);
      const again = await this.ready(action);
      try {
        return await this.withDeadline(again, action, (recover ?? fn)(again));
      } catch (err2) {
        throw this.mapError(err2, action);
      }
    }
  }

  /** Fails an operation the server leaves unanswered, and drops that connection (see operationTimeoutMs). */
  private async withDeadline<T>(client: ImapFlow, action: string, operation: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const seconds = Math.round(this.tuning.operationTimeoutMs / 100) / 10;
        reject(new ServerSilent(`${action}: ${this.config.host}:${this.config.port} stopped answering (no reply in ${seconds} s); reconnecting`));
        operation.catch(() => undefined); // it will fail once the socket is gone; nobody waits for it
        this.droppedSilent.add(client);
        client.close(); // 'close' → startReconnect
      }, this.tuning.operationTimeoutMs);
    });
    try {
      return await Promise.race([operation, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `write`: the operation changes the server (safe to send again), so a timed-out one is sent again after the reconnect. */
  private async withFolder<T>(path: string, action: string, fn: (client: ImapFlow, mailbox: MailboxObject) => Promise<T>, write = false): Promise<T> {
    const run = (client: ImapFlow) => this.inFolder(client, path, fn);
    return this.withClient(action, run, write ? run : undefined);
  }

  /** Runs `fn` with `path` selected and locked on `client`. */
  private async inFolder<T>(client: ImapFlow, path: string, fn: (client: ImapFlow, mailbox: MailboxObject) => Promise<T>): Promise<T> {
    const lock = await client.getMailboxLock(path);
    try {
      const mailbox = await this.checkValidity(path, client);
      return await fn(client, mailbox);
    } finally {
      lock.release();
    }
  }

  /** Compares the selected mailbox's UIDVALIDITY with what this session and the disk knew. */
  private async checkValidity(path: string, client: ImapFlow): Promise<MailboxObject> {
    const mailbox = client.mailbox;
    if (!mailbox) throw new AccountError('protocol', `folder ${path} could not be selected`);
    if (this.sessionValidity.get(path) !== mailbox.uidValidity) await this.noteValidity(path, mailbox.uidValidity);
    return mailbox;
  }

  private async noteValidity(path: string, uidValidity: bigint): Promise<void> {
    const seenThisSession = this.sessionValidity.get(path);
    this.sessionValidity.set(path, uidValidity);
    let changed = seenThisSession !== undefined && seenThisSession !== uidValidity;
    // Between runs the summary store remembers it (with the header cache switched off, only this
    // session does: there are then no stored UIDs that could be stale).
    changed = (await this.headers?.noteValidity(path, uidValidity)) || changed;
    if (!changed) return;
    this.sortCache.invalidate(path);
    this.hidden.forget(path);
    this.unreportedChange.add(path);
    this.emit({ type: 'uidvalidity', folder: path, uidValidity });
  }

  private async findTrash(): Promise<string | null> {
    if (this.trashPath === undefined) {
      // Plain LIST: the lookup needs no per-folder counts.
      const list = await this.withClient('looking for the Trash folder', (client) => client.list());
      this.trashPath = list.find((f) => f.specialUse === '\\Trash')?.path ?? null;
    }
    return this.trashPath;
  }

  /**
   * client.connect(), but a server of another protocol on this port is named within a few seconds:
   * imapflow takes a POP3 "+OK" greeting for a continuation and waits for the greeting timeout.
   * Only a connect still pending after PROBE_AFTER_MS (never the case for a working IMAP server on
   * a sound network) opens the one extra connection that reads the server's first line.
   */
  private async connectOrWrongProtocol(client: ImapFlow): Promise<void> {
    const connecting = client.connect();
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const wrongProtocol = new Promise<never>((_, reject) => {
      timer = setTimeout(async () => {
        const { host, port, security } = this.config;
        const line = await probeGreeting(host, port, security === 'tls' ? tlsOptions(this.config) : undefined);
        const text = line === undefined || settled ? undefined : wrongProtocolText(`${host}:${port}`, 'imap', line);
        if (text) reject(new AccountError('config', text));
      }, PROBE_AFTER_MS);
    });
    try {
      await Promise.race([connecting, wrongProtocol]);
    } finally {
      settled = true;
      clearTimeout(timer);
      connecting.catch(() => undefined); // given up on: client.close() ends it
    }
  }

  /** A greeting timeout may be a POP3 or SMTP server on this port: look once and say so. */
  private async otherProtocolError(err: unknown): Promise<AccountError | undefined> {
    if ((err as { code?: string } | undefined)?.code !== 'GREETING_TIMEOUT') return undefined;
    const { host, port, security } = this.config;
    const line = await probeGreeting(host, port, security === 'tls' ? tlsOptions(this.config) : undefined);
    const text = line === undefined ? undefined : wrongProtocolText(`${host}:${port}`, 'imap', line);
    return text ? new AccountError('config', text, { cause: err }) : undefined;
  }

  private mapError(err: unknown, action?: string): AccountError {
    const ctx = { host: this.config.host, port: this.config.port, user: this.config.user };
    return toAccountError(err, action ? { ...ctx, action } : ctx);
  }

  private setState(state: ConnectionState, error?: string): void {
    this.state = state;
    this.emit(error ? { type: 'connection', state, error } : { type: 'connection', state });
  }

  private emit(event: AccountEvent): void {
    if (!this.keepHiddenCurrent(event)) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A faulty listener must not break the connection's event handling.
      }
    }
  }
}

/**
 * STATUS (UNSEEN) of a folder that is not selected: servers such as Dovecot keep the seen count in
 * the index header and answer without scanning 100k flag records (measured ~20 ms vs ~0 for SEARCH).
 * Never for the selected mailbox: RFC 3501 6.3.10 says not to rely on it (Dovecot answers
 * [CLIENTBUG]) and imapflow copies a MESSAGES answer into the session's EXISTS, from which window
 * sequence numbers are computed. Undefined when the server gives no answer (e.g. no such folder:
 * the SELECT that follows reports that).
 */
async function statusUnseen(client: ImapFlow, path: string): Promise<number | undefined> {
  try {
    const status = await client.status(path, { unseen: true });
    return status && status.unseen !== undefined ? status.unseen : undefined;
  } catch (err) {
    if (isConnectionLoss(err)) throw err;
    return undefined;
  }
}

/** Unseen messages of the selected folder. */
async function searchUnseen(client: ImapFlow): Promise<number> {
  const result = await client.search({ seen: false }, { uid: true, returnOptions: ['COUNT'] });
  if (!result) return 0;
  return Array.isArray(result) ? result.length : (result.count ?? 0);
}

/**
 * LIST with MESSAGES and UNSEEN per folder. With LIST-STATUS the server answers in one command;
 * without it imapflow would STATUS every folder, the selected one included (see statusUnseen), so
 * the counts are gathered here: STATUS for the others, the session's own EXISTS and a SEARCH for
 * the selected one.
 */
async function listWithCounts(client: ImapFlow): Promise<ListResponse[]> {
  if (client.capabilities.has('LIST-STATUS')) return client.list({ statusQuery: { messages: true, unseen: true } });
  const list = await client.list();
  for (const entry of list) {
    if (entry.flags.has('\\Noselect') || entry.flags.has('\\NonExistent')) continue;
    const selected = client.mailbox && client.mailbox.path === entry.path ? client.mailbox : undefined;
    if (selected) {
      const lock = await client.getMailboxLock(entry.path);
      try {
        // NOOP first: the server reports other clients' expunges then, so the count and the
        // search describe the same set of messages.
        await client.noop();
        const unseen = await searchUnseen(client);
        entry.status = { path: entry.path, messages: client.mailbox ? client.mailbox.exists : selected.exists, unseen };
      } finally {
        lock.release();
      }
      continue;
    }
    try {
      const status = await client.status(entry.path, { messages: true, unseen: true });
      if (status) entry.status = status;
    } catch (err) {
      if (isConnectionLoss(err)) throw err;
    }
  }
  return list;
}

function isInbox(path: string): boolean {
  return path.toUpperCase() === 'INBOX';
}

/** The server left an operation unanswered past operationTimeoutMs: not retried, reported as is. */
class ServerSilent extends AccountError {
  constructor(message: string) {
    super('network', message);
  }
}
