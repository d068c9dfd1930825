// Everything the UI does, without drawing anything: key handling, background fetches, optimistic
// flag updates, live updates. Components subscribe to `store`; tests drive a controller directly.
// Rule: no method awaits the network before returning to the input loop — work is started in
// the background and its result lands in the store later.
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountEvent, Flag, MailAccount, MessageSummary } from '../../accounts/account.js';
import { sanitizeLine } from '../../mime/sanitize.js';
import { actionFor, type Action, type KeyTable } from '../keys/bindings.js';
import type { MessageLoader } from '../message-loader.js';
import { folderRows } from './folder-rows.js';
import { computeLayout, listPageSize, panesRows, readerTextHeight, readerTextWidth } from './layout.js';
import { Store } from './store.js';
import type { Overlay, Pane, UiState } from './types.js';
import { folderKey, WindowCache, WINDOW_SIZE } from './window-cache.js';
import { readerLines } from './reader-lines.js';
import { listOrder, nextSort, orderNote } from './list-order.js';
import type { TraceBuffer } from '../../trace/buffer.js';
import { flagNote, locationWords, openNote, type Note } from './model-words.js';
import type { ComposeFlow, ComposeHost } from '../../compose/ui-flow.js';

export interface AccountSlot {
  name: string;
  protocol: 'imap' | 'pop3';
  /** Creates the backend on first use (imports imapflow/node-pop3 lazily). */
  create: () => Promise<MailAccount>;
  /** Switching IMAP <-> POP3 from the UI; without it the key explains the CLI command. */
  mode?: ModeSwitcher;
  /** The account's POP3 cache (Maildir), home shortened to ~, for the status bar. */
  cacheDir?: string;
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
  /** POP3 accounts download when connected (default); the demo leaves that to the user's `$`. */
  syncOnConnect?: boolean;
  /** With no account configured, `d` on the first-run screen starts `tmail --demo` instead. */
  onDemo?: () => void;
  /** Compose/reply/forward support (editor, SMTP); without it those keys explain they are unavailable. */
  compose?: ComposeHost;
}

export interface KeyInput {
  /** Key spec from keySpec(): 'j', 'C-d', 'enter', 'esc'… */
  spec: string;
  /** Printable text typed (for prompts); '' for special keys. */
  text: string;
}

const MAX_ERROR = 300;

export function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const line = sanitizeLine(msg).trim() || 'unknown error';
  return line.length > MAX_ERROR ? line.slice(0, MAX_ERROR) + '…' : line;
}

function defaultDownloadDir(): string {
  const d = join(homedir(), 'Downloads');
  return existsSync(d) ? d : process.cwd();
}

