// Collapsed threads in the thread view, as list geometry: a collapsed thread is one row (its
// root), so list positions (what the cursor and the screen count) and folder positions (what the
// backend's windows hold) differ by the rows hidden above. Pure: state in, numbers out.
import type { CollapsedThread, UiState } from './types.js';

type ListState = Pick<UiState, 'current' | 'search' | 'threads' | 'collapsed'>;

/** The collapsed threads that apply to the list now (thread view of that folder, no limit), by position. */
export function activeCollapsed(s: ListState): CollapsedThread[] {
  const c = s.collapsed;
  if (!c || !s.threads || s.search || !s.current || c.account !== s.current.account || c.path !== s.current.path) return [];
  return c.threads;
}

/** Rows hidden by collapsed threads. */
export function hiddenRows(s: ListState): number {
  return activeCollapsed(s).reduce((n, t) => n + t.uids.length - 1, 0);
}

/** The folder position shown at list position `pos`. */
export function folderPos(s: ListState, pos: number): number {
  let hidden = 0;
  for (const t of activeCollapsed(s)) {
    if (t.pos - hidden >= pos) break;
    hidden += t.uids.length - 1;
  }
  return pos + hidden;
}

/** The list position of folder position `fpos` (a hidden row: its thread's row). */
export function listPos(s: ListState, fpos: number): number {
  let hidden = 0;
  for (const t of activeCollapsed(s)) {
    if (t.pos >= fpos) break;
    if (fpos < t.pos + t.uids.length) return t.pos - hidden;
    hidden += t.uids.length - 1;
  }
  return fpos - hidden;
}

/** The collapsed thread shown at list position `pos`, if that row is one. */
export function collapsedAt(s: ListState, pos: number): CollapsedThread | undefined {
  const f = folderPos(s, pos);
  return activeCollapsed(s).find((t) => t.pos === f);
}

/** `threads` with `t` added, kept in position order. */
export function withCollapsed(threads: readonly CollapsedThread[], t: CollapsedThread): CollapsedThread[] {
  return [...threads.filter((x) => x.pos !== t.pos), t].sort((a, b) => a.pos - b.pos);
}
