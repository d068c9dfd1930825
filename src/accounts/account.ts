// The one contract between the UI/CLI and a mail backend. The UI never imports imapflow or
// node-pop3: it only sees `MailAccount`. IMAP (src/accounts/imap) and POP3 (src/accounts/pop3)
// each implement it; `capabilities` tells the UI what differs between the two models, so it can
// show the user *where* state lives instead of hiding it.
import type { Readable } from 'node:stream';
import type { TraceSink } from '../trace/types.js';
import type { Flag, FolderInfo, MessageSummary, OpenedFolder, SearchQuery, SortOrder } from '../domain/index.js';

export interface AccountCapabilities {
  /** Flags are stored on the server and seen by other devices (IMAP: true, POP3: false). */
  serverFlags: boolean;
  /** Folders exist on the server (IMAP) rather than only in the local cache (POP3). */
  serverFolders: boolean;
  /** Search runs on the server. */
  serverSearch: boolean;
  /** The backend can push changes while a folder is open (IMAP IDLE). */
  push: boolean;
  /**
   * Where the messages the UI reads live: on the server (IMAP) or in a local store (POP3's
   * cache). Every summary's `location.kind` says the same.
   */
  mailLocation: 'server' | 'local';
  /** New mail reaches the local store only by downloading it: `sync()` exists (POP3). */
  downloadsMail: boolean;
  /** Sort orders this backend can serve cheaply ('thread' included when it can thread). */
  sortOrders: SortOrder[];
  /**
   * What 'from' orders by: the sender's display name (default) or only the address (IMAP servers
   * with SORT but without SORT=DISPLAY sort by the mailbox part), so the UI can say which.
   */
  fromSort?: 'name' | 'address';
}

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export type AccountEvent =
  | { type: 'connection'; state: ConnectionState; error?: string }
  /** New messages arrived in `folder`; `total` is the new count. */
  | { type: 'exists'; folder: string; total: number }
  /** Messages disappeared (expunged on the server or deleted from the cache). */
  | { type: 'expunged'; folder: string; uids: number[] }
  | { type: 'flags'; folder: string; uid: number; flags: Flag[] }
  /** Cached UIDs for `folder` are no longer valid; refetch everything. */
  | { type: 'uidvalidity'; folder: string; uidValidity: bigint }
  /** Something failed in the background; a short human message, never a stack. */
  | { type: 'error'; message: string };

export interface SyncProgress {
  /** Messages downloaded so far in this sync. */
  done: number;
  /** Messages this sync will download. */
  total: number;
  bytes: number;
}

export interface SyncResult {
  downloaded: number;
  deletedOnServer: number;
  /** Messages still on the server after this sync (leaveOnServer / not yet due). */
  keptOnServer: number;
  bytes: number;
  /** True when the server had no UIDL and messages were matched by a header hash. */
  usedHeaderHashFallback: boolean;
}

/** What a delete or move did on the server, so the UI can say exactly that. */
export interface RemovalOutcome {
  /**
   * 'moved': copied to `destination` and gone from the folder; 'expunged': deleted for good;
   * 'left-deleted': (after a copy, when `destination` is set) marked \Deleted but still in the
   * folder, because the server could only expunge it together with other messages another client
   * had marked \Deleted (no UIDPLUS).
   */
  result: 'moved' | 'expunged' | 'left-deleted';
  destination?: string;
  /** Set when the connection was lost mid-way and the change was checked and finished after the reconnect. */
  recovered?: string;
}

export interface DeleteOptions {
  /**
   * Delete for good, not to Trash: for a postponed draft once it was sent (a copy is in Sent).
   * The no-foreign-expunge rule still holds (IMAP without UIDPLUS may answer 'left-deleted').
   */
  skipTrash?: boolean;
}

export type AccountEventListener = (event: AccountEvent) => void;

