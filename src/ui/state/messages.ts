// The typed messages of the UI, in one place. Follow a key press: keys/bindings.ts names it
// (an `Action`), reducer.ts turns the pure ones into new state (plus `Effect`s to run), and
// controller.ts hands the rest to the effect modules, which call backends and post `Msg`s
// back to the controller when results arrive (aerc's PostAction/onMessage shape). A `Result`
// says what happened; reducer/results.ts turns it into state, and the controller's `commit` is
// the one place that writes the store. Effect modules never import a module above them:
// whatever must go back up goes through `post`.
import type { AccountEvent } from '../../accounts/account.js';
import type { FolderInfo } from '../../domain/index.js';
import type { MainAction as Action } from '../keys/bindings.js';
import type { ReaderMessage } from '../message-loader.js';
import type { Note } from './model-words.js';
import type { RawSourceView } from './raw-source-lines.js';
import type { AccountEntry, AccountId, Overlay, Pane, SearchView, UiState } from './types.js';

/** Messages posted to the controller: user intents and results of background work. */
export type Msg =
  /** A key-table action, as if its key had been pressed (the `:help` command, say). */
  | { type: 'intent'; action: Action }
  /** A backend reported something (connection, new mail, flags): account-events.ts. */
  | { type: 'accountEvent'; account: AccountId; event: AccountEvent }
  /** Start account's POP3 download (after its login): sync-actions.ts. */
  | { type: 'syncAccount'; account: AccountId; background?: true }
  /** A window of summaries arrived for account/path: an Enter pressed while it loaded opens its row now. */
  | { type: 'rowsArrived'; account: AccountId; path: string }
  | Result;

/**
 * What happened, as plain data: effects post these and only the reducer (reducer/results.ts)
 * turns them into state. Grouped by what they change.
 */
