// Everything the UI does, without drawing anything: key handling, background fetches, optimistic
// flag updates, live updates. Components subscribe to `store`; tests drive a controller directly.
// Rule: no method awaits the network before returning to the input loop — work is started in
// the background and its result comes back later as a message (messages.ts `Result`).
// This file keeps the lifecycle, the key dispatch and `commit`, the one write of the store; each
// concern lives in a module of its own (plain functions over the shared ControllerContext).
import type { MessageSummary } from '../../domain/index.js';
import { actionFor, type MainAction } from '../keys/bindings.js';
import { connectAccount, gateLogins } from './account-connect.js';
import { onAccountEvent, poll } from './account-events.js';
import { startSave } from './attachment-save.js';
import { startCompose } from './compose-actions.js';
import { ControllerContext } from './controller-context.js';
import type { ControllerOptions, KeyInput } from './controller-options.js';
import { ensureVisible, openFolder } from './folder-loading.js';
import { folderRows } from './folder-rows.js';
import { computeLayout } from './layout.js';
import { listCount, pageSize, rowAt } from './list-geometry.js';
import { toggleFlag, withTarget } from './message-actions.js';
import { openJumpPicker } from './folder-picker.js';
import { askCreateFolder, askDeleteFolder, askRenameFolder, toggleSubscription } from './folder-ops.js';
import { askPipe, openUrlPicker, startOpenAttachment, viewHtml } from './handoff-actions.js';
import { askDeleteSet, openFolderPicker, toggleFlagOnSet, withTargets } from './bulk-actions.js';
import { jumpThread, jumpUnread, stepMessage } from './jump-actions.js';
import { askTagQuery, taggedCount, toggleTag, untagAll } from './tag-actions.js';
import { undoLast } from './undo-actions.js';
import type { Effect, Msg } from './messages.js';
import { askSwitchMode, showLocalCache, switchMode } from './mode-switch-actions.js';
import { handleOverlayKey } from './overlay-keys.js';
import { closeLoadingReader, openMessageAtCursor, openPending } from './reader-actions.js';
import { reduce, type Step } from './reducer.js';
import { reduceResult } from './reducer/results.js';
import { toggleRawSource } from './raw-source-actions.js';
import { askPassword } from './password-prompt.js';
import { changeOrder } from './sort-and-threads.js';
import { openSavedSearch } from './saved-search-open.js';
import { collapsedRow, toggleAllThreads, toggleThread } from './thread-collapse-actions.js';
import { onCollapsed } from './bulk-actions.js';
import type { Store } from './store.js';
import { syncAccount, syncCurrent } from './sync-actions.js';
import { cancelAllChecks } from './periodic-check.js';
import { watchTrace } from './trace-watch.js';
import type { UiState } from './types.js';
import type { WindowCache } from './window-cache.js';
import type { AccountId } from './types.js';
import { accountEntry } from './folder-rows.js';

export type { AccountSlot, ControllerOptions, KeyInput, ModeSwitcher } from './controller-options.js';
export { errorText } from './error-text.js';

export class UiController {
  readonly store: Store<UiState>;
  readonly cache: WindowCache;
  private readonly ctx: ControllerContext;

  constructor(opts: ControllerOptions) {
    this.ctx = new ControllerContext(opts, (msg) => this.onMessage(msg));
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
    const configured = ctx.opts.accounts.map((a) => a.name);
    if (ctx.opts.loginAfterFirstFrame) gateLogins(ctx);
    configured.forEach((id, i) => void connectAccount(ctx, id, i === 0));
    for (const id of configured) showLocalCache(ctx, id);
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
    const first = this.ctx.firstAccount;
    return (first !== undefined && this.ctx.startup.peeks.get(first)) || Promise.resolve(false);
  }

  /**
   * Settles once account 0's login is on its way (a cold start: connect() called, its protocol
   * library loaded) or held until the first frame (a warm start), or after `boundMs`. The UI
   * loads its own heavy modules after this, so the server works while they load.
   */
  loginStarted(boundMs = 1_000): Promise<void> {
    return this.firstAccountBounded((first) => this.ctx.startup.loginStarted(first), boundMs);
  }

