// The whole UI state as plain data. Components draw it; the controller changes it.
import type { FolderInfo, MessageSummary } from '../../domain/index.js';
import type { ReaderMessage } from '../message-loader.js';
import type { ComposeView } from '../../compose/ui-flow.js';
import type { RawSourceView } from './raw-source-lines.js';

export type Pane = 'folders' | 'list' | 'reader';

/**
 * An account as state and messages name it: its name from config.json (unique), so nothing shifts
 * when an account is added, hidden or switched. The local cache group is "<name> · local cache".
 */
export type AccountId = string;

export type AccountStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'error';

export interface AccountEntry {
  id: AccountId;
  name: string;
  protocol: 'imap' | 'pop3';
  status: AccountStatus;
  /** Last connection error, already fit to show. */
  error?: string;
  folders: FolderInfo[];
  /** POP3 download in progress. */
  sync?: { done: number; total: number; bytes?: number };
  /** POP3: messages the server still holds after the last download (leave-on-server). */
  keptOnServer?: number;
  /** Not shown in the folder pane (a local cache while its account uses POP3 again). */
  hidden?: boolean;
  /** Set on "<account> · local cache": the account whose POP3 cache this is. */
  localCacheOf?: AccountId;
  /** Where the POP3 cache lives, home shortened to ~ (the status bar's `cache: …`). */
  cacheDir?: string;
  /** The folder drawn from the header cache, not yet confirmed by this account's login (the warm start). */
  warmFolder?: string;
  /** The last login was refused: the password key asks for this account's password. */
  loginRefused?: boolean;
  /** POP3: when the next periodic check is due (epoch ms; periodic-check.ts). */
  nextCheckAt?: number;
  /** Saved searches (config `searches`): virtual folders under the account. */
  searches?: SavedSearchEntry[];
}

export interface SavedSearchEntry {
  name: string;
  query: string;
  /** The folder it searches, as configured (default INBOX). */
  folder: string;
  /** Matches at the last count (absent until counted). */
  count?: number;
  /** The query does not parse (the search language's message, with the column). */
  error?: string;
}

export interface CurrentFolder {
  account: AccountId;
  path: string;
  total: number;
  unread: number;
  /** False until openFolder answered: the list shows "opening…" meanwhile. */
  opened: boolean;
}

export interface SearchView {
  query: string;
  /** Matching UIDs, newest first; list positions index into this. */
  uids: number[];
  /** Set when this is a saved search (a virtual folder): its name. */
  saved?: string;
}

export interface ReaderState {
  account: AccountId;
  path: string;
  uid: number;
  status: 'loading' | 'ready' | 'error';
  message?: ReaderMessage;
  error?: string;
  scroll: number;
  fullHeaders: boolean;
  /** `V`: the raw source is shown instead of the message. */
  raw?: RawSourceView;
}

export type PromptPurpose = 'search' | 'command' | 'saveDir' | 'pipe' | 'createFolder' | 'renameFolder' | 'tagQuery' | 'limit';

export type PickerPurpose = 'move' | 'attachment' | 'copy' | 'jump' | 'openAttachment' | 'url';

export type Overlay =
  | { kind: 'help'; scroll: number }
  | {
      kind: 'prompt';
      purpose: PromptPurpose;
      label: string;
      value: string;
      attachment?: number;
      /** The folder a folder prompt acts on (create: its account; rename: the folder). */
      account?: AccountId;
      path?: string;
      /** Shown after the input: the candidates of the last Tab. */
      hint?: string;
    }
  /** Deleting a folder: `text` names it and how many messages go with it. */
  | { kind: 'confirmFolderDelete'; account: AccountId; path: string; text: string }
  | {
      kind: 'confirmDelete';
      account: AccountId;
      path: string;
      uid: number;
      subject: string /** No Trash to undo from. */;
      permanent: boolean /** Several (tagged) messages: all of them, `uid` is the first. */;
      uids?: number[];
      /** Tagged messages in several folders: each folder's (then `uids` are the first folder's). */
      groups?: TagGroup[];
    }
  /** IMAP <-> POP3: `text` says what will happen; `l` toggles leaveOnServer (to POP3 only). */
  | { kind: 'confirmMode'; account: AccountId; target: 'imap' | 'pop3'; leaveOnServer: boolean; text: string }
  /** Protocol trace view: `scroll` = lines up from the newest (0 follows); `version` redraws on new lines. */
  | { kind: 'trace'; scroll: number; all: boolean; version: number }
  /** `filter` set: typed text narrows the items (folder pickers); the cursor indexes the visible ones. */
  | {
      kind: 'picker';
      purpose: PickerPurpose;
      title: string;
      items: { label: string; value: string }[];
      cursor: number;
      filter?: string /** move/copy: the messages, all in the current folder. */;
      uids?: number[];
      /** move/copy: the messages per folder (tags may span folders); item values are jumpValue()s then. */
      groups?: TagGroup[];
    }
  /** The password prompt after a refused login: `value` is never drawn. */
  | { kind: 'secret'; account: AccountId; label: string; value: string }
  /** The compose confirm screen (send / edit / attach / postpone / cancel). */
  | { kind: 'compose'; view: ComposeView };

export interface UiState {
  cols: number;
  rows: number;
  focus: Pane;
  /** `B`: the folder pane beside the list is collapsed (it still shows when focused). */
  foldersHidden?: boolean;
  accounts: AccountEntry[];
  /** Index into folderRows(state). */
  folderCursor: number;
  current?: CurrentFolder;
  listCursor: number;
  listTop: number;
  search?: SearchView;
  reader?: ReaderState;
  overlay?: Overlay;
  /** The live trace pane under the panes (`t`); `T` zooms it full screen (the 'trace' overlay). */
  tracePane?: { all: boolean; version: number };
  /** What is happening in the background, shown with a spinner. */
  loading: string[];
  error?: string;
  info?: string;
  /** The last note about where a change happened: `short` in the status bar, `full` in the help. */
  lastNote?: { short: string; full: string };
  /** List order chosen with `o` (absent: arrival); `threads` (key `v`) takes precedence. */
  sort?: 'arrival' | 'date' | 'from' | 'subject';
  /** The account sorts 'from' by address only (no SORT=DISPLAY): the words must say so. */
  sortFromByAddress?: boolean;
  threads?: boolean;
  /**
   * Enter on a row whose window was still being fetched (e.g. refetched after new mail): opened
   * when its rows arrive if the cursor is still there, so the key is not lost.
   */
  pendingOpen?: { account: AccountId; path: string; cursor: number };
  /**
   * Tagged messages (`x`, `X`), per folder of any account; they stay tagged when another folder
   * is opened. `;` applies the next action to all of them (one command per folder).
   */
  tagged?: TagGroup[];
  /** `;` was pressed: the next action applies to the tagged messages. */
  tagPrefix?: boolean;
  /** Threads collapsed to one row (`z`) in the thread view of this folder (collapsed-threads.ts). */
  collapsed?: { account: AccountId; path: string; threads: CollapsedThread[] };
}

/** A thread shown as one row: its root at folder position `pos`, `uids` root first. */
export interface CollapsedThread {
  pos: number;
  uids: number[];
  /** Some message of it was unread when it was collapsed (the row's mark until the rows say more). */
  unread: boolean;
}

/** The tagged messages of one folder. */
export interface TagGroup {
  account: AccountId;
  path: string;
  uids: number[];
}

export interface FolderRow {
  kind: 'account' | 'folder' | 'search';
  account: AccountId;
  folder?: FolderInfo;
  /** kind 'search': index into the account's `searches`. */
  search?: number;
  depth: number;
}

export type { MessageSummary };
