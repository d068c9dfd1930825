// The one contract between the UI/CLI and a mail backend. The UI never imports imapflow or
// node-pop3: it only sees `MailAccount`. IMAP (src/accounts/imap) and POP3 (src/accounts/pop3)
// each implement it; `capabilities` tells the UI what differs between the two models, so it can
// show the user *where* state lives instead of hiding it.
import type { Readable } from 'node:stream';
import type { TraceSink } from '../trace/types.js';
import type { Credentials } from '../auth/credentials.js';
import type { Flag, FolderInfo, MessageSummary, OpenedFolder, OpenFolderOptions, SearchQuery, SortOrder } from '../domain/index.js';

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
  /**
   * Folders can be created, renamed and deleted (createFolder, renameFolder, deleteFolder exist):
   * on the server for IMAP, in the local store for POP3.
   */
  folderOps?: boolean;
  /** Folders can be subscribed to (subscribeFolder exists; FolderInfo.subscribed is set). IMAP only. */
  subscriptions?: boolean;
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
  /** Messages left on the server because they exceed the size limit. */
  skippedTooLarge?: number;
  /** How the login was made, when worth telling (POP3 'apop': a weak MD5 scheme). */
  authMethod?: 'apop' | 'user' | 'sasl';
}

/** A background check not made because the server would refuse a login before `nextCheckAt`. */
export interface CheckDeferred {
  deferred: true;
  nextCheckAt: Date;
  /** One line for the status bar, e.g. "next check allowed at 10:15 (server's LOGIN-DELAY)". */
  message: string;
}

export function isCheckDeferred(result: SyncResult | CheckDeferred): result is CheckDeferred {
  return (result as CheckDeferred).deferred === true;
}

/** A message's UID in its source folder and the UID of its copy in the destination. */
export interface UidPair {
  from: number;
  to: number;
}

/** What a copy made: where each copy is, so it can be found (and undone) without a search. */
export interface CopyOutcome {
  destination: string;
  /**
   * The copies' UIDs in `destination` (IMAP: from COPYUID with UIDPLUS, else found by Message-ID
   * among the new messages); a message whose copy could not be told apart is left out.
   */
  copies: UidPair[];
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
  /** For 'moved' and 'left-deleted': the moved messages' UIDs in `destination` (see CopyOutcome.copies); what an undo moves back. */
  copies?: UidPair[];
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
  /** How the backend signs in: a password or an OAuth2 token source (see auth/provider.ts). */
  credentials?: Credentials;
  /**
   * Older form of `credentials` (a password), still accepted: used when `credentials` is absent.
   * May prompt the user.
   */
  getPassword?: () => Promise<string>;
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
  /**
   * Optional: loads the code connect() needs (a protocol library), without connecting. A caller
   * that awaits it before connect() has the connection under way at once, and can load other
   * heavy code (the UI) while the server answers. Never rejects.
   */
  preload?(): Promise<void>;
  /** Logs out and frees sockets; safe to call twice. */
  close(): Promise<void>;

  listFolders(): Promise<FolderInfo[]>;
  /** Selects a folder for window fetches; returns counts and uidValidity. */
  openFolder(path: string, options?: OpenFolderOptions): Promise<OpenedFolder>;
  /** Optional: the unread count of a folder openFolder() left uncounted (OpenFolderOptions.unreadLater). */
  countUnread?(path: string): Promise<number>;
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
   * Consume or destroy the stream: IMAP keeps the folder locked until it ends. Its chunks are the
   * reader's: it hands a Buffer alone in its memory to the parser's worker without a copy (that
   * detaches it), so never emit a Buffer that is kept (a cache entry, a stored message).
   */
  fetchRaw(path: string, uid: number): Promise<Readable>;

  // Every action below takes a set of UIDs and is ONE protocol command per action for the whole
  // set (IMAP: a UID set), never one per message. src/accounts/undo.ts wraps them with undo.
  addFlags(path: string, uids: number[], flags: Flag[]): Promise<void>;
  removeFlags(path: string, uids: number[], flags: Flag[]): Promise<void>;
  /**
   * Moves to Trash when the folder is not Trash and a Trash exists; else marks \Deleted and
   * expunges. Resolves to what really happened when the backend can say more than "done".
   */
  deleteMessages(path: string, uids: number[], options?: DeleteOptions): Promise<RemovalOutcome | undefined>;
  /**
   * Where deleteMessages(path, …) would put messages: the Trash folder's path, or null when a
   * delete there is for good (in Trash itself, or no Trash) — so the UI can say so before asking.
   */
  whereDeleteGoes?(path: string): Promise<string | null>;
  moveMessages(path: string, uids: number[], destination: string): Promise<RemovalOutcome | undefined>;
  /** Copies to `destination`; the originals stay as they are. */
  copyMessages(path: string, uids: number[], destination: string): Promise<CopyOutcome | undefined>;
  /** UIDs matching the query, newest first. */
  search(path: string, query: SearchQuery): Promise<number[]>;
  /**
   * Optional: the list positions (in `sort` order, as fetchWindow counts them; ascending) of every
   * unread message of the folder, in one search (IMAP: SEARCH UNSEEN; POP3: the local store's
   * flags), so next/previous unread finds mail in windows not fetched yet.
   */
  unreadPositions?(path: string, sort?: SortOrder): Promise<number[]>;

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

  /**
   * A check nobody asked for (a timer): like sync(), but while the server does not allow a login
   * yet (POP3 LOGIN-DELAY, RFC 2449) it sends nothing and resolves to a CheckDeferred, and a
   * server's "too soon" refusal is a CheckDeferred too, not an error event. Present with sync().
   */
  backgroundSync?(onProgress?: (progress: SyncProgress) => void): Promise<SyncResult | CheckDeferred>;

  /** When the server allows the next check, if it limits them (LOGIN-DELAY); for the status line. */
  nextCheckAt?(): Promise<Date | undefined>;

  /**
   * Present exactly when `capabilities.folderOps`. `path` is the backend's full path (levels
   * joined by the folder's `delimiter`). Creating a folder that exists, or renaming onto one, is an
   * AccountError; INBOX cannot be renamed or deleted.
   */
  createFolder?(path: string): Promise<void>;
  /** Renames a folder together with its subfolders. */
  renameFolder?(path: string, newPath: string): Promise<void>;
  /**
   * Deletes a folder and every message in it (the UI confirms first). A folder that still has
   * subfolders is refused with a clear AccountError: delete those first, so a parent is never
   * emptied by surprise while its children linger (IMAP would leave a \Noselect shell).
   */
  deleteFolder?(path: string): Promise<void>;
  /** Present exactly when `capabilities.subscriptions`: subscribe (true) or unsubscribe (false). */
  subscribeFolder?(path: string, subscribed: boolean): Promise<void>;

  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: AccountEventListener): () => void;
}