  /**
   * Settles once account 0's login is through (or held, or failed), or after `boundMs`. On a
   * nearby server that is a few round trips: the UI loads its heavy modules after it, while the
   * server opens the INBOX, instead of each login step waiting behind the modules' code.
   */
  loginThrough(boundMs = 300): Promise<void> {
    return this.firstAccountBounded((first) => this.ctx.startup.loginThrough(first), boundMs);
  }

  private firstAccountBounded(wait: (first: AccountId) => Promise<void>, boundMs: number): Promise<void> {
    const first = this.ctx.firstAccount;
    if (first === undefined) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((r) => (timer = setTimeout(r, boundMs)));
    return Promise.race([wait(first), bound]).finally(() => clearTimeout(timer));
  }

  /** The first frame is on the terminal: held logins may start (loginAfterFirstFrame). */
  drawn(): void {
    this.ctx.startup.drawn();
  }

  async stop(): Promise<void> {
    const ctx = this.ctx;
    ctx.stop();
    for (const t of ctx.timers) clearInterval(t);
    cancelAllChecks(ctx);
    for (const u of ctx.unsubscribers) u();
    await Promise.allSettled([...ctx.backends.values()].map((a) => a.close()));
  }

  /** Shows `label` among the status bar's "loading" items until `p` settles. */
  track<T>(label: string, p: Promise<T>): Promise<T> {
    return this.ctx.track(label, p);
  }

  setSize(cols: number, rows: number): void {
    this.ctx.post({ type: 'resized', cols, rows });
  }

  syncAccount(i: AccountId): Promise<void> {
    return syncAccount(this.ctx, i);
  }

  /** Selects a folder: the list shows placeholders at once, data arrives in the background. */
  openFolder(account: AccountId, path: string): void {
    openFolder(this.ctx, account, path);
  }

  /** Re-reads counts and the visible windows: not every backend pushes changes. */
  poll(): void {
    poll(this.ctx);
  }

  pageSize(): number {
    return pageSize(this.state);
  }

  listCount(): number {
    return listCount(this.state);
  }

  /** The summary shown at list position `pos`, if it has been fetched. */
  rowAt(pos: number): MessageSummary | undefined {
    return rowAt(this.state, this.cache, pos);
  }

  /** The collapsed thread drawn at list position `pos` (its size, some of it unread), if any. */
  collapsedAt(pos: number): { size: number; unread: boolean } | undefined {
    return collapsedRow(this.ctx, pos);
  }

  openMessageAtCursor(): void {
    openMessageAtCursor(this.ctx);
  }

