// A folder as every backend describes it, and what opening one tells the caller.

export type SpecialUse = 'inbox' | 'sent' | 'drafts' | 'trash' | 'junk' | 'archive' | 'all' | 'flagged';

export interface FolderInfo {
  /** Full path as the backend names it (`INBOX`, `Archive/2024`); the identity of the folder. */
  path: string;
  /** Last path segment, for display. */
  name: string;
  /**
   * The path as the user sees and types it (accounts/folder-names.ts: personal namespace prefix
   * left out, "/" between levels); absent where it equals `path`.
   */
  display?: string;
  /** Hierarchy delimiter (`/` or `.`); empty when the backend has no hierarchy. */
  delimiter: string;
  specialUse?: SpecialUse;
  /** False for \Noselect containers. */
  selectable: boolean;
  total: number;
  unread: number;
  /** Subscribed on the server (only where the backend has subscriptions). */
  subscribed?: boolean;
}

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
  /**
   * Left out only when the caller asked for it later (OpenFolderOptions.unreadLater) and counting
   * takes a command of its own: then countUnread() gives it.
   */
  unread?: number;
}

export interface OpenFolderOptions {
  /**
   * The unread count may come later, from countUnread(): the folder's first rows go to the
   * server before the command that counts (a cold start waits for those rows, not the count).
   */
  unreadLater?: boolean;
}
