// Everything the UI does, without drawing anything: key handling, background fetches, optimistic
// flag updates, live updates. Components subscribe to `store`; tests drive a controller directly.
// Rule: no method awaits the network before returning to the input loop — work is started in
// the background and its result lands in the store later.
// This file keeps the lifecycle and the key dispatch; each concern lives in a module of its own
// (plain functions over the shared ControllerContext).
import type { MessageSummary } from '../../domain/index.js';
import { actionFor, type Action } from '../keys/bindings.js';
import { connectAccount, gateLogins } from './account-connect.js';
import { poll } from './account-events.js';
import { startCompose } from './compose-actions.js';
import { ControllerContext } from './controller-context.js';
import type { ControllerOptions, KeyInput } from './controller-options.js';
import { openFolder } from './folder-loading.js';
import { computeLayout } from './layout.js';
import { cyclePane, folderAction, listAction, listCount, pageSize, rowAt, scrollListTo } from './list-navigation.js';
import { askSwitchMode, showLocalCache, switchMode } from './mode-switch-actions.js';
import { handleOverlayKey } from './overlay-keys.js';
import { clampReader, openMessageAtCursor, readerAction } from './reader-actions.js';
import { changeOrder } from './sort-and-threads.js';
import type { Store } from './store.js';
import { syncAccount, syncCurrent } from './sync-actions.js';
import { watchTrace } from './trace-watch.js';
import type { UiState } from './types.js';
import type { WindowCache } from './window-cache.js';

export type { AccountSlot, ControllerOptions, KeyInput, ModeSwitcher } from './controller-options.js';
export { errorText } from './error-text.js';

export class UiController {
  readonly store: Store<UiState>;
  readonly cache: WindowCache;
  private readonly ctx: ControllerContext;

  constructor(opts: ControllerOptions) {
    this.ctx = new ControllerContext(opts);
    this.ctx.perform = (action) => this.perform(action);
    this.store = this.ctx.store;
    this.cache = this.ctx.cache;
  }

  /** Whether the first-run screen can start the demo with `d`. */
  get offersDemo(): boolean {
    return this.ctx.opts.onDemo !== undefined;
  }

  get state(): UiState {
    return this.store.getState();
  }

  /** Connects every account in the background and opens the first account's INBOX. */
  start(): void {
    const ctx = this.ctx;
    watchTrace(ctx);
    const configured = ctx.opts.accounts.length;
    if (ctx.opts.loginAfterFirstFrame) gateLogins(ctx);
    ctx.opts.accounts.forEach((_, i) => void connectAccount(ctx, i, i === 0));
    for (let i = 0; i < configured; i++) showLocalCache(ctx, i);
    if (ctx.opts.pollMs && ctx.opts.pollMs > 0) {
      const t = setInterval(() => poll(ctx), ctx.opts.pollMs);
      t.unref();
      ctx.timers.push(t);
    }
  }

  /**
   * Settles once the first screen's content is known: account 0's INBOX from its header cache
   * (true) or nothing cached (false). The UI draws its first frame after this.
   */
  firstScreen(): Promise<boolean> {
    return this.ctx.peeks.get(0) ?? Promise.resolve(false);
  }

  /** The first frame is on the terminal: held logins may start (loginAfterFirstFrame). */
  drawn(): void {
    this.ctx.drawn();
  }

  async stop(): Promise<void> {
    const ctx = this.ctx;
    ctx.stopped = true;
    for (const t of ctx.timers) clearInterval(t);
    for (const u of ctx.unsubscribers) u();
    await Promise.allSettled(ctx.backends.map((a) => a?.close()));
  }

  /** Shows `label` among the status bar's "loading" items until `p` settles. */
  track<T>(label: string, p: Promise<T>): Promise<T> {
    return this.ctx.track(label, p);
  }

  setSize(cols: number, rows: number): void {
    this.store.set({ cols, rows });
    scrollListTo(this.ctx, this.state.listCursor);
  }

  syncAccount(i: number): Promise<void> {
    return syncAccount(this.ctx, i);
  }