export type Result =
  // The status line.
  /** A sentence for the status line (clears the error). */
  | { type: 'noted'; info: string }
  /** A where-note: `short` in the status line, `full` kept for the help screen. */
  | { type: 'notedWhere'; note: Note }
  /** Something failed; `error` is already fit to show. */
  | { type: 'failed'; error: string }
  /** A key was pressed: the last sentence has been read. */
  | { type: 'noteCleared' }
  /** The background work in progress changed (the status bar's spinner items). */
  | { type: 'loadingChanged'; labels: string[] }
  // Accounts.
  /** Something about one account changed (status, sync progress, kept-on-server count…). */
  | { type: 'accountUpdated'; account: AccountId; patch: Partial<AccountEntry> }
  /** The account's folder list arrived. */
  | { type: 'foldersListed'; account: AccountId; folders: FolderInfo[] }
  /** A folder's counts are known (opened, or a flag changed them). */
  | { type: 'folderCounted'; account: AccountId; path: string; total: number; unread: number }
  | { type: 'unreadCounted'; account: AccountId; path: string; unread: number }
  /** A message became read (delta -1) or unread (+1) here. */
  | { type: 'unreadAdjusted'; account: AccountId; path: string; delta: number }
  /** A group appeared in the folder pane (the "<account> · local cache" group). */
  | { type: 'accountAdded'; entry: AccountEntry }
  /** The account's backend was closed: nothing shown of it stays; `patch` says what it is now. */
  | { type: 'accountDropped'; account: AccountId; patch: Partial<AccountEntry> }
  /** A login was refused: the password key may ask for it again. */
  | { type: 'loginRefused'; account: AccountId }
  // Folders and the message list.
  /** A folder was chosen: the list shows placeholders until `folderOpened`. */
  | { type: 'folderOpening'; account: AccountId; path: string }
  /** The server opened the folder; `keepPosition`: the same message stays under the cursor. */
  | { type: 'folderOpened'; account: AccountId; path: string; total: number; unread: number; keepPosition: boolean; uidValidityChanged?: boolean }
  /** The warm start drew a folder from the header cache, before the login confirmed it. */
  | { type: 'cachedFolderShown'; account: AccountId; path: string; total: number; unread: number }
  /** The login settled: what the screen shows is no longer only the cache's word. */
  | { type: 'warmStartEnded'; account: AccountId }
  /** The folder the list shows is gone (renamed, deleted): the list empties. */
  | { type: 'folderGone'; account: AccountId; path: string }
  /** The list cursor moved (the top row follows; visible windows are fetched). */
  | { type: 'listScrolled'; cursor: number }
  /** The folder cursor goes to that folder's row, if it is listed. */
  | { type: 'folderCursorOn'; account: AccountId; path: string }
  /** Rows went away: the folder cursor stays on a row. */
  | { type: 'folderCursorClamped' }
  | { type: 'focusMoved'; pane: Pane }
  /** `z`/`Z`: the threads shown as one row each in the thread view (undefined: all expanded). */
  | { type: 'threadsCollapsed'; collapsed: UiState['collapsed'] }
  /** A message left this folder (deleted, moved): the reader and the search results let go of it. */
  | { type: 'messageRemoved'; account: AccountId; path: string; uid: number }
  /** The terminal changed size. */
  | { type: 'resized'; cols: number; rows: number }
  /** `;`: the next action applies to the tagged messages. */
  | { type: 'tagPrefixSet'; on: boolean }
  // Tags, the list's order, search results (reducer/list-results.ts).
  /** The tags of account/path are now exactly `uids` (none: the folder's tags are gone). */
  | { type: 'tagsChanged'; account: AccountId; path: string; uids: number[] }
  /** `uids` of account/path were tagged, besides the tags there are. */
  | { type: 'tagsAdded'; account: AccountId; path: string; uids: number[] }
  /** `uids` of account/path are no longer tagged (they left the folder). */
  | { type: 'untagged'; account: AccountId; path: string; uids: number[] }
  /** Every tag is gone, and so is a pending `;`. */
  | { type: 'tagsCleared' }
  /**
   * Messages left account/path (deleted, moved): the reader and the search results let go of
   * them; `above` of them were above the list cursor, which moves up to stay on its message.
   */
  | { type: 'messagesRemoved'; account: AccountId; path: string; uids: number[]; above: number }
  /** A search (or a saved search) answered: the list shows its matches from the top. */
  | { type: 'searchShown'; search: SearchView }
  /** An empty search: the list shows the whole folder again, from the top. */
  | { type: 'searchCleared' }
  /**
   * `o`/`v`: the list's order changed. With `sort` the list leaves the thread view for that sort;
   * without, `threads` turns the thread view on or off. The list restarts at the top unless a
   * search is shown.
   */
  | { type: 'orderChanged'; threads: boolean; sort?: NonNullable<UiState['sort']>; sortFromByAddress?: boolean }
  // The reader.
  /** Enter on a row still loading: it opens when its rows arrive, if the cursor stays. */
  | { type: 'openPending'; account: AccountId; path: string; cursor: number }
  | { type: 'pendingOpenDropped' }
  /** A message is being loaded into the reader. */
  | { type: 'readerOpening'; account: AccountId; path: string; uid: number }
  | { type: 'messageLoaded'; uid: number; message: ReaderMessage }
  | { type: 'messageFailed'; uid: number; error: string }
  | { type: 'readerClosed' }
  /** `V`: the raw source of the message shown arrived. */
  | { type: 'rawSourceLoaded'; message: ReaderMessage; raw: RawSourceView }
  | { type: 'rawSourceClosed' }
  // Overlays.
  /** A dialog, prompt or picker opened or changed (typed text, a moved cursor). */
  | { type: 'overlayShown'; overlay: Overlay }
  | { type: 'overlayClosed' }
  /** The trace view's "all lines" choice flipped (the pane keeps it when the view closes). */
  | { type: 'traceAllToggled' }
  /** Lines were added to the protocol trace: an open trace pane or view redraws. */
  | { type: 'traceGrew'; version: number };

/** What a reducer step asks for besides its new state. */
export type Effect =
  /** Fetch the summary windows around the visible rows that are not cached yet. */
  { type: 'ensureVisible' };
