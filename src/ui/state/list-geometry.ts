// The message list's geometry, computed from state alone: how many rows, how many fit, where the
// cursor and the top row go after a move. Pure: the reducer and the effects both use it.
import type { MessageSummary } from '../../domain/index.js';
import { listPageSize, panesRows } from './layout.js';
import { folderPos, hiddenRows } from './collapsed-threads.js';
import type { UiState } from './types.js';
import { folderKey, type WindowCache } from './window-cache.js';

export function pageSize(s: UiState): number {
  return listPageSize(s.cols, panesRows(s.rows, !!s.tracePane), s.focus, !!s.reader);
}

export function listCount(s: UiState): number {
  return s.search ? s.search.uids.length : Math.max(0, (s.current?.total ?? 0) - hiddenRows(s));
}

/** The summary shown at list position `pos`, if it has been fetched. */
export function rowAt(s: UiState, cache: WindowCache, pos: number): MessageSummary | undefined {
  const cur = s.current;
  if (!cur) return undefined;
  const key = folderKey(cur.account, cur.path);
  if (s.search) {
    const uid = s.search.uids[pos];
    return uid === undefined ? undefined : cache.byUid(key, uid);
  }
  return cache.at(key, folderPos(s, pos));
}

/** Like rowAt, but not a row drawn from a stale window (it may have moved): what an action applies to. */
export function actionRowAt(s: UiState, cache: WindowCache, pos: number): MessageSummary | undefined {
  const cur = s.current;
  if (!cur || s.search) return rowAt(s, cache, pos);
  return cache.freshAt(folderKey(cur.account, cur.path), folderPos(s, pos));
}

/** The cursor on `cursor` (clamped), the top row moved just enough to show it. */
export function scrolledTo(s: UiState, cursor: number): Pick<UiState, 'listCursor' | 'listTop'> {
  const count = listCount(s);
  const page = pageSize(s);
  const c = Math.max(0, Math.min(cursor, count - 1));
  let top = s.listTop;
  if (c < top) top = c;
  if (c >= top + page) top = c - page + 1;
  top = Math.max(0, Math.min(top, Math.max(0, count - page)));
  return { listCursor: c, listTop: top };
}

/** A page move: the top row and the cursor both move by `delta`. */
export function paged(s: UiState, delta: number): Pick<UiState, 'listCursor' | 'listTop'> {
  const count = listCount(s);
  const page = pageSize(s);
  const top = Math.max(0, Math.min(s.listTop + delta, Math.max(0, count - page)));
  return scrolledTo({ ...s, listTop: top }, Math.max(0, Math.min(s.listCursor + delta, count - 1)));
}

/** Rows the folder pane moves by on a page key. */
export function folderPage(s: UiState): number {
  return Math.max(1, panesRows(s.rows, !!s.tracePane) - 4);
}
