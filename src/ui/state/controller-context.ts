// What every part of the controller shares: the store (read here, written only by the
// controller's commit of a reducer step), the window cache, the backends and the bookkeeping of
// background work. The effect modules are plain functions taking this context; they change
// state by posting result messages (messages.ts).
import type { MailAccount } from '../../accounts/account.js';
import type { AccountSlot, ControllerOptions } from './controller-options.js';
import { errorText } from './error-text.js';
import type { Msg } from './messages.js';
import type { Note } from './model-words.js';
import { StartupGate } from './startup-gate.js';
import { Store } from './store.js';
import type { AccountEntry, AccountId, UiState } from './types.js';
import { WindowCache } from './window-cache.js';
import { savedSearchEntries } from './saved-search-entries.js';

export class ControllerContext {
  readonly store: Store<UiState>;
  readonly cache = new WindowCache();
  /** Our own list: a local-cache group is appended at runtime. */
  readonly opts: ControllerOptions;
  /** The backend of each account, once created. */
  readonly backends = new Map<AccountId, MailAccount>();
  readonly unsubscribers: (() => void)[] = [];
  readonly timers: NodeJS.Timeout[] = [];
  readonly loadingCounts = new Map<string, number>();
  readonly offEvents = new Map<AccountId, () => void>();
  readonly creating = new Map<AccountId, Promise<MailAccount>>();
  /** The list order each folder's cached windows were fetched in. */
  readonly cachedOrder = new Map<string, string>();
  /** Startup promises and held logins (resources, not view state): account-connect.ts owns them. */
  readonly startup = new StartupGate();
  /** Set by stop(): late answers of background work are dropped (a lifecycle flag, never drawn). */
  private readonly life = { stopped: false };
  /**
   * Hands a message to the controller (messages.ts): how an effect reaches code above it
   * without importing it.
   */
  readonly post: (msg: Msg) => void;

  constructor(opts: ControllerOptions, post: (msg: Msg) => void) {
    this.post = post;
    this.opts = { ...opts, accounts: [...opts.accounts] };
    this.store = new Store<UiState>({
      cols: opts.cols,
      rows: opts.rows,
      focus: 'list',
      accounts: opts.accounts.map((a) => ({
        id: a.name,
        name: a.name,
        protocol: a.protocol,
        status: 'idle',
        folders: [],
        ...(a.cacheDir ? { cacheDir: a.cacheDir } : {}),
        ...(a.searches?.length ? { searches: savedSearchEntries(a.searches) } : {}),
      })),
      folderCursor: 0,
      listCursor: 0,
      listTop: 0,
      loading: [],
    });
  }

  get state(): UiState {
    return this.store.getState();
  }

  get stopped(): boolean {
    return this.life.stopped;
  }

  stop(): void {
    this.life.stopped = true;
  }

  track<T>(label: string, p: Promise<T>): Promise<T> {
    this.loadingCounts.set(label, (this.loadingCounts.get(label) ?? 0) + 1);
    this.publishLoading();
    const done = () => {
      const n = (this.loadingCounts.get(label) ?? 1) - 1;
      if (n <= 0) this.loadingCounts.delete(label);
      else this.loadingCounts.set(label, n);
      this.publishLoading();
    };
    p.then(done, done);
    return p;
  }

  private publishLoading(): void {
    if (!this.stopped) this.post({ type: 'loadingChanged', labels: [...this.loadingCounts.keys()] });
  }

  // Shorthands for the status-line results every effect posts.
  fail(err: unknown, context?: string): void {
    if (this.stopped) return;
    this.post({ type: 'failed', error: (context ? `${context}: ` : '') + errorText(err) });
  }

  notify(info: string): void {
    this.post({ type: 'noted', info });
  }

  /** A note that leads with where it happened; its full sentence waits in the help screen. */
  note(n: Note): void {
    this.post({ type: 'notedWhere', note: n });
  }

  updateAccount(id: AccountId, patch: Partial<AccountEntry>): void {
    this.post({ type: 'accountUpdated', account: id, patch });
  }

  /** How account `id` is opened (config name = id; the local cache slot is added at runtime). */
  slot(id: AccountId | undefined): AccountSlot | undefined {
    return this.opts.accounts.find((a) => a.name === id);
  }

  /** The compose layer numbers accounts as config.json lists them (the local cache comes after). */
  composeIndex(id: AccountId): number {
    return this.opts.accounts.findIndex((a) => a.name === id);
  }

  composeAccount(i: number): AccountId {
    return this.opts.accounts[i]?.name ?? '';
  }

  /** The first configured account: the one whose INBOX the first screen shows. */
  get firstAccount(): AccountId | undefined {
    return this.opts.accounts[0]?.name;
  }
}