/** What a backend is given besides its config entry. */
export interface AccountDeps {
  /** Returns the password when the backend is about to log in (may prompt the user). */
  getPassword: () => Promise<string>;
  /** Root of this account's local data (caches, POP3 Maildir); created 0700 by the backend. */
  dataDir: string;
  /** Receives the protocol conversation (already redacted) for the trace pane / --trace. */
  trace?: TraceSink;
}

export interface MailAccount {
  readonly name: string;
  /** The config protocol this backend was registered under (see ./index.ts); never branch on it for behaviour: use `capabilities`. */
  readonly protocol: string;
  readonly capabilities: AccountCapabilities;

  /** Logs in. Rejects with an `AccountError` (clear message, no secrets). */
  connect(): Promise<void>;
  /** Logs out and frees sockets; safe to call twice. */
  close(): Promise<void>;

  listFolders(): Promise<FolderInfo[]>;
  /** Selects a folder for window fetches; returns counts and uidValidity. */
  openFolder(path: string): Promise<OpenedFolder>;
  /**
   * Summaries for positions [start, start+count) of the folder sorted newest first.
   * Fetches only those messages from the network; never the whole folder.
   */
  fetchWindow(path: string, start: number, count: number, sort?: SortOrder): Promise<MessageSummary[]>;
  /**
   * Summaries for specific UIDs (e.g. search results), in the order given; UIDs that no longer
   * exist are left out. The same flags and location as the same message in a window.
   */
  fetchSummaries(path: string, uids: number[]): Promise<MessageSummary[]>;
  /**
   * Optional (IMAP header cache): the folder and its `count` newest summaries as the local cache
   * last saw them, read from disk without the network and without connect(), so a warm start can
   * draw the first screen at once. Null when not cached. The figures may be stale: the caller
   * still opens the folder, and the backend's reconciliation reports changes as events.
   */
  peekCachedFolder?(path: string, count: number): Promise<{ folder: OpenedFolder; newest: MessageSummary[] } | null>;
  /**
   * The raw RFC 5322 source, streamed. Reading it does not set \Seen (IMAP: BODY.PEEK): the
   * caller marks the message read with addFlags([...], ['\\Seen']) when the user opens it.
   * Consume or destroy the stream: IMAP keeps the folder locked until it ends.
   */
  fetchRaw(path: string, uid: number): Promise<Readable>;

  addFlags(path: string, uids: number[], flags: Flag[]): Promise<void>;
  removeFlags(path: string, uids: number[], flags: Flag[]): Promise<void>;
  /**
   * Moves to Trash when the folder is not Trash and a Trash exists; else marks \Deleted and
   * expunges. Resolves to what really happened when the backend can say more than "done".
   */
  deleteMessages(path: string, uids: number[], options?: DeleteOptions): Promise<RemovalOutcome | undefined>;
  moveMessages(path: string, uids: number[], destination: string): Promise<RemovalOutcome | undefined>;
  copyMessages(path: string, uids: number[], destination: string): Promise<void>;
  /** UIDs matching the query, newest first. */
  search(path: string, query: SearchQuery): Promise<number[]>;

  /**
   * Stores a complete RFC 5322 message (a Sent copy, a postponed draft) in folder `path` with
   * `flags`. IMAP: APPEND, reconnecting first when the connection was lost meanwhile (e.g. during
   * a long stay in the editor); POP3: delivered into the local Maildir folder.
   */
  appendMessage(path: string, raw: Buffer, flags: Flag[]): Promise<void>;
  /**
   * The folder for sent mail or drafts: IMAP by SPECIAL-USE (\Sent, \Drafts) else by name;
   * POP3 the local Maildir folder `Sent` / `Drafts`. Created when the account has none.
   */
  specialFolder(use: 'sent' | 'drafts'): Promise<string>;

  /**
   * Present exactly when `capabilities.downloadsMail`: download new mail from the server into the
   * local store (POP3: store durably, then DELE). Absent on IMAP, where there is nothing to download.
   */
  sync?(onProgress?: (progress: SyncProgress) => void): Promise<SyncResult>;

  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: AccountEventListener): () => void;
}
