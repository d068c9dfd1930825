// Opening folders and filling the message list: windows of summaries fetched around the
// visible rows, search rows fetched by UID.
import { sanitizeLine } from '../../text/sanitize.js';
import { folderTitle } from './folder-rows.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { pageSize } from './list-geometry.js';
import { listOrder } from './list-order.js';
import { folderPos } from './collapsed-threads.js';
import { folderKey, WINDOW_SIZE } from './window-cache.js';
import type { AccountId } from './types.js';

/** Selects a folder: the list shows placeholders at once, data arrives in the background. */
export function openFolder(ctx: ControllerContext, account: AccountId, path: string): Promise<void> {
  ctx.post({ type: 'folderOpening', account, path });
  return loadFolder(ctx, account, path, false);
}

export function reopenCurrent(ctx: ControllerContext): void {
  const cur = ctx.state.current;
  if (cur) void loadFolder(ctx, cur.account, cur.path, true);
}

export async function loadFolder(ctx: ControllerContext, account: AccountId, path: string, keepPosition: boolean): Promise<void> {
  const key = folderKey(account, path);
  try {
    const acc = await backendFor(ctx, account);
    // A folder opened afresh: its first rows are what the user waits for, the unread count follows.
    const opened = await ctx.track(`opening ${sanitizeLine(folderTitle(ctx.state, account, path))}…`, acc.openFolder(path, { unreadLater: !keepPosition }));
    const cur = ctx.state.current;
    if (!cur || cur.account !== account || cur.path !== path) return;
    const delta = opened.total - cur.total;
    // Anything cached may be at a different position now (or have a different UID).
    if (opened.uidValidityChanged || !keepPosition) ctx.cache.invalidate(key);
    else if (delta !== 0) ctx.cache.markStale(key);
    // The reducer moves the cursor with new mail and fetches the rows now in view.
    // Not counted yet: the count shown so far (the folder list's) stays until countUnread answers.
    const unread = opened.unread ?? cur.unread;
    ctx.post({ type: 'folderOpened', account, path, total: opened.total, unread, keepPosition, uidValidityChanged: opened.uidValidityChanged });
    // A folder opened afresh: the caller's next commands (the count, the folder list after a
    // login) go to the server after its first rows (asked for by the reducer's ensureVisible).
    if (!keepPosition) await Promise.all(windowsInFlight(ctx, key));
    if (opened.unread === undefined && acc.countUnread) await countUnread(ctx, account, path, acc.countUnread.bind(acc));
  } catch (err) {
    ctx.fail(err, sanitizeLine(folderTitle(ctx.state, account, path)));
  }
}

/** The open folder's unread count, unless the user has moved on to another folder meanwhile. */
async function countUnread(ctx: ControllerContext, account: AccountId, path: string, count: (path: string) => Promise<number>): Promise<void> {
  const isCurrent = () => ctx.state.current?.account === account && ctx.state.current.path === path;
  if (!isCurrent()) return;
  const unread = await count(path);
  if (isCurrent()) ctx.post({ type: 'unreadCounted', account, path, unread });
}

export function updateFolderCounts(ctx: ControllerContext, account: AccountId, path: string, total: number, unread: number): void {
  ctx.post({ type: 'folderCounted', account, path, total, unread });
}

/** Moves the list cursor (the top row follows) and fetches what comes into view. */
export function scrollListTo(ctx: ControllerContext, cursor: number): void {
  ctx.post({ type: 'listScrolled', cursor });
}

/** Requests the windows around the visible rows that are not cached yet. */
export function ensureVisible(ctx: ControllerContext): void {
  void requestVisible(ctx);
}

/** ensureVisible, giving the fetches it started (each settles, failures are reported by it). */
function requestVisible(ctx: ControllerContext): Promise<void>[] {
  const s = ctx.state;
  const cur = s.current;
  if (!cur || !cur.opened) return [];
  const key = folderKey(cur.account, cur.path);
  const page = pageSize(s);
  if (s.search) {
    return [ensureSearchRows(ctx, cur.account, cur.path, s.search.uids.slice(s.listTop, s.listTop + page))];
  }
  // Windows of another order are at other positions: a folder's cache holds one order at a time.
  const order = listOrder(s);
  // Windows stored by other paths (the warm start's cached screen) are in arrival order.
  if ((ctx.cachedOrder.get(key) ?? 'arrival') !== order) {
    ctx.cache.invalidate(key);
    ctx.cachedOrder.set(key, order);
  }
  // Folder positions: collapsed threads above hide rows the windows still hold.
  const from = Math.max(0, folderPos(s, s.listTop) - page);
  const to = Math.min(cur.total, folderPos(s, s.listTop + page) + page);
  return ctx.cache.missing(key, from, to).map((w) => fetchWindow(ctx, cur.account, cur.path, w));
}

/** The window fetches under way, per folder key: a caller may wait for the first rows. */
const inFlight = new WeakMap<ControllerContext, Map<string, Set<Promise<void>>>>();

function windowsInFlight(ctx: ControllerContext, key: string): Promise<void>[] {
  return [...(inFlight.get(ctx)?.get(key) ?? [])];
}

function trackWindow(ctx: ControllerContext, key: string, p: Promise<void>): Promise<void> {
  let byKey = inFlight.get(ctx);
  if (!byKey) inFlight.set(ctx, (byKey = new Map()));
  let set = byKey.get(key);
  if (!set) byKey.set(key, (set = new Set()));
  set.add(p);
  void p.finally(() => set.delete(p));
  return p;
}

export function fetchWindow(ctx: ControllerContext, account: AccountId, path: string, w: number, label = 'messages…'): Promise<void> {
  const key = folderKey(account, path);
  return trackWindow(ctx, key, fetchWindowNow(ctx, account, path, w, label));
}

async function fetchWindowNow(ctx: ControllerContext, account: AccountId, path: string, w: number, label: string): Promise<void> {
  const key = folderKey(account, path);
  const gen = ctx.cache.begin(key, w);
  try {
    const acc = await backendFor(ctx, account);
    const rows = await ctx.track(label, acc.fetchWindow(path, w * WINDOW_SIZE, WINDOW_SIZE, listOrder(ctx.state)));
    if (ctx.cache.store(key, w, gen, rows)) {
      ctx.post({ type: 'rowsArrived', account, path });
    }
  } catch (err) {
    ctx.cache.fail(key, w, gen);
    ctx.fail(err);
  }
}

export async function ensureSearchRows(ctx: ControllerContext, account: AccountId, path: string, uids: number[]): Promise<void> {
  const key = folderKey(account, path);
  const missing = uids.filter((u) => !ctx.cache.byUid(key, u));
  if (missing.length === 0) return;
  try {
    const acc = await backendFor(ctx, account);
    const rows = await ctx.track('search results…', acc.fetchSummaries(path, missing));
    ctx.cache.putByUid(key, rows);
  } catch (err) {
    ctx.fail(err);
  }
}
