// `z` collapses the thread under the cursor to one row (its root, with the count and an unread
// mark) or expands it again; `Z` expands every collapsed thread, or collapses all the threads
// whose rows are loaded. Needs the thread view (`v`). An action on a collapsed row applies to
// the whole thread (bulk-actions.ts withTargets).
import type { ControllerContext } from './controller-context.js';
import { activeCollapsed, collapsedAt, folderPos, listPos, withCollapsed } from './collapsed-threads.js';
import { ensureVisible, fetchWindow, scrollListTo } from './folder-loading.js';
import { folderKey, WINDOW_SIZE } from './window-cache.js';
import type { CollapsedThread } from './types.js';

const unseen = (flags: readonly string[]) => !flags.includes('\\Seen');

/**
 * The thread around folder position `at` from the fetched rows: its root (depth 0) and every
 * reply up to the next root. 'loading' when a row it needs is not fetched (with `fetch`, its
 * window is asked for).
 */
function threadAround(ctx: ControllerContext, at: number, fetch = true): CollapsedThread | 'loading' | undefined {
  const cur = ctx.state.current!;
  const key = folderKey(cur.account, cur.path);
  const row = (p: number) => {
    const m = ctx.cache.freshAt(key, p);
    if (!m && fetch && ctx.cache.missing(key, p, p + 1).length > 0) void fetchWindow(ctx, cur.account, cur.path, Math.floor(p / WINDOW_SIZE));
    return m;
  };
  let root = at;
  for (;;) {
    const m = row(root);
    if (!m) return 'loading';
    if ((m.threadDepth ?? 0) === 0) break;
    if (root === 0) break;
    root--;
  }
  const members = [row(root)!];
  for (let p = root + 1; p < cur.total; p++) {
    const m = row(p);
    if (!m) return 'loading';
    if ((m.threadDepth ?? 0) === 0) break;
    members.push(m);
  }
  return { pos: root, uids: members.map((m) => m.uid), unread: members.some((m) => unseen(m.flags)) };
}

function inThreadView(ctx: ControllerContext): boolean {
  const s = ctx.state;
  if (!s.current?.opened) {
    ctx.notify('Open a folder first');
    return false;
  }
  if (!s.threads || s.search) {
    ctx.notify('Threads collapse in the thread view (v)');
    return false;
  }
  return true;
}

function setCollapsed(ctx: ControllerContext, threads: CollapsedThread[]): void {
  const cur = ctx.state.current!;
  ctx.post({ type: 'threadsCollapsed', collapsed: threads.length ? { account: cur.account, path: cur.path, threads } : undefined });
}

export function toggleThread(ctx: ControllerContext): void {
  if (!inThreadView(ctx)) return;
  const s = ctx.state;
  const open = collapsedAt(s, s.listCursor);
  if (open) {
    setCollapsed(
      ctx,
      activeCollapsed(s).filter((t) => t !== open),
    );
    ensureVisible(ctx);
    return ctx.notify(`Thread expanded: ${open.uids.length} messages`);
  }
  const t = threadAround(ctx, folderPos(s, s.listCursor));
  if (t === 'loading') return ctx.notify('The thread is still loading, press again');
  if (!t || t.uids.length < 2) return ctx.notify('This thread has one message: nothing to collapse');
  setCollapsed(ctx, withCollapsed(activeCollapsed(s), t));
  scrollListTo(ctx, listPos(ctx.state, t.pos));
  ctx.notify(`Thread collapsed: ${t.uids.length} messages in one row; an action on it applies to all ${t.uids.length} (z expands)`);
}

/** `Z`: expands all when some are collapsed; else collapses every thread whose rows are loaded. */
export function toggleAllThreads(ctx: ControllerContext): void {
  if (!inThreadView(ctx)) return;
  const s = ctx.state;
  const cur = s.current!;
  if (activeCollapsed(s).length > 0) {
    const cursorAt = folderPos(s, s.listCursor);
    setCollapsed(ctx, []);
    scrollListTo(ctx, cursorAt);
    return ctx.notify('All threads expanded');
  }
  const key = folderKey(cur.account, cur.path);
  const threads: CollapsedThread[] = [];
  let p = 0;
  let partial = false;
  // Every loaded window is looked at; a thread reaching into rows not loaded stays as it is.
  while (p < cur.total) {
    if (!ctx.cache.freshAt(key, p)) {
      partial = true;
      p = (Math.floor(p / WINDOW_SIZE) + 1) * WINDOW_SIZE;
      continue;
    }
    const t = threadAround(ctx, p, false);
    if (t === 'loading' || !t) {
      partial = true;
      p++;
      continue;
    }
    if (t.uids.length > 1) threads.push(t);
    p = t.pos + t.uids.length;
  }
  if (threads.length === 0) return ctx.notify(partial ? 'The threads are still loading, press again' : 'No thread has more than one message');
  const cursorAt = folderPos(s, s.listCursor);
  setCollapsed(ctx, threads);
  scrollListTo(ctx, listPos(ctx.state, cursorAt));
  ctx.notify(`Collapsed ${threads.length} threads${partial ? ' (those loaded so far)' : ''}; Z expands them all`);
}

/** For the list's row: the collapsed thread at list position `pos` with its size and whether some of it is unread. */
export function collapsedRow(ctx: ControllerContext, pos: number): { size: number; unread: boolean } | undefined {
  const s = ctx.state;
  const t = collapsedAt(s, pos);
  if (!t) return undefined;
  const key = folderKey(s.current!.account, s.current!.path);
  const flags = t.uids.map((u) => ctx.cache.byUid(key, u)?.flags);
  const known = flags.every((f) => f !== undefined);
  return { size: t.uids.length, unread: known ? flags.some((f) => unseen(f!)) : t.unread };
}
