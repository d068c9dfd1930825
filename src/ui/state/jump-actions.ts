// Jumps: next/previous unread (on to the next folder with unread mail at the end), next/previous
// thread in the thread view, J/K to the next/previous message (opening it when reading).
import { sanitizeLine } from '../../text/sanitize.js';
import type { ControllerContext } from './controller-context.js';
import { fetchWindow, openFolder, scrollListTo } from './folder-loading.js';
import { folderRows, folderTitle } from './folder-rows.js';
import { listCount, rowAt } from './list-geometry.js';
import { openMessageAtCursor } from './reader-actions.js';
import { WINDOW_SIZE } from './window-cache.js';

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
 * fetched yet stops the look (its window is requested), so a jump never skips unseen mail.
 */
function scan(ctx: ControllerContext, delta: 1 | -1, want: (pos: number) => boolean): number | 'loading' | undefined {
  const s = ctx.state;
  const cur = s.current!;
  const count = listCount(s);
  for (let p = s.listCursor + delta; p >= 0 && p < count; p += delta) {
    if (!rowAt(s, ctx.cache, p)) {
      if (!s.search) void fetchWindow(ctx, cur.account, cur.path, Math.floor(p / WINDOW_SIZE));
      return 'loading';
    }
    if (want(p)) return p;
  }
  return undefined;
}

export function jumpUnread(ctx: ControllerContext, delta: 1 | -1): void {
  const s = ctx.state;
  const cur = s.current;
  if (!cur) return ctx.notify('Open a folder first');
  const unread = (p: number) => !rowAt(ctx.state, ctx.cache, p)!.flags.includes('\\Seen');
  const found = scan(ctx, delta, unread);
  if (found === 'loading') return ctx.notify('Looking further: messages are still loading, press again');
  if (found !== undefined) return goTo(ctx, found);
  if (delta < 0) return ctx.notify('No unread message above');
  // On to the next folder (in the folder pane's order) that has unread mail.
  const rows = folderRows(s).filter((r) => r.folder?.selectable);
  const here = rows.findIndex((r) => r.account === cur.account && r.folder?.path === cur.path);
  const next = [...rows.slice(here + 1), ...rows.slice(0, Math.max(0, here))].find((r) => (r.folder?.unread ?? 0) > 0);
  if (!next?.folder) return ctx.notify('No more unread mail');
  openFolder(ctx, next.account, next.folder.path);
  ctx.store.set({ focus: 'list' });
  ctx.notify(`No more unread here: opened ${sanitizeLine(folderTitle(ctx.state, next.account, next.folder.path))} (${next.folder.unread} unread; n goes on)`);
  // Its first unread message comes up once the rows are in: `n` from the top finds it.
  ctx.store.set({ listCursor: 0, listTop: 0 });
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
      const save = ctx.state.listCursor;
      ctx.store.set({ listCursor: first });
      const before = scan(ctx, -1, root);
      ctx.store.set({ listCursor: save });
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
