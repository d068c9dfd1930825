// The one contract between the UI/CLI and a mail backend. The UI never imports imapflow or
// node-pop3: it only sees `MailAccount`. IMAP (src/accounts/imap) and POP3 (src/accounts/pop3)
// each implement it; `capabilities` tells the UI what differs between the two models, so it can
// show the user *where* state lives instead of hiding it.
import type { Readable } from 'node:stream';

/** System flags as IMAP spells them. POP3 keeps the same names locally (Maildir letters on disk). */
export type SystemFlag = '\\Seen' | '\\Answered' | '\\Flagged' | '\\Deleted' | '\\Draft';
/** A flag: a system flag or a keyword (e.g. `$Forwarded`). */
export type Flag = SystemFlag | (string & {});

export type SpecialUse = 'inbox' | 'sent' | 'drafts' | 'trash' | 'junk' | 'archive' | 'all' | 'flagged';

export interface FolderInfo {
  /** Full path as the backend names it (`INBOX`, `Archive/2024`); the identity of the folder. */
  path: string;
  /** Last path segment, for display. */
  name: string;
  /**
   * The path as the user sees and types it (folder-names.ts: personal namespace prefix left out,
   * "/" between levels); absent where it equals `path`.
   */
  display?: string;
  /** Hierarchy delimiter (`/` or `.`); empty when the backend has no hierarchy. */
  delimiter: string;
  specialUse?: SpecialUse;
  /** False for \Noselect containers. */
  selectable: boolean;
  total: number;
  unread: number;
}

export interface Address {
  name: string;
  address: string;
}

/** Where a message's authoritative copy is; the UI shows this in words (see issue "difference"). */
export type MessageLocation =
  | { kind: 'server' }
  | { kind: 'local'; onServer: false }
  | { kind: 'local'; onServer: true; deleteOnServerAfter?: Date };

export interface MessageSummary {
  /** Stable id inside one folder + uidValidity: the IMAP UID, or the POP3 cache's local id. */
  uid: number;
  flags: Flag[];
  /** Date header if parseable, else the arrival (internal) date. */
  date: Date;
  from: Address[];
  to: Address[];
  cc: Address[];
  subject: string;
  messageId?: string;
  inReplyTo?: string;
  /** Message-IDs of the References header, oldest first (local threading; IMAP threads on the server). */
  references?: string[];
  /** Only in 'thread' windows: 0 for a thread's first message, 1 for a reply to it, and so on. */
  threadDepth?: number;
  /** Size in octets of the raw message. */
  size: number;
  hasAttachments: boolean;
  location: MessageLocation;
}

/**
 * How the message list is ordered. 'arrival' and 'date': position 0 is the newest. 'from' and
 * 'subject': alphabetical, newest first among equals. 'thread': conversations, the one with the
 * newest message first, each drawn depth-first (rows carry `threadDepth`).
 */
export type SortOrder = 'arrival' | 'date' | 'from' | 'subject' | 'thread';

export const SORT_ORDERS: readonly SortOrder[] = ['arrival', 'date', 'from', 'subject', 'thread'];

export interface OpenedFolder {
  path: string;
  /**
   * UIDs are only meaningful together with this value. When it differs from what a caller cached,
   * every cached UID of this folder is invalid.
   */
  uidValidity: bigint;
  /** True when the backend saw a different uidValidity than the last time this folder was opened. */
  uidValidityChanged: boolean;
  total: number;
  unread: number;
}

export interface SearchQuery {
  /** Free text matched against from/to/subject/body (backend decides how deep). */
  text?: string;
  from?: string;
  subject?: string;
  unseen?: boolean;
  flagged?: boolean;
  since?: Date;
  before?: Date;
}

export interface AccountCapabilities {
  /** Flags are stored on the server and seen by other devices (IMAP: true, POP3: false). */
  serverFlags: boolean;
  /** Folders exist on the server (IMAP) rather than only in the local cache (POP3). */
  serverFolders: boolean;
  /** Search runs on the server. */
  serverSearch: boolean;
  /** The backend can push changes while a folder is open (IMAP IDLE). */
  push: boolean;
  /** Sort orders this backend can serve cheaply. */
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

export type AccountEventListener = (event: AccountEvent) => void;

export interface MailAccount {
  readonly name: string;
  readonly protocol: 'imap' | 'pop3';
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
   * Optional: summaries for specific UIDs (e.g. search results), in the order given; UIDs that no
   * longer exist are left out. Without it the UI reads the header block of each via fetchRaw.
   */
  fetchSummaries?(path: string, uids: number[]): Promise<MessageSummary[]>;
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
  /** Moves to Trash when the folder is not Trash and a Trash exists; else marks \Deleted and expunges. */
  deleteMessages(path: string, uids: number[]): Promise<void>;
  moveMessages(path: string, uids: number[], destination: string): Promise<void>;
  copyMessages(path: string, uids: number[], destination: string): Promise<void>;
  /** UIDs matching the query, newest first. */
  search(path: string, query: SearchQuery): Promise<number[]>;

  /**
   * Stores a complete RFC 5322 message (a Sent copy, a postponed draft) in folder `path` with
   * `flags`. IMAP: APPEND, reconnecting first when the connection was lost meanwhile (e.g. during
   * a long stay in the editor); POP3: delivered into the local Maildir folder.
   */
  appendMessage?(path: string, raw: Buffer, flags: Flag[]): Promise<void>;
  /**
   * The folder for sent mail or drafts: IMAP by SPECIAL-USE (\Sent, \Drafts) else by name;
   * POP3 the local Maildir folder `Sent` / `Drafts`. Created when the account has none.
   */
  specialFolder?(use: 'sent' | 'drafts'): Promise<string>;

  /**
   * POP3 only: download new mail from the server into the local cache (safe order: store durably,
   * then DELE). Absent on IMAP, where there is nothing to download.
   */
  sync?(onProgress?: (progress: SyncProgress) => void): Promise<SyncResult>;

  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: AccountEventListener): () => void;
}

export type AccountErrorKind =
  | 'auth' // wrong user/password
  | 'tls' // handshake failed, untrusted or mismatched certificate
  | 'insecure' // refusing to send a password without TLS
  | 'network' // host down, refused, timeout, dropped
  | 'protocol' // server said something we cannot use
  | 'not-found' // folder or message does not exist
  | 'local' // local store failure (disk full, permissions)
  | 'config';

/** The only error type a backend lets escape: `message` is fit to show a user as is. */
export class AccountError extends Error {
  constructor(
    readonly kind: AccountErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AccountError';
  }
}
