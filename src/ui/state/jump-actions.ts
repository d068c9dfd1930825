// Jumps: next/previous unread (on to the next folder with unread mail at the end), next/previous
// thread in the thread view, J/K to the next/previous message (opening it when reading). Unread
// mail is found anywhere in the folder, not only in fetched rows: the backend gives every unread
// position at once (IMAP SEARCH UNSEEN), and the jump fetches the window it lands in.
import { sanitizeLine } from '../../text/sanitize.js';
import type { ControllerContext } from './controller-context.js';
import { backendFor } from './backends.js';
import { fetchWindow, openFolder, scrollListTo } from './folder-loading.js';
import { listOrder } from './list-order.js';
import { folderRows, folderTitle } from './folder-rows.js';
import { listCount, rowAt } from './list-geometry.js';
import { openMessageAtCursor } from './reader-actions.js';
import { folderKey, WINDOW_SIZE } from './window-cache.js';

/** Puts the cursor on `pos`; while reading, the reader follows. */
function goTo(ctx: ControllerContext, pos: number): void {
  const reading = ctx.state.focus === 'reader' && !!ctx.state.reader;
  scrollListTo(ctx, pos);
  if (reading) openMessageAtCursor(ctx);
}

export function stepMessage(ctx: ControllerContext, delta: 1 | -1): void {
  const s = ctx.state;
  if (!s.current) return ctx.notify('Open a folder first');
  const to = s.listCursor + delta;
  if (to < 0 || to >= listCount(s)) return ctx.notify(delta > 0 ? 'No next message' : 'No previous message');
  goTo(ctx, to);
}

/**
 * The nearest row in `delta`'s direction that `want` accepts, looking at fetched rows. A row not
 * fetched yet stops the look (its window is requested), so a jump never skips unseen mail. The
 * look starts after `from` (the cursor unless told).
 */
function scan(ctx: ControllerContext, delta: 1 | -1, want: (pos: number) => boolean, from = ctx.state.listCursor): number | 'loading' | undefined {
  const s = ctx.state;
  const cur = s.current!;
  const count = listCount(s);
  for (let p = from + delta; p >= 0 && p < count; p += delta) {
    if (!rowAt(s, ctx.cache, p)) {
      if (!s.search) void fetchWindow(ctx, cur.account, cur.path, Math.floor(p / WINDOW_SIZE));
      return 'loading';
    }
    if (want(p)) return p;
  }
  return undefined;
}

/** Per controller and folder+order: the unread positions the backend gave, and for which folder state. */
const unreadCache = new WeakMap<ControllerContext, Map<string, { stamp: string; positions: number[] }>>();

/**
 * Every unread position of the folder on screen in the list's order: one search on the server
 * (or the local store), kept while the folder's total and unread counts stay the same — any
 * change (new mail, a flag set here or reported by the server) asks again.
 */
async function unreadPositions(ctx: ControllerContext): Promise<number[] | undefined> {
  const cur = ctx.state.current;
  if (!cur) return undefined;
  const acc = await backendFor(ctx, cur.account);
  if (!acc.unreadPositions) return undefined;
  const order = listOrder(ctx.state);
  let byFolder = unreadCache.get(ctx);
  if (!byFolder) unreadCache.set(ctx, (byFolder = new Map()));
  const key = `${folderKey(cur.account, cur.path)}\u0000${order}`;
  const stamp = `${cur.total}:${cur.unread}`;
  const hit = byFolder.get(key);
  if (hit && hit.stamp === stamp) return hit.positions;
  const positions = await ctx.track('looking for unread mail…', acc.unreadPositions(cur.path, order));
  byFolder.set(key, { stamp, positions });
  return positions;
}

/** The nearest position in `delta`'s direction that is unread, by the fetched row when there is one. */
function nearest(ctx: ControllerContext, positions: readonly number[], from: number, delta: 1 | -1): number | undefined {
  const seenNow = (p: number) => rowAt(ctx.state, ctx.cache, p)?.flags.includes('\\Seen') === true;
  const list = delta > 0 ? positions : [...positions].reverse();
  return list.find((p) => (delta > 0 ? p > from : p < from) && p < listCount(ctx.state) && !seenNow(p));
}