export class UiController {
  readonly store: Store<UiState>;
  readonly cache = new WindowCache();
  private accounts: (MailAccount | undefined)[];
  private unsubscribers: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];
  private loadingCounts = new Map<string, number>();
  private stopped = false;
  private readerGeneration = 0;
  private composeFlow?: ComposeFlow;
  private readonly offEvents = new Map<number, () => void>();
  private readonly creating = new Map<number, Promise<MailAccount>>();
  /** Folder shown from the header cache before the login completed (see showCachedInbox). */
  private warmStart: string | undefined;

  constructor(private readonly opts: ControllerOptions) {
    // Our own list: a local-cache group is appended at runtime.
    this.opts = { ...opts, accounts: [...opts.accounts] };
    this.accounts = opts.accounts.map(() => undefined);
    this.store = new Store<UiState>({
      cols: opts.cols,
      rows: opts.rows,
      focus: 'list',
      accounts: opts.accounts.map((a) => ({ name: a.name, protocol: a.protocol, status: 'idle', folders: [], ...(a.cacheDir ? { cacheDir: a.cacheDir } : {}) })),
      folderCursor: 0,
      listCursor: 0,
      listTop: 0,
      loading: [],
      cacheVersion: 0,
    });
  }

  private traceTimer: NodeJS.Timeout | undefined;
  /** The list order each folder's cached windows were fetched in. */
  private readonly cachedOrder = new Map<string, string>();

  /** Redraws an open trace pane or view when lines arrive, at most ~10 times a second. */
  private watchTrace(): void {
    const trace = this.opts.trace;
    if (!trace) return;
    this.unsubscribers.push(
      trace.subscribe(() => {
        if (this.traceTimer || this.stopped || (this.state.overlay?.kind !== 'trace' && !this.state.tracePane)) return;
        this.traceTimer = setTimeout(() => {
          this.traceTimer = undefined;
          if (this.stopped) return;
          const o = this.state.overlay;
          const pane = this.state.tracePane;
          this.store.set({
            ...(o?.kind === 'trace' ? { overlay: { ...o, version: trace.added } } : {}),
            ...(pane ? { tracePane: { ...pane, version: trace.added } } : {}),
          });
        }, 100);
        this.traceTimer.unref();
      }),
    );
  }

  /** Whether the first-run screen can start the demo with `d`. */
  get offersDemo(): boolean {
    return this.opts.onDemo !== undefined;
  }

  get state(): UiState {
    return this.store.getState();
  }

  /** Connects every account in the background and opens the first account's INBOX. */
  start(): void {
    this.watchTrace();
    const configured = this.opts.accounts.length;
    this.opts.accounts.forEach((_, i) => void this.connectAccount(i, i === 0));
    for (let i = 0; i < configured; i++) this.showLocalCache(i);
    if (this.opts.pollMs && this.opts.pollMs > 0) {
      const t = setInterval(() => this.poll(), this.opts.pollMs);
      t.unref();
      this.timers.push(t);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const u of this.unsubscribers) u();
    await Promise.allSettled(this.accounts.map((a) => a?.close()));
  }

  setSize(cols: number, rows: number): void {
    this.store.set({ cols, rows });
    this.scrollListTo(this.state.listCursor);
  }

  // ---- background work -------------------------------------------------------------------

  private track<T>(label: string, p: Promise<T>): Promise<T> {
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
    if (!this.stopped) this.store.set({ loading: [...this.loadingCounts.keys()] });
  }

  private fail(err: unknown, context?: string): void {
    if (this.stopped) return;
    this.store.set({ error: (context ? `${context}: ` : '') + errorText(err), info: undefined });
  }

  private notify(info: string): void {
    this.store.set({ info, error: undefined });
  }

  /** A note that leads with where it happened; its full sentence waits in the help screen. */
  private note(n: Note): void {
    this.store.set({ info: n.short, error: undefined, lastNote: { short: n.short, full: n.full } });
  }

  private updateAccount(i: number, patch: Partial<UiState['accounts'][number]>): void {
    this.store.set((s) => ({ accounts: s.accounts.map((a, j) => (j === i ? { ...a, ...patch } : a)) }));
  }

  private account(i: number): Promise<MailAccount> {
    const existing = this.accounts[i];
    if (existing) return Promise.resolve(existing);
    // Callers that ask at the same time (warm start + connect) share one backend: two would each
    // hold a connection, and the one that logged in might not be the one asked to list folders.
    let pending = this.creating.get(i);
    if (!pending) {
      const created = this.createBackend(i);
      pending = created;
      this.creating.set(i, created);
      const settled = () => {
        if (this.creating.get(i) === created) this.creating.delete(i);
      };
      created.then(settled, settled);
    }
    return pending;
  }

  private async createBackend(i: number): Promise<MailAccount> {
    const slot = this.opts.accounts[i];
    if (!slot) throw new Error('no such account');
    const acc = await slot.create();
    this.accounts[i] = acc;
    // A backend replaced by a mode switch may still report (e.g. its close): ignore it then.
    const off = acc.onEvent((e) => {
      if (this.accounts[i] === acc) this.onAccountEvent(i, e);
    });
    this.unsubscribers.push(off);
    this.offEvents.set(i, off);
    return acc;
  }

  private async connectAccount(i: number, openInbox: boolean): Promise<void> {
    const slot = this.opts.accounts[i]!;
    this.updateAccount(i, { status: 'connecting', error: undefined });
    if (openInbox) void this.showCachedInbox(i);
    try {
      const acc = await this.track(`connecting to ${slot.name}…`, (async () => {
        const a = await this.account(i);
        await a.connect();
        return a;
      })());
      this.updateAccount(i, { status: 'connected' });
      await this.refreshFolders(i);
      const warm = this.state.current;
      if (openInbox && warm?.account === i && this.warmStart === warm.path) {
        // The cached first screen is up: open the folder on the server, keeping what is shown.
        const rowIndex = folderRows(this.state).findIndex((r) => r.account === i && r.folder?.path === warm.path);
        if (rowIndex >= 0) this.store.set({ folderCursor: rowIndex });
        void this.loadFolder(i, warm.path, true);
      } else if (openInbox && !this.state.current) this.openInitialFolder(i);
      this.warmStart = undefined;
      if (acc.sync && this.opts.syncOnConnect !== false) void this.syncAccount(i);
    } catch (err) {
      this.updateAccount(i, { status: 'error', error: errorText(err) });
      this.fail(err, slot.name);
    }
  }

  /** Warm start: the INBOX from the backend's header cache, drawn while the login is under way. */
  private async showCachedInbox(i: number): Promise<void> {
    try {
      const acc = await this.account(i);
      const peeked = await acc.peekCachedFolder?.('INBOX', WINDOW_SIZE);
      if (!peeked || this.state.current || this.stopped) return;
      const key = folderKey(i, 'INBOX');
      this.cache.invalidate(key);
      this.cache.store(key, 0, this.cache.begin(key, 0), peeked.newest);
      this.warmStart = 'INBOX';
      const { total, unread } = peeked.folder;
      this.store.set({ current: { account: i, path: 'INBOX', total, unread, opened: true }, listCursor: 0, listTop: 0 });
      this.bump();
    } catch {
      // Only a head start: the normal open follows the login.
    }
  }

  private openInitialFolder(i: number): void {
    const folders = this.state.accounts[i]?.folders ?? [];
    const inbox = folders.find((f) => f.specialUse === 'inbox' || f.path.toUpperCase() === 'INBOX') ?? folders[0];
    if (!inbox) return;
    const rowIndex = folderRows(this.state).findIndex((r) => r.account === i && r.folder?.path === inbox.path);
    if (rowIndex >= 0) this.store.set({ folderCursor: rowIndex });
    this.openFolder(i, inbox.path);
  }

  private async refreshFolders(i: number): Promise<void> {
    const acc = await this.account(i);
    const folders = await this.track('folders…', acc.listFolders());
    this.updateAccount(i, { folders });
    const cur = this.state.current;
    if (cur?.account === i && cur.opened) {
      const f = folders.find((x) => x.path === cur.path);
      if (f && f.total !== cur.total) this.reopenCurrent();
    }
  }

  async syncAccount(i: number): Promise<void> {
    const acc = await this.account(i);
    if (!acc.sync) return;
    if (this.state.accounts[i]?.sync) return this.notify('Already downloading');
    this.updateAccount(i, { sync: { done: 0, total: 0, bytes: 0 } });
    try {
      const result = await this.track(
        `downloading ${this.opts.accounts[i]!.name}…`,
        acc.sync((p) => this.updateAccount(i, { sync: { done: p.done, total: p.total, bytes: p.bytes } })),
      );
      // What POP3 did on the server too: that is the model's difference the user should see.
      this.notify(
        `${this.opts.accounts[i]!.name}: ${result.downloaded} new message(s) downloaded · ` +
          `${result.deletedOnServer} deleted on the server · server keeps ${result.keptOnServer}`,
      );
      this.updateAccount(i, { keptOnServer: result.keptOnServer });
      await this.refreshFolders(i);
    } catch (err) {
      this.fail(err, `${this.opts.accounts[i]!.name} download`);
    } finally {
      this.updateAccount(i, { sync: undefined });
    }
  }

  /** Selects a folder: the list shows placeholders at once, data arrives in the background. */
  openFolder(account: number, path: string): void {
    const info = this.state.accounts[account]?.folders.find((f) => f.path === path);
    this.store.set({
      current: { account, path, total: info?.total ?? 0, unread: info?.unread ?? 0, opened: false },
      listCursor: 0,
      listTop: 0,
      search: undefined,
      reader: undefined,
    });
    void this.loadFolder(account, path, false);
  }

  private reopenCurrent(): void {
    const cur = this.state.current;
    if (cur) void this.loadFolder(cur.account, cur.path, true);
  }

  private async loadFolder(account: number, path: string, keepPosition: boolean): Promise<void> {
    const key = folderKey(account, path);
    try {
      const acc = await this.account(account);
      const opened = await this.track(`opening ${sanitizeLine(path)}…`, acc.openFolder(path));
      const cur = this.state.current;
      if (!cur || cur.account !== account || cur.path !== path) return;
      const delta = opened.total - cur.total;
      // Anything cached may be at a different position now (or have a different UID).
      if (opened.uidValidityChanged || !keepPosition || delta !== 0) this.cache.invalidate(key);
      const patch: Partial<UiState> = {
        current: { ...cur, total: opened.total, unread: opened.unread, opened: true },
      };
      // New mail appears at the top: keep the same message under the cursor (in the orders where
      // new mail does go to the top).
      const topFirst = ['arrival', 'date'].includes(listOrder(this.state));
      if (keepPosition && delta > 0 && this.state.listCursor > 0 && !this.state.search && topFirst) {
        patch.listCursor = this.state.listCursor + delta;
        patch.listTop = this.state.listTop + delta;
      }
      this.store.set(patch);
      this.scrollListTo(Math.min(this.state.listCursor, Math.max(0, opened.total - 1)));
      this.updateFolderCounts(account, path, opened.total, opened.unread);
    } catch (err) {
      this.fail(err, sanitizeLine(path));
    }
  }

  private updateFolderCounts(account: number, path: string, total: number, unread: number): void {
    const acc = this.state.accounts[account];
    if (!acc) return;
    this.updateAccount(account, {
      folders: acc.folders.map((f) => (f.path === path ? { ...f, total, unread } : f)),
    });
  }

  /** Requests the windows around the visible rows that are not cached yet. */
  private ensureVisible(): void {
    const s = this.state;
    const cur = s.current;
    if (!cur || !cur.opened) return;
    const key = folderKey(cur.account, cur.path);
    const page = this.pageSize();
    if (s.search) {
      void this.ensureSearchRows(cur.account, cur.path, s.search.uids.slice(s.listTop, s.listTop + page));
      return;
    }
    // Windows of another order are at other positions: a folder's cache holds one order at a time.
    const order = listOrder(s);
    // Windows stored by other paths (the warm start's cached screen) are in arrival order.
    if ((this.cachedOrder.get(key) ?? 'arrival') !== order) {
      this.cache.invalidate(key);
      this.cachedOrder.set(key, order);
    }
    const from = Math.max(0, s.listTop - page);
    const to = Math.min(cur.total, s.listTop + 2 * page);
    for (const w of this.cache.missing(key, from, to)) void this.fetchWindow(cur.account, cur.path, w);
  }

  private async fetchWindow(account: number, path: string, w: number, label = 'messages…'): Promise<void> {
    const key = folderKey(account, path);
    const gen = this.cache.begin(key, w);
    try {
      const acc = await this.account(account);
      const rows = await this.track(label, acc.fetchWindow(path, w * WINDOW_SIZE, WINDOW_SIZE, listOrder(this.state)));
      if (this.cache.store(key, w, gen, rows)) this.bump();
    } catch (err) {
      this.cache.fail(key, w, gen);
      this.fail(err);
    }
  }

  private async ensureSearchRows(account: number, path: string, uids: number[]): Promise<void> {
    const key = folderKey(account, path);
    const missing = uids.filter((u) => !this.cache.byUid(key, u));
    if (missing.length === 0) return;
    try {
      const acc = await this.account(account);
      const { summariesByUid } = await import('./summaries-by-uid.js');
      const rows = await this.track('search results…', summariesByUid(acc, path, missing));
      this.cache.putByUid(key, rows);
      this.bump();
    } catch (err) {
      this.fail(err);
    }
  }

  private bump(): void {
    if (!this.stopped) this.store.set((s) => ({ cacheVersion: s.cacheVersion + 1 }));
  }

  /** Re-reads counts and the visible windows: not every backend pushes changes. */
  poll(): void {
    this.state.accounts.forEach((a, i) => {
      if (a.status === 'connected') void this.refreshFolders(i).catch((err) => this.fail(err));
    });
    const cur = this.state.current;
    if (!cur?.opened || this.state.search) return;
    const key = folderKey(cur.account, cur.path);
    const first = Math.floor(this.state.listTop / WINDOW_SIZE);
    const last = Math.floor((this.state.listTop + this.pageSize()) / WINDOW_SIZE);
    for (let w = first; w <= last && w * WINDOW_SIZE < cur.total; w++) {
      if (this.cache.missing(key, w * WINDOW_SIZE, w * WINDOW_SIZE + 1).length === 0) {
        void this.fetchWindow(cur.account, cur.path, w, 'checking…');
      }
    }
  }

  private onAccountEvent(i: number, e: AccountEvent): void {
    if (this.stopped) return;
    const cur = this.state.current;
    const here = (folder: string) => cur?.account === i && cur.path === folder;
    switch (e.type) {
      case 'connection':
        this.updateAccount(i, {
          status: e.state === 'disconnected' ? (e.error ? 'error' : 'idle') : e.state,
          error: e.error ? errorText(e.error) : undefined,
        });
        if (e.error) this.fail(e.error, this.opts.accounts[i]!.name);
        break;
      case 'exists':
      case 'expunged':
        if (here(e.folder)) this.reopenCurrent();
        else void this.refreshFolders(i).catch((err) => this.fail(err));
        break;
      case 'uidvalidity':
        this.cache.invalidate(folderKey(i, e.folder));
        if (here(e.folder)) this.reopenCurrent();
        break;
      case 'flags': {
        const s = this.cache.byUid(folderKey(i, e.folder), e.uid);
        if (s) {
          s.flags = [...e.flags];
          this.bump();
        }
        break;
      }
      case 'error':
        this.fail(e.message);
        break;
    }
  }

  // ---- geometry ---------------------------------------------------------------------------

  pageSize(): number {
    const s = this.state;
    return listPageSize(s.cols, panesRows(s.rows, !!s.tracePane), s.focus, !!s.reader);
  }

  listCount(): number {
    const s = this.state;
    return s.search ? s.search.uids.length : (s.current?.total ?? 0);
  }

  /** The summary shown at list position `pos`, if it has been fetched. */
  rowAt(pos: number): MessageSummary | undefined {
    const s = this.state;
    const cur = s.current;
    if (!cur) return undefined;
    const key = folderKey(cur.account, cur.path);
    if (s.search) {
      const uid = s.search.uids[pos];
      return uid === undefined ? undefined : this.cache.byUid(key, uid);
    }
    return this.cache.at(key, pos);
  }

  private scrollListTo(cursor: number): void {
    const count = this.listCount();
    const page = this.pageSize();
    const c = Math.max(0, Math.min(cursor, count - 1));
    let top = this.state.listTop;
    if (c < top) top = c;
    if (c >= top + page) top = c - page + 1;
    top = Math.max(0, Math.min(top, Math.max(0, count - page)));
    this.store.set({ listCursor: c, listTop: top });
    this.ensureVisible();
  }

  // ---- input ------------------------------------------------------------------------------

  handleKey(input: KeyInput): void {
    if (this.opts.onDemo && this.state.accounts.length === 0 && input.text === 'd') return this.opts.onDemo();
    const overlay = this.state.overlay;
    if (overlay) {
      this.handleOverlayKey(overlay, input);
      return;
    }
    const action = actionFor(this.opts.keys, input.spec);
    if (action) this.perform(action);
  }

  perform(action: Action): void {
    const s = this.state;
    if (s.info || s.error) this.store.set({ info: undefined });
    switch (action) {
      case 'quit':
        this.opts.onQuit();
        return;
      case 'help':
        this.store.set({ overlay: { kind: 'help', scroll: 0 } });
        return;
      case 'trace':
        // A pane, not a screen: the mail stays usable while the conversation scrolls by below it.
        this.store.set({ tracePane: s.tracePane ? undefined : { all: false, version: this.opts.trace?.added ?? 0 } });
        this.scrollListTo(this.state.listCursor);
        this.clampReader();
        return;
      case 'traceZoom':
        this.store.set({ overlay: { kind: 'trace', scroll: 0, all: s.tracePane?.all ?? false, version: this.opts.trace?.added ?? 0 } });
        return;
      case 'command':
        this.store.set({ overlay: { kind: 'prompt', purpose: 'command', label: ':', value: '' } });
        return;
      case 'search':
        if (!s.current) return this.notify('Open a folder first');
        this.store.set({ overlay: { kind: 'prompt', purpose: 'search', label: 'Search: ', value: s.search?.query ?? '' } });
        return;
      case 'compose':
      case 'reply':
      case 'replyAll':
      case 'forward':
        return this.startCompose(action);
      case 'nextPane':
        return this.cyclePane();
      case 'switchMode':
        return this.askSwitchMode();
      case 'sync':
        return this.syncCurrent();
      case 'sortOrder':
      case 'threadView':
        return this.changeOrder(action);
      default:
        break;
    }
    if (s.focus === 'folders') return this.folderAction(action);
    if (s.focus === 'reader' && s.reader) return this.readerAction(action);
    return this.listAction(action);
  }

  /** `o` cycles the sort, `v` toggles threads; the list restarts at the top of the new order. */
  private changeOrder(action: 'sortOrder' | 'threadView'): void {
    const s = this.state;
    const available = (s.current ? this.accounts[s.current.account]?.capabilities.sortOrders : undefined) ?? ['arrival'];
    if (action === 'threadView') {
      if (!s.threads && !available.includes('thread')) return this.notify('No threads on this account');
      this.store.set({ threads: !s.threads });
    } else {
      // Sorting leaves the thread view: the two are one list order.
      const sort = s.threads ? (s.sort ?? 'arrival') : nextSort(s.sort ?? 'arrival', available);
      if (!s.threads && sort === (s.sort ?? 'arrival')) return this.notify('Arrival order only (no server SORT)');
      this.store.set({ sort, threads: false });
    }
    this.notify(orderNote(listOrder(this.state)));
    if (this.state.search) return;
    this.store.set({ listCursor: 0, listTop: 0 });
    this.ensureVisible();
  }

  private cyclePane(): void {
    const s = this.state;
    const order: Pane[] = s.reader ? ['folders', 'list', 'reader'] : ['folders', 'list'];
    const next = order[(order.indexOf(s.focus) + 1) % order.length]!;
    this.store.set({ focus: next });
  }

  private syncCurrent(): void {
    const i = this.state.current?.account ?? 0;
    const acc = this.accounts[i];
    if (acc?.sync) void this.syncAccount(i);
    else {
      this.poll();
      this.reopenCurrent();
      this.notify('Checking for new mail…');
    }
  }

  private folderAction(action: Action): void {
    const rows = folderRows(this.state);
    const page = Math.max(1, panesRows(this.state.rows, !!this.state.tracePane) - 4);
    const move = (to: number) => this.store.set({ folderCursor: Math.max(0, Math.min(rows.length - 1, to)) });
    const c = this.state.folderCursor;
    switch (action) {
      case 'down': return move(c + 1);
      case 'up': return move(c - 1);
      case 'top': return move(0);
      case 'bottom': return move(rows.length - 1);
      case 'pageDown': return move(c + page);
      case 'pageUp': return move(c - page);
      case 'halfPageDown': return move(c + Math.floor(page / 2));
      case 'halfPageUp': return move(c - Math.floor(page / 2));
      case 'open': {
        const row = rows[c];
        if (!row) return;
        if (row.kind === 'account') {
          const a = this.state.accounts[row.account];
          if (a && (a.status === 'error' || a.status === 'idle')) void this.connectAccount(row.account, false);
          return;
        }
        if (!row.folder?.selectable) return this.notify('This folder only contains other folders');
        this.openFolder(row.account, row.folder.path);
        this.store.set({ focus: 'list' });
        return;
      }
      default:
        return;
    }
  }

  private listAction(action: Action): void {
    const c = this.state.listCursor;
    const page = this.pageSize();
    switch (action) {
      case 'down': return this.scrollListTo(c + 1);
      case 'up': return this.scrollListTo(c - 1);
      case 'top': return this.scrollListTo(0);
      case 'bottom': return this.scrollListTo(this.listCount() - 1);
      case 'pageDown': return this.pageList(page);
      case 'pageUp': return this.pageList(-page);
      case 'halfPageDown': return this.pageList(Math.floor(page / 2));
      case 'halfPageUp': return this.pageList(-Math.floor(page / 2));
      case 'open': return this.openMessageAtCursor();
      case 'back':
        if (this.state.search) {
          this.store.set({ search: undefined, listCursor: 0, listTop: 0 });
          this.ensureVisible();
          return;
        }
        this.store.set({ focus: 'folders' });
        return;
      case 'toggleFlag': return this.withTarget((t) => this.toggleFlag(t, '\\Flagged'));
      case 'toggleRead': return this.withTarget((t) => this.toggleFlag(t, '\\Seen'));
      case 'delete': return this.withTarget((t) => this.askDelete(t));
      case 'move': return this.withTarget((t) => this.openMovePicker(t));
      case 'fullHeaders':
      case 'saveAttachment':
        if (this.state.reader) return this.readerAction(action);
        return this.notify('Open a message first');
      default:
        return;
    }
  }

  private pageList(delta: number): void {
    const count = this.listCount();
    const page = this.pageSize();
    const top = Math.max(0, Math.min(this.state.listTop + delta, Math.max(0, count - page)));
    this.store.set({ listTop: top });
    this.scrollListTo(Math.max(0, Math.min(this.state.listCursor + delta, count - 1)));
  }

  /** How far the open message can scroll with the reader pane's current height. */
  private readerMaxScroll(): number {
    const s = this.state;
    const r = s.reader;
    if (!r?.message) return 0;
    const height = readerTextHeight(s.cols, panesRows(s.rows, !!s.tracePane));
    return Math.max(0, readerLines(r.message, readerTextWidth(s.cols, s.rows), r.fullHeaders, this.opts.loader).length - height);
  }

  /** Keeps the reader's scroll in range after its pane changed height (trace pane shown/hidden). */
  private clampReader(): void {
    const r = this.state.reader;
    if (r && r.scroll > this.readerMaxScroll()) this.store.set({ reader: { ...r, scroll: this.readerMaxScroll() } });
  }

  private readerAction(action: Action): void {
    const r = this.state.reader!;
    const s = this.state;
    const height = readerTextHeight(s.cols, panesRows(s.rows, !!s.tracePane));
    const maxScroll = this.readerMaxScroll();
    const scroll = (to: number) =>
      this.store.set({ reader: { ...r, scroll: Math.max(0, Math.min(maxScroll, to)) } });
    switch (action) {
      case 'down': return scroll(r.scroll + 1);
      case 'up': return scroll(r.scroll - 1);
      case 'top': return scroll(0);
      case 'bottom': return scroll(maxScroll);
      case 'pageDown': return scroll(r.scroll + height - 1);
      case 'pageUp': return scroll(r.scroll - height + 1);
      case 'halfPageDown': return scroll(r.scroll + Math.floor(height / 2));
      case 'halfPageUp': return scroll(r.scroll - Math.floor(height / 2));
      case 'back':
        this.store.set({ focus: 'list' });
        return;
      case 'open':
        return;
      case 'fullHeaders':
        this.store.set({ reader: { ...r, fullHeaders: !r.fullHeaders, scroll: 0 } });
        return;
      case 'saveAttachment':
        return this.startSave();
      default:
        return this.listAction(action);
    }
  }

  // ---- messages -----------------------------------------------------------------------------

  /** The message an action applies to: the open one in the reader, else the one under the cursor. */
  private withTarget(fn: (t: { account: number; path: string; summary: MessageSummary }) => void): void {
    const s = this.state;
    const cur = s.current;
    if (!cur) return this.notify('Open a folder first');
    let summary: MessageSummary | undefined;
    if (s.focus === 'reader' && s.reader) {
      summary = this.cache.byUid(folderKey(s.reader.account, s.reader.path), s.reader.uid);
    } else summary = this.rowAt(s.listCursor);
    if (!summary) return this.notify('That message is still loading');
    fn({ account: cur.account, path: cur.path, summary });
  }

  openMessageAtCursor(): void {
    const s = this.state;
    const cur = s.current;
    if (!cur) return;
    const summary = this.rowAt(s.listCursor);
    if (!summary) return this.notify('That message is still loading');
    const gen = ++this.readerGeneration;
    this.store.set({
      reader: { account: cur.account, path: cur.path, uid: summary.uid, status: 'loading', scroll: 0, fullHeaders: false },
      focus: 'reader',
    });
    const protocol = this.opts.accounts[cur.account]?.protocol ?? 'imap';
    const wasUnread = !summary.flags.includes('\\Seen');
    if (wasUnread) this.setFlag({ account: cur.account, path: cur.path, summary }, '\\Seen', true, true);
    this.note(openNote(protocol, summary.location, wasUnread));
    void (async () => {
      try {
        const acc = await this.account(cur.account);
        const message = await this.track('message…', this.opts.loader.load(acc, cur.path, summary.uid));
        if (gen !== this.readerGeneration || !this.state.reader) return;
        // Set on the loaded object itself: the loader finds the source again by its identity.
        message.location = locationWords(summary.location);
        this.store.set({ reader: { ...this.state.reader, status: 'ready', message } });
      } catch (err) {
        if (gen !== this.readerGeneration || !this.state.reader) return;
        this.store.set({ reader: { ...this.state.reader, status: 'error', error: errorText(err) } });
      }
    })();
  }

  private toggleFlag(t: { account: number; path: string; summary: MessageSummary }, flag: Flag): void {
    this.setFlag(t, flag, !t.summary.flags.includes(flag));
  }

  /** Optimistic: the list changes at once; a refusal from the server rolls it back with a message. */
  private setFlag(t: { account: number; path: string; summary: MessageSummary }, flag: Flag, on: boolean, quiet = false): void {
    const { summary } = t;
    const before = summary.flags;
    if (before.includes(flag) === on) return;
    summary.flags = on ? [...before, flag] : before.filter((f) => f !== flag);
    const unreadDelta = flag === '\\Seen' ? (on ? -1 : 1) : 0;
    this.adjustUnread(t.account, t.path, unreadDelta);
    this.bump();
    void (async () => {
      try {
        const acc = await this.account(t.account);
        const op = on ? acc.addFlags(t.path, [summary.uid], [flag]) : acc.removeFlags(t.path, [summary.uid], [flag]);
        await this.track('saving flags…', op);
        if (!quiet) this.note(flagNote(this.opts.accounts[t.account]?.protocol ?? 'imap', flag, on));
      } catch (err) {
        summary.flags = before;
        this.adjustUnread(t.account, t.path, -unreadDelta);
        this.bump();
        this.fail(err, `Could not ${on ? 'set' : 'clear'} ${flag}`);
      }
    })();
  }

  private adjustUnread(account: number, path: string, delta: number): void {
    if (delta === 0) return;
    const cur = this.state.current;
    if (cur && cur.account === account && cur.path === path) {
      this.store.set({ current: { ...cur, unread: Math.max(0, cur.unread + delta) } });
    }
    const f = this.state.accounts[account]?.folders.find((x) => x.path === path);
    if (f) this.updateFolderCounts(account, path, f.total, Math.max(0, f.unread + delta));
  }

  private askDelete(t: { account: number; path: string; summary: MessageSummary }): void {
    this.store.set({
      overlay: { kind: 'confirmDelete', account: t.account, path: t.path, uid: t.summary.uid, subject: t.summary.subject },
    });
  }

  private afterRemoval(account: number, path: string, uid: number, verb: string): void {
    if (this.state.reader?.uid === uid) this.store.set({ reader: undefined, focus: 'list' });
    const search = this.state.search;
    if (search) this.store.set({ search: { ...search, uids: search.uids.filter((u) => u !== uid) } });
    this.cache.invalidate(folderKey(account, path));
    this.notify(verb);
    this.reopenCurrent();
    void this.refreshFolders(account).catch((err) => this.fail(err));
  }

  private deleteMessage(account: number, path: string, uid: number): void {
    void (async () => {
      try {
        const acc = await this.account(account);
        await this.track('deleting…', acc.deleteMessages(path, [uid]));
        const hasTrash = this.state.accounts[account]?.folders.some((f) => f.specialUse === 'trash');
        this.afterRemoval(account, path, uid, hasTrash ? 'Message deleted (moved to Trash)' : 'Message deleted');
      } catch (err) {
        this.fail(err, 'Delete failed');
      }
    })();
  }

  private openMovePicker(t: { account: number; path: string; summary: MessageSummary }): void {
    const folders = (this.state.accounts[t.account]?.folders ?? []).filter((f) => f.selectable && f.path !== t.path);
    if (folders.length === 0) return this.notify('No other folder to move to');
    this.store.set({
      overlay: {
        kind: 'picker',
        purpose: 'move',
        title: 'Move to folder',
        items: folders.map((f) => ({ label: sanitizeLine(f.path), value: f.path })),
        cursor: 0,
      },
    });
  }

  private moveMessage(destination: string): void {
    this.withTarget((t) => {
      void (async () => {
        try {
          const acc = await this.account(t.account);
          await this.track('moving…', acc.moveMessages(t.path, [t.summary.uid], destination));
          this.afterRemoval(t.account, t.path, t.summary.uid, `Moved to ${sanitizeLine(destination)}`);
        } catch (err) {
          this.fail(err, 'Move failed');
        }
      })();
    });
  }

  private startSave(): void {
    const r = this.state.reader;
    if (!r?.message) return this.notify('The message is still loading');
    const atts = r.message.attachments;
    if (atts.length === 0) return this.notify('This message has no attachments');
    if (atts.length === 1) return this.askSaveDir(0);
    this.store.set({
      overlay: {
        kind: 'picker',
        purpose: 'attachment',
        title: 'Save which attachment?',
        items: atts.map((a, i) => ({ label: `${a.filename} (${a.contentType})`, value: String(i) })),
        cursor: 0,
      },
    });
  }

  private askSaveDir(index: number): void {
    const dir = this.opts.downloadDir ?? defaultDownloadDir();
    this.store.set({
      overlay: { kind: 'prompt', purpose: 'saveDir', label: 'Save to directory: ', value: dir, attachment: index },
    });
  }

  private save(index: number, dir: string): void {
    const r = this.state.reader;
    if (!r?.message) return;
    const message = r.message;
    const target = dir.startsWith('~/') ? join(homedir(), dir.slice(2)) : dir;
    void (async () => {
      try {
        const written = await this.track('saving…', this.opts.loader.saveAttachment(message, index, target));
        this.notify(`Saved ${sanitizeLine(written)}`);
      } catch (err) {
        this.fail(err, 'Save failed');
      }
    })();
  }

  private runSearch(query: string): void {
    const cur = this.state.current;
    if (!cur) return;
    if (query.trim() === '') {
      this.store.set({ search: undefined, listCursor: 0, listTop: 0 });
      this.ensureVisible();
      return;
    }
    void (async () => {
      try {
        const acc = await this.account(cur.account);
        const uids = await this.track('searching…', acc.search(cur.path, { text: query }));
        this.store.set({ search: { query, uids }, listCursor: 0, listTop: 0, focus: 'list' });
        this.notify(`${uids.length} message(s) match "${sanitizeLine(query)}" — Esc returns to the folder`);
        this.ensureVisible();
      } catch (err) {
        this.fail(err, 'Search failed');
      }
    })();
  }

  private runCommand(line: string): void {
    const [cmd = '', ...rest] = line.trim().split(/\s+/);
    const arg = rest.join(' ');
    switch (cmd) {
      case '':
        return;
      case 'q':
      case 'quit':
        return this.opts.onQuit();
      case 'help':
        return this.perform('help');
      case 'sync':
        return this.syncCurrent();
      case 'search':
        return this.runSearch(arg);
      case 'folder':
      case 'cd': {
        const i = this.state.current?.account ?? 0;
        const f = this.state.accounts[i]?.folders.find((x) => x.path === arg || x.name === arg);
        if (!f) return this.notify(`No folder "${sanitizeLine(arg)}"`);
        this.openFolder(i, f.path);
        this.store.set({ focus: 'list' });
        return;
      }
      default:
        return this.notify(`Unknown command "${sanitizeLine(cmd)}" (try :help)`);
    }
  }

  // ---- compose ------------------------------------------------------------------------------

  private startCompose(action: 'compose' | 'reply' | 'replyAll' | 'forward'): void {
    const host = this.opts.compose;
    if (!host) return this.notify('Sending mail is not available here');
    const run = (account: number, original?: { path: string; uid: number }) => {
      void (async () => {
        const flow = await this.compose(host);
        await flow.start(action === 'compose' ? 'new' : action, account, original);
      })().catch((err) => this.fail(err));
    };
    if (action === 'compose') return run(this.state.current?.account ?? 0);
    this.withTarget((t) => run(t.account, { path: t.path, uid: t.summary.uid }));
  }

  private async compose(host: ComposeHost): Promise<ComposeFlow> {
    if (this.composeFlow) return this.composeFlow;
    const { ComposeFlow } = await import('../../compose/ui-flow.js');
    this.composeFlow = new ComposeFlow(host, {
      setView: (view) => this.store.set({ overlay: view ? { kind: 'compose', view } : undefined }),
      notify: (text) => this.notify(text),
      fail: (err, context) => this.fail(err, context),
      account: (i) => this.account(i),
      afterSend: (i, original) => {
        if (original) {
          const s = this.cache.byUid(folderKey(i, original.path), original.uid);
          if (s && !s.flags.includes('\\Answered')) {
            s.flags = [...s.flags, '\\Answered'];
            this.bump();
          }
        }
        void this.refreshFolders(i).catch((err) => this.fail(err));
      },
    });
    return this.composeFlow;
  }

  // ---- switching IMAP <-> POP3 -------------------------------------------------------------

  /** Asks before switching the account under the folder cursor (folder pane) or the current one. */
  private askSwitchMode(): void {
    const s = this.state;
    const row = s.focus === 'folders' ? folderRows(s)[s.folderCursor] : undefined;
    let i = row?.account ?? s.current?.account ?? 0;
    const owner = s.accounts[i]?.localCacheOf;
    if (owner !== undefined) i = owner;
    const slot = this.opts.accounts[i];
    if (!slot) return;
    if (!slot.mode) return this.notify('Switching is not available here; use: tmail account mode NAME pop3|imap');
    if (s.accounts[i]?.sync) return this.notify('A download is running; switch when it has finished');
    const target = slot.protocol === 'imap' ? 'pop3' : 'imap';
    const leaveOnServer = slot.mode.leaveOnServer();
    this.store.set({ overlay: { kind: 'confirmMode', account: i, target, leaveOnServer, text: slot.mode.explain(target, leaveOnServer) } });
  }

  private modeKey(o: Extract<Overlay, { kind: 'confirmMode' }>, input: KeyInput): void {
    const mode = this.opts.accounts[o.account]?.mode;
    if (!mode) return this.store.set({ overlay: undefined });
    if (input.text === 'l' || input.text === 'L') {
      if (o.target !== 'pop3') return;
      // Only adds leaveOnServer: turning a configured leaveOnServer off is a config edit, not a switch.
      const leaveOnServer = mode.leaveOnServer() || !o.leaveOnServer;
      return this.store.set({ overlay: { ...o, leaveOnServer, text: mode.explain(o.target, leaveOnServer) } });
    }
    this.store.set({ overlay: undefined });
    if (input.text === 'y' || input.text === 'Y') void this.switchMode(o.account, o.target, o.leaveOnServer);
    else this.notify('Not switched');
  }

  /**
   * Writes config.json (as `tmail account mode` does), closes the old backend and opens the new
   * one in its place; to POP3 the first sync starts at once. The POP3 cache shows as
   * "<account> · local cache" while the account uses IMAP.
   */
  async switchMode(i: number, target: 'imap' | 'pop3', leaveOnServer: boolean): Promise<void> {
    const slot = this.opts.accounts[i];
    if (!slot?.mode) return;
    const name = sanitizeLine(slot.name);
    try {
      const next = await this.track(`switching ${name} to ${target.toUpperCase()}…`, slot.mode.apply(target, leaveOnServer));
      if (target === 'pop3') await this.hideLocalCache(i);
      await this.dropAccount(i, { protocol: next.protocol });
      slot.protocol = next.protocol;
      slot.create = next.create;
      this.notify(target === 'pop3' ? `${name} now uses POP3` : `${name} now uses IMAP; mail downloaded before stays in "${name} · local cache"`);
      // The cache is local: it shows at once, whatever the server connection does.
      if (target === 'imap') this.showLocalCache(i);
      await this.connectAccount(i, true);
    } catch (err) {
      this.fail(err, `${name}: not switched`);
    }
  }

  /** Closes account i's backend and forgets everything shown of it; the slot stays. */
  private async dropAccount(i: number, patch: Partial<UiState['accounts'][number]>): Promise<void> {
    const old = this.accounts[i];
    this.accounts[i] = undefined;
    this.creating.delete(i);
    this.offEvents.get(i)?.();
    this.offEvents.delete(i);
    for (const f of this.state.accounts[i]?.folders ?? []) this.cache.invalidate(folderKey(i, f.path));
    this.updateAccount(i, { folders: [], sync: undefined, error: undefined, status: 'idle', ...patch });
    if (this.state.current?.account === i || this.state.reader?.account === i) {
      this.store.set({ current: undefined, reader: undefined, search: undefined, listCursor: 0, listTop: 0, focus: 'list' });
    }
    this.store.set({ folderCursor: Math.min(this.state.folderCursor, Math.max(0, folderRows(this.state).length - 1)) });
    await old?.close().catch(() => undefined);
  }

  /** Shows "<account> · local cache" when account `owner` uses IMAP and has a POP3 cache on disk. */
  private showLocalCache(owner: number): void {
    const slot = this.opts.accounts[owner];
    if (!slot?.mode || slot.protocol !== 'imap') return;
    const existing = this.state.accounts.findIndex((a) => a.localCacheOf === owner);
    if (existing >= 0) {
      this.updateAccount(existing, { hidden: false });
      void this.connectAccount(existing, false);
      return;
    }
    const cache = slot.mode.localCache();
    if (!cache) return;
    const j = this.opts.accounts.push(cache) - 1;
    this.accounts.push(undefined);
    this.store.set((s) => ({ accounts: [...s.accounts, { name: cache.name, protocol: cache.protocol, status: 'idle', folders: [], localCacheOf: owner, ...(cache.cacheDir ? { cacheDir: cache.cacheDir } : {}) }] }));
    void this.connectAccount(j, false);
  }

  private async hideLocalCache(owner: number): Promise<void> {
    const j = this.state.accounts.findIndex((a) => a.localCacheOf === owner);
    if (j >= 0) await this.dropAccount(j, { hidden: true });
  }

  // ---- overlays -----------------------------------------------------------------------------

  private handleOverlayKey(o: Overlay, input: KeyInput): void {
    const close = () => this.store.set({ overlay: undefined });
    switch (o.kind) {
      case 'trace': {
        const a = actionFor(this.opts.keys, input.spec);
        const page = Math.max(1, this.state.rows - 6);
        const scrollTo = (n: number) => this.store.set({ overlay: { ...o, scroll: Math.max(0, n) } });
        if (a === 'trace' || a === 'traceZoom' || a === 'quit' || a === 'back' || input.spec === 'esc') return close();
        if (a === 'up') return scrollTo(o.scroll + 1);
        if (a === 'down') return scrollTo(o.scroll - 1);
        if (a === 'pageUp' || a === 'halfPageUp') return scrollTo(o.scroll + page);
        if (a === 'pageDown' || a === 'halfPageDown') return scrollTo(o.scroll - page);
        if (a === 'bottom') return scrollTo(0);
        if (a === 'top') return scrollTo(this.opts.trace?.size ?? 0);
        if (input.text === 'a') {
          // The pane keeps the choice when the zoomed view closes.
          const pane = this.state.tracePane;
          return this.store.set({ overlay: { ...o, all: !o.all }, ...(pane ? { tracePane: { ...pane, all: !o.all } } : {}) });
        }
        return;
      }
      case 'help': {
        const a = actionFor(this.opts.keys, input.spec);
        if (a === 'down') this.store.set({ overlay: { ...o, scroll: o.scroll + 1 } });
        else if (a === 'up') this.store.set({ overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
        else close();
        return;
      }
      case 'compose':
        this.composeFlow?.handleKey(input);
        return;
      case 'confirmMode':
        return this.modeKey(o, input);
      case 'confirmDelete':
        close();
        if (input.text === 'y' || input.text === 'Y') this.deleteMessage(o.account, o.path, o.uid);
        else this.notify('Not deleted');
        return;
      case 'picker': {
        const a = actionFor(this.opts.keys, input.spec);
        if (input.spec === 'esc' || a === 'quit') return close();
        if (a === 'down') return this.store.set({ overlay: { ...o, cursor: Math.min(o.items.length - 1, o.cursor + 1) } });
        if (a === 'up') return this.store.set({ overlay: { ...o, cursor: Math.max(0, o.cursor - 1) } });
        if (input.spec === 'enter') {
          const item = o.items[o.cursor];
          close();
          if (!item) return;
          if (o.purpose === 'move') this.moveMessage(item.value);
          else this.askSaveDir(Number(item.value));
        }
        return;
      }
      case 'prompt': {
        if (input.spec === 'esc') return close();
        if (input.spec === 'enter') {
          close();
          if (o.purpose === 'search') this.runSearch(o.value);
          else if (o.purpose === 'command') this.runCommand(o.value);
          else if (o.purpose === 'saveDir' && o.attachment !== undefined) this.save(o.attachment, o.value.trim() || '.');
          return;
        }
        if (input.spec === 'backspace' || input.spec === 'delete') {
          return this.store.set({ overlay: { ...o, value: [...o.value].slice(0, -1).join('') } });
        }
        if (input.spec === 'C-u') return this.store.set({ overlay: { ...o, value: '' } });
        // Pasted or typed text; control characters never enter a prompt.
        const text = sanitizeLine(input.text);
        if (text) this.store.set({ overlay: { ...o, value: o.value + text } });
        return;
      }
    }
  }
}

export { computeLayout };