  /** Switches account i between IMAP and POP3 (see mode-switch-actions.ts). */
  switchMode(i: AccountId, target: 'imap' | 'pop3', leaveOnServer: boolean): Promise<void> {
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

  /** What effects post back (messages.ts): results of background work, intents by name. */
  private onMessage(msg: Msg): void {
    const ctx = this.ctx;
    switch (msg.type) {
      case 'intent':
        return this.perform(msg.action);
      case 'accountEvent':
        return onAccountEvent(ctx, msg.account, msg.event);
      case 'syncAccount':
        return void syncAccount(ctx, msg.account, false, msg.background);
      case 'rowsArrived':
        return openPending(ctx, msg.account, msg.path);
      default:
        // A result: what happened, turned into state by the pure reducer (reducer/results.ts).
        return this.commit(reduceResult(this.state, msg));
    }
  }

  /** The one place the store is written: a reducer step's state, then the effects it asks for. */
  private commit(step: Step): void {
    if (step.state !== this.state) this.store.set(step.state);
    for (const e of step.effects) this.runEffect(e);
  }

  private runEffect(effect: Effect): void {
    switch (effect.type) {
      case 'ensureVisible':
        return ensureVisible(this.ctx);
    }
  }

  /**
   * One key-table action: the pure ones through the reducer (reducer.ts), the rest to the effect
   * module that owns them.
   */
  perform(action: MainAction): void {
    const ctx = this.ctx;
    // Redrawing or suspending changes nothing on screen: the last note stays.
    if (action === 'redraw') return ctx.opts.terminal?.redraw();
    if (action === 'suspend') return ctx.opts.terminal?.suspend();
    if (this.state.info || this.state.error) ctx.post({ type: 'noteCleared' });
    // `;` applies the next action to the tagged messages (only that one action).
    const useTags = !!this.state.tagPrefix;
    if (useTags) ctx.post({ type: 'tagPrefixSet', on: false });
    if (action === 'tagPrefix') {
      const n = taggedCount(this.state);
      if (n === 0) return ctx.notify('No message tagged (x tags, X tags by query)');
      ctx.post({ type: 'tagPrefixSet', on: true });
      return ctx.notify(`;  apply to ${n} tagged: N read/unread, f flag, d delete, m move, C copy`);
    }
    const step = reduce(this.state, action, { loader: ctx.opts.loader, traceAdded: ctx.opts.trace?.added ?? 0 });
    if (step) return this.commit(step);
    const s = this.state;
    switch (action) {
      case 'quit':
        return ctx.opts.onQuit();
      case 'compose':
      case 'reply':
      case 'replyAll':
      case 'forward':
      case 'editDraft':
        return startCompose(ctx, action);
      case 'switchMode':
        return askSwitchMode(ctx);
      case 'sync':
        return syncCurrent(ctx);
      case 'sortOrder':
      case 'threadView':
        return changeOrder(ctx, action);
      case 'open':
        if (s.focus === 'folders') return this.openFolderRow();
        return openMessageAtCursor(ctx);
      case 'back':
        return closeLoadingReader(ctx);
      case 'saveAttachment':
        return startSave(ctx);
      case 'rawSource':
        return toggleRawSource(ctx);
      case 'password':
        return askPassword(ctx);
      case 'toggleFlag':
        if (useTags || onCollapsed(s)) return withTargets(ctx, true, (t) => toggleFlagOnSet(ctx, t, '\\Flagged'));
        return withTarget(ctx, (t) => toggleFlag(ctx, t, '\\Flagged'));
      case 'toggleRead':
        if (useTags || onCollapsed(s)) return withTargets(ctx, true, (t) => toggleFlagOnSet(ctx, t, '\\Seen'));
        return withTarget(ctx, (t) => toggleFlag(ctx, t, '\\Seen'));
      case 'delete':
        if (s.focus === 'folders') return askDeleteFolder(ctx);
        return withTargets(ctx, useTags, (t) => askDeleteSet(ctx, t));
      case 'move':
        return withTargets(ctx, useTags, (t) => openFolderPicker(ctx, t, 'move'));
      case 'copy':
        return withTargets(ctx, useTags, (t) => openFolderPicker(ctx, t, 'copy'));
      case 'jumpFolder':
        return openJumpPicker(ctx);
      case 'openAttachment':
        return startOpenAttachment(ctx);
      case 'viewHtml':
        return viewHtml(ctx);
      case 'openUrl':
        return openUrlPicker(ctx);
      case 'pipe':
        return askPipe(ctx);
      case 'createFolder':
        return askCreateFolder(ctx);
      case 'renameFolder':
        return askRenameFolder(ctx);
      case 'subscribeFolder':
        return toggleSubscription(ctx);
      case 'tag':
        return toggleTag(ctx);
      case 'tagQuery':
        return askTagQuery(ctx);
      case 'untagAll':
        return untagAll(ctx);
      case 'undo':
        return undoLast(ctx);
      case 'nextUnread':
      case 'prevUnread':
        return jumpUnread(ctx, action === 'nextUnread' ? 1 : -1);
      case 'nextThread':
      case 'prevThread':
        return jumpThread(ctx, action === 'nextThread' ? 1 : -1);
      case 'nextMessage':
      case 'prevMessage':
        return stepMessage(ctx, action === 'nextMessage' ? 1 : -1);
      case 'toggleThread':
        return toggleThread(ctx);
      case 'toggleAllThreads':
        return toggleAllThreads(ctx);
      default:
        return;
    }
  }

  /** Enter in the folder pane: opens the folder, or logs in again on an account row that failed. */
  private openFolderRow(): void {
    const ctx = this.ctx;
    const row = folderRows(this.state)[this.state.folderCursor];
    if (!row) return;
    if (row.kind === 'account') {
      const a = accountEntry(this.state, row.account);
      if (a && (a.status === 'error' || a.status === 'idle')) void connectAccount(ctx, row.account, false);
      return;
    }
    if (row.kind === 'search') return openSavedSearch(ctx, row.account, row.search ?? 0);
    if (!row.folder?.selectable) return ctx.notify('This folder only contains other folders');
    openFolder(ctx, row.account, row.folder.path);
    ctx.post({ type: 'focusMoved', pane: 'list' });
  }
}

export { computeLayout };
