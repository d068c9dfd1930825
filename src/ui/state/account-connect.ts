// Account backends: created once per slot, connected in the background, folder lists refreshed;
// the warm start draws the INBOX from the header cache while the login is under way.
import type { MailAccount } from '../../accounts/account.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { errorText } from './error-text.js';
import { showFailure } from './login-failure.js';
import { loadFolder, openFolder, reopenCurrent } from './folder-loading.js';
import { refreshSearchCounts } from './saved-search-counts.js';
import { folderKey, WINDOW_SIZE } from './window-cache.js';
import type { AccountId } from './types.js';
import { accountEntry } from './folder-rows.js';

export async function connectAccount(ctx: ControllerContext, i: AccountId, openInbox: boolean): Promise<void> {
  const slot = ctx.slot(i)!;
  ctx.updateAccount(i, { status: 'connecting', error: undefined });
  const cached = openInbox ? showCachedInbox(ctx, i) : Promise.resolve(false);
  if (openInbox) ctx.startup.peeks.set(i, cached);
  try {
    const acc = await ctx.track(
      `connecting to ${slot.name}…`,
      (async () => {
        if (ctx.startup.loginGate) await ctx.startup.loginGate(i);
        const a = await backendFor(ctx, i);
        // The protocol library first: connect() then reaches the network before the caller
        // (waiting in loginStarted) goes on to load the UI's modules.
        await a.preload?.();
        const connecting = a.connect();
        ctx.startup.markLoginStarted(i);
        await connecting;
        ctx.startup.markLoginThrough(i);
        return a;
      })(),
    );
    ctx.updateAccount(i, { status: 'connected' });
    // Right after this account's login, whatever the other accounts are doing: its open folder
    // goes to the server (and is reconciled there) before the folder list is even asked for.
    if (openInbox) {
      await cached;
      // Awaited: the folder list (LIST-STATUS of every folder) queues behind the SELECT.
      await openAfterLogin(ctx, i, acc);
    }
    await refreshFolders(ctx, i);
    if (openInbox && !ctx.state.current) openInitialFolder(ctx, i);
    else if (openInbox) pointFolderCursorAtCurrent(ctx, i);
    if (acc.sync && ctx.opts.syncOnConnect !== false) ctx.post({ type: 'syncAccount', account: i });
  } catch (err) {
    ctx.startup.markLoginStarted(i);
    ctx.startup.markLoginThrough(i);
    ctx.updateAccount(i, { status: 'error', error: errorText(err), warmFolder: undefined });
    showFailure(ctx, i, err);
  }
}

/**
 * The login of account i completed: the folder it shows from the header cache is opened on the
 * server, keeping what is on screen; with nothing shown yet, a server that has folders opens its
 * INBOX at once (every IMAP server has one), without waiting for the whole folder list.
 */
async function openAfterLogin(ctx: ControllerContext, i: AccountId, acc: MailAccount): Promise<void> {
  const warm = accountEntry(ctx.state, i)?.warmFolder;
  ctx.post({ type: 'warmStartEnded', account: i });
  const cur = ctx.state.current;
  if (warm !== undefined && cur?.account === i && cur.path === warm) {
    await loadFolder(ctx, i, warm, true);
  } else if (!cur && acc.capabilities.serverFolders) {
    await openFolder(ctx, i, 'INBOX');
  }
}

function pointFolderCursorAtCurrent(ctx: ControllerContext, i: AccountId): void {
  const cur = ctx.state.current;
  if (cur?.account !== i) return;
  ctx.post({ type: 'folderCursorOn', account: i, path: cur.path });
}

/** Warm start: the INBOX from the backend's header cache, drawn while the login is under way. */
export async function showCachedInbox(ctx: ControllerContext, i: AccountId): Promise<boolean> {
  try {
    const acc = await backendFor(ctx, i);
    const peeked = await acc.peekCachedFolder?.('INBOX', WINDOW_SIZE);
    if (!peeked || ctx.state.current || ctx.stopped) return false;
    const key = folderKey(i, 'INBOX');
    ctx.cache.invalidate(key);
    ctx.cache.store(key, 0, ctx.cache.begin(key, 0), peeked.newest);
    // Until this account's login confirms it, the screen is the cache's word only (warmFolder).
    const { total, unread } = peeked.folder;
    ctx.post({ type: 'cachedFolderShown', account: i, path: 'INBOX', total, unread: unread ?? 0 });
    return true;
  } catch {
    // Only a head start: the normal open follows the login.
    return false;
  }
}

/**
 * With loginAfterFirstFrame: account 0 logs in at once on a cold start, and after the cached
 * screen has been drawn on a warm one; the other accounts always after the first frame, so their
 * work does not compete with it. Bounded, should the UI never report the frame.
 */
export function gateLogins(ctx: ControllerContext, boundMs = 5_000): void {
  let release!: () => void;
  const drawn = new Promise<void>((r) => (release = r));
  ctx.startup.drawn = release;
  let timer: NodeJS.Timeout | undefined;
  const bounded = Promise.race([drawn, new Promise<void>((r) => (timer = setTimeout(r, boundMs)))]).then(() => clearTimeout(timer));
  // Evaluated when connectAccount asks, after every account's start: account 0's peek is registered by then.
  ctx.startup.loginGate = async (i) => {
    const first = ctx.firstAccount;
    if (i !== first || (await (ctx.startup.peeks.get(first) ?? Promise.resolve(false)))) {
      ctx.startup.markLoginStarted(i);
      ctx.startup.markLoginThrough(i);
      await bounded;
    }
  };
}

export function openInitialFolder(ctx: ControllerContext, i: AccountId): void {
  const folders = accountEntry(ctx.state, i)?.folders ?? [];
  const inbox = folders.find((f) => f.specialUse === 'inbox' || f.path.toUpperCase() === 'INBOX') ?? folders[0];
  if (!inbox) return;
  ctx.post({ type: 'folderCursorOn', account: i, path: inbox.path });
  openFolder(ctx, i, inbox.path);
}

export async function refreshFolders(ctx: ControllerContext, i: AccountId): Promise<void> {
  const acc = await backendFor(ctx, i);
  const folders = await ctx.track('folders…', acc.listFolders());
  ctx.post({ type: 'foldersListed', account: i, folders });
  void refreshSearchCounts(ctx, i).catch((err) => ctx.fail(err, 'Counting saved searches'));
  const cur = ctx.state.current;
  if (cur?.account === i && cur.opened) {
    const f = folders.find((x) => x.path === cur.path);
    // The folder pane and the status bar must never disagree: a different count means the
    // server changed something the open folder has not heard of yet.
    if (f && (f.total !== cur.total || f.unread !== cur.unread) && accountEntry(ctx.state, i)?.warmFolder === undefined) reopenCurrent(ctx);
  }
}
