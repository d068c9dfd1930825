// What the UI is given to run on: the account slots (created lazily), the key table, the
// message loader and the hooks to the rest of the program.
import type { MailAccount } from '../../accounts/account.js';
import type { ComposeHost } from '../../compose/ui-flow.js';
import type { TraceBuffer } from '../../trace/buffer.js';
import type { OpenPlan, OpenResult } from '../../handoff/index.js';
import type { KeyTable } from '../keys/bindings.js';
import type { MessageLoader } from '../message-loader.js';
import type { CheckClock } from './check-clock.js';
import type { SavedSearchConfig } from '../../config/types.js';

export interface AccountSlot {
  name: string;
  protocol: 'imap' | 'pop3';
  /** Creates the backend on first use (imports imapflow/node-pop3 lazily). */
  create: () => Promise<MailAccount>;
  /** Switching IMAP <-> POP3 from the UI; without it the key explains the CLI command. */
  mode?: ModeSwitcher;
  /** After a refused login: the password to use from now on (absent when the account does not sign in with one). */
  reenterPassword?: (password: string) => void;
  /** The account's POP3 cache (Maildir), home shortened to ~, for the status bar. */
  cacheDir?: string;
  /** Accounts that download (POP3): check for new mail this often while tmail runs; absent or 0 = off. */
  checkIntervalMs?: number;
  /** Saved searches from config.json, shown as virtual folders. */
  searches?: SavedSearchConfig[];
}

export interface ModeSwitcher {
  /** What switching to `target` does to the mail, in words (the confirmation text). */
  explain(target: 'imap' | 'pop3', leaveOnServer: boolean): string;
  /** leaveOnServer as configured now. */
  leaveOnServer(): boolean;
  /** Writes config.json (same logic as `tmail account mode`); returns how to open the account now. */
  apply(target: 'imap' | 'pop3', leaveOnServer: boolean): Promise<Pick<AccountSlot, 'protocol' | 'create'>>;
  /** The POP3 cache as a folder group of its own, when the account uses IMAP and has one. */
  localCache(): AccountSlot | undefined;
}

export interface ControllerOptions {
  accounts: AccountSlot[];
  keys: KeyTable;
  loader: MessageLoader;
  cols: number;
  rows: number;
  onQuit: () => void;
  /** How often folder counts and visible flags are re-read; 0 disables (tests). */
  pollMs?: number;
  /** Where `s` proposes to save attachments. */
  downloadDir?: string;
  /** The protocol conversation of all accounts (the `t` view). */
  trace?: TraceBuffer;
  /** Time for the periodic POP3 check (periodic-check.ts); tests pass a fake clock. */
  clock?: CheckClock;
  /** POP3 accounts download when connected (default); the demo leaves that to the user's `$`. */
  syncOnConnect?: boolean;
  /** With no account configured, `d` on the first-run screen starts `tmail --demo` instead. */
  onDemo?: () => void;
  /**
   * A warm start logs in only after the first frame (UiController.drawn()), so that frame is not
   * kept waiting for the protocol libraries; a cold start logs in at once. Off in tests.
   */
  loginAfterFirstFrame?: boolean;
  /** Compose/reply/forward support (editor, SMTP); without it those keys explain they are unavailable. */
  compose?: ComposeHost;
  /** The terminal itself: Ctrl-Z (stop, back to the shell) and Ctrl-L (draw everything again). */
  terminal?: { suspend(): void; redraw(): void };
  /** Handing a part or link to another program: the terminal for one that needs it; tests replace `run`. */
  handoff?: {
    suspend?<T>(fn: () => Promise<T>): Promise<T>;
    run?: (plan: OpenPlan) => Promise<OpenResult>;
    /** While suspended: shows `text` and waits for one key (after `|`, before the mail screen returns). */
    pressAnyKey?(text: string): Promise<void>;
  };
}

export interface KeyInput {
  /** Key spec from keySpec(): 'j', 'C-d', 'enter', 'esc'… */
  spec: string;
  /** Printable text typed (for prompts); '' for special keys. */
  text: string;
}