  /** Selects a folder: the list shows placeholders at once, data arrives in the background. */
  openFolder(account: number, path: string): void {
    openFolder(this.ctx, account, path);
  }

  /** Re-reads counts and the visible windows: not every backend pushes changes. */
  poll(): void {
    poll(this.ctx);
  }

  pageSize(): number {
    return pageSize(this.ctx);
  }

  listCount(): number {
    return listCount(this.ctx);
  }

  /** The summary shown at list position `pos`, if it has been fetched. */
  rowAt(pos: number): MessageSummary | undefined {
    return rowAt(this.ctx, pos);
  }

  openMessageAtCursor(): void {
    openMessageAtCursor(this.ctx);
  }

  /** Switches account i between IMAP and POP3 (see mode-switch-actions.ts). */
  switchMode(i: number, target: 'imap' | 'pop3', leaveOnServer: boolean): Promise<void> {
    return switchMode(this.ctx, i, target, leaveOnServer);
  }

  // ---- input ------------------------------------------------------------------------------

  handleKey(input: KeyInput): void {
    const opts = this.ctx.opts;
    if (opts.onDemo && this.state.accounts.length === 0 && input.text === 'd') return opts.onDemo();
    // The terminal's own keys work everywhere, dialogs and prompts included.
    const terminalAction = actionFor(opts.keys, input.spec);
    if (terminalAction === 'suspend' || terminalAction === 'redraw') return this.perform(terminalAction);
    const overlay = this.state.overlay;
    if (overlay) {
      handleOverlayKey(this.ctx, overlay, input);
      return;
    }
    const action = actionFor(opts.keys, input.spec);
    if (action) this.perform(action);
  }

  /** Ctrl-C: cancels an open prompt or dialog (as Esc does); with none open, quits. */
  interrupt(): void {
    if (this.state.overlay) this.handleKey({ spec: 'esc', text: '' });
    else this.perform('quit');
  }

  perform(action: Action): void {
    const ctx = this.ctx;
    const s = this.state;
    // Redrawing or suspending changes nothing on screen: the last note stays.
    if (action === 'redraw') return ctx.opts.terminal?.redraw();
    if (action === 'suspend') return ctx.opts.terminal?.suspend();
    if (s.info || s.error) this.store.set({ info: undefined });
    switch (action) {
      case 'quit':
        ctx.opts.onQuit();
        return;
      case 'toggleFolders':
        this.store.set({ foldersHidden: !s.foldersHidden });
        return;
      case 'help':
        this.store.set({ overlay: { kind: 'help', scroll: 0 } });
        return;
      case 'trace':
        // A pane, not a screen: the mail stays usable while the conversation scrolls by below it.
        this.store.set({ tracePane: s.tracePane ? undefined : { all: false, version: ctx.opts.trace?.added ?? 0 } });
        scrollListTo(ctx, this.state.listCursor);
        clampReader(ctx);
        return;
      case 'traceZoom':
        this.store.set({ overlay: { kind: 'trace', scroll: 0, all: s.tracePane?.all ?? false, version: ctx.opts.trace?.added ?? 0 } });
        return;
      case 'command':
        this.store.set({ overlay: { kind: 'prompt', purpose: 'command', label: ':', value: '' } });
        return;
      case 'search':
        if (!s.current) return ctx.notify('Open a folder first');
        this.store.set({ overlay: { kind: 'prompt', purpose: 'search', label: 'Search: ', value: s.search?.query ?? '' } });
        return;
      case 'compose':
      case 'reply':
      case 'replyAll':
      case 'forward':
      case 'editDraft':
        return startCompose(ctx, action);
      case 'nextPane':
        return cyclePane(ctx);
      case 'switchMode':
        return askSwitchMode(ctx);
      case 'sync':
        return syncCurrent(ctx);
      case 'sortOrder':
      case 'threadView':
        return changeOrder(ctx, action);
      default:
        break;
    }
    if (s.focus === 'folders') return folderAction(ctx, action);
    if (s.focus === 'reader' && s.reader) return readerAction(ctx, action);
    return listAction(ctx, action);
  }
}

export { computeLayout };
