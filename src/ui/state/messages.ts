// The typed messages of the UI, in one place. Follow a key press: keys/bindings.ts names it
// (an `Action`), reducer.ts turns the pure ones into new state (plus `Effect`s to run), and
// controller.ts hands the rest to the effect modules, which call backends and post `Msg`s
// back to the controller when results arrive (aerc's PostAction/onMessage shape). Effect
// modules never import a module above them: whatever must go back up goes through `post`.
import type { AccountEvent } from '../../accounts/account.js';
import type { MainAction as Action } from '../keys/bindings.js';
import type { AccountId } from './types.js';

/** Messages posted to the controller: user intents and results of background work. */
export type Msg =
  /** A key-table action, as if its key had been pressed (the `:help` command, say). */
  | { type: 'intent'; action: Action }
  /** A backend reported something (connection, new mail, flags): account-events.ts. */
  | { type: 'accountEvent'; account: AccountId; event: AccountEvent }
  /** Start account's POP3 download (after its login): sync-actions.ts. */
  | { type: 'syncAccount'; account: AccountId; background?: true }
  /** A window of summaries arrived for account/path: an Enter pressed while it loaded opens its row now. */
  | { type: 'rowsArrived'; account: AccountId; path: string };

/** What a reducer step asks for besides its new state. */
export type Effect =
  /** Fetch the summary windows around the visible rows that are not cached yet. */
  { type: 'ensureVisible' };