export function jumpUnread(ctx: ControllerContext, delta: 1 | -1): void {
  const s = ctx.state;
  const cur = s.current;
  if (!cur) return ctx.notify('Open a folder first');
  // A search lists its own UIDs: look at its rows. A folder asks the backend for every unread position.
  if (s.search) return jumpUnreadInRows(ctx, delta);
  const from = s.listCursor;
  void (async () => {
    try {
      const positions = await unreadPositions(ctx);
      if (positions === undefined) return jumpUnreadInRows(ctx, delta);
      const now = ctx.state.current;
      if (!now || now.account !== cur.account || now.path !== cur.path) return;
      const found = nearest(ctx, positions, from, delta);
      if (found !== undefined) return goTo(ctx, found);
      if (delta < 0) return ctx.notify('No unread message above');
      await nextFolderWithUnread(ctx);
    } catch (err) {
      ctx.fail(err, 'Could not look for unread mail');
    }
  })();
}

/** Without the backend's help (a search view): the fetched rows, loading the next window when needed. */
function jumpUnreadInRows(ctx: ControllerContext, delta: 1 | -1): void {
  const unread = (p: number) => !rowAt(ctx.state, ctx.cache, p)!.flags.includes('\\Seen');
  const found = scan(ctx, delta, unread);
  if (found === 'loading') return ctx.notify('Looking further: messages are still loading, press again');
  if (found !== undefined) return goTo(ctx, found);
  if (delta < 0) return ctx.notify('No unread message above');
  void nextFolderWithUnread(ctx);
}

/** At the end of a folder: the next folder (in the folder pane's order) with unread mail, at its first unread message. */
async function nextFolderWithUnread(ctx: ControllerContext): Promise<void> {
  const s = ctx.state;
  const cur = s.current!;
  const rows = folderRows(s).filter((r) => r.folder?.selectable);
  const here = rows.findIndex((r) => r.account === cur.account && r.folder?.path === cur.path);
  const next = [...rows.slice(here + 1), ...rows.slice(0, Math.max(0, here))].find((r) => (r.folder?.unread ?? 0) > 0);
  if (!next?.folder) return ctx.notify('No more unread mail');
  const title = sanitizeLine(folderTitle(ctx.state, next.account, next.folder.path));
  await openFolder(ctx, next.account, next.folder.path);
  ctx.post({ type: 'focusMoved', pane: 'list' });
  const opened = ctx.state.current;
  if (!opened || opened.account !== next.account || opened.path !== next.folder.path) return;
  const positions = await unreadPositions(ctx).catch(() => undefined);
  const first = positions ? nearest(ctx, positions, -1, 1) : undefined;
  if (first !== undefined) scrollListTo(ctx, first);
  ctx.notify(`No more unread here: opened ${title} (${opened.unread} unread; n goes on)`);
}

export function jumpThread(ctx: ControllerContext, delta: 1 | -1): void {
  const s = ctx.state;
  if (!s.current) return ctx.notify('Open a folder first');
  if (!s.threads || s.search) return ctx.notify('Threads show in the thread view (v)');
  const root = (p: number) => (rowAt(ctx.state, ctx.cache, p)!.threadDepth ?? 0) === 0;
  if (delta < 0) {
    // The previous thread's root: first back to this thread's root, then one root further.
    const own = root(s.listCursor) ? s.listCursor : undefined;
    const first = scan(ctx, -1, root);
    if (first === 'loading') return ctx.notify('Messages are still loading, press again');
    if (first === undefined) return ctx.notify('No previous thread');
    if (own === undefined) {
      // The cursor was inside a thread: its root is `first`; the previous thread is before it.
      const before = scan(ctx, -1, root, first);
      if (before === 'loading') return ctx.notify('Messages are still loading, press again');
      return goTo(ctx, before ?? first);
    }
    return goTo(ctx, first);
  }
  const found = scan(ctx, 1, root);
  if (found === 'loading') return ctx.notify('Messages are still loading, press again');
  if (found === undefined) return ctx.notify('No next thread');
  goTo(ctx, found);
}
