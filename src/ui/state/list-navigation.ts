// Cursor movement in the folder pane and the message list, and the list geometry.
import type { MessageSummary } from '../../domain/index.js';
import type { Action } from '../keys/bindings.js';
import { connectAccount } from './account-connect.js';
import type { ControllerContext } from './controller-context.js';
import { ensureVisible, openFolder } from './folder-loading.js';
import { folderRows } from './folder-rows.js';
import { listPageSize, panesRows } from './layout.js';
import { askDelete, openMovePicker, toggleFlag, withTarget } from './message-actions.js';
import { openMessageAtCursor, readerAction } from './reader-actions.js';
import type { Pane } from './types.js';
import { folderKey } from './window-cache.js';

export function pageSize(ctx: ControllerContext): number {
  const s = ctx.state;
  return listPageSize(s.cols, panesRows(s.rows, !!s.tracePane), s.focus, !!s.reader);
}

export function listCount(ctx: ControllerContext): number {
  const s = ctx.state;
  return s.search ? s.search.uids.length : (s.current?.total ?? 0);
}

/** The summary shown at list position `pos`, if it has been fetched. */
export function rowAt(ctx: ControllerContext, pos: number): MessageSummary | undefined {
  const s = ctx.state;
  const cur = s.current;
  if (!cur) return undefined;
  const key = folderKey(cur.account, cur.path);
  if (s.search) {
    const uid = s.search.uids[pos];
    return uid === undefined ? undefined : ctx.cache.byUid(key, uid);
  }
  return ctx.cache.at(key, pos);
}

export function scrollListTo(ctx: ControllerContext, cursor: number): void {
  const count = listCount(ctx);
  const page = pageSize(ctx);
  const c = Math.max(0, Math.min(cursor, count - 1));
  let top = ctx.state.listTop;
  if (c < top) top = c;
  if (c >= top + page) top = c - page + 1;
  top = Math.max(0, Math.min(top, Math.max(0, count - page)));
  ctx.store.set({ listCursor: c, listTop: top });
  ensureVisible(ctx);
}

export function pageList(ctx: ControllerContext, delta: number): void {
  const count = listCount(ctx);
  const page = pageSize(ctx);
  const top = Math.max(0, Math.min(ctx.state.listTop + delta, Math.max(0, count - page)));
  ctx.store.set({ listTop: top });
  scrollListTo(ctx, Math.max(0, Math.min(ctx.state.listCursor + delta, count - 1)));
}

export function cyclePane(ctx: ControllerContext): void {
  const s = ctx.state;
  const order: Pane[] = s.reader ? ['folders', 'list', 'reader'] : ['folders', 'list'];
  const next = order[(order.indexOf(s.focus) + 1) % order.length]!;
  ctx.store.set({ focus: next });
}

export function folderAction(ctx: ControllerContext, action: Action): void {
  const rows = folderRows(ctx.state);
  const page = Math.max(1, panesRows(ctx.state.rows, !!ctx.state.tracePane) - 4);
  const move = (to: number) => ctx.store.set({ folderCursor: Math.max(0, Math.min(rows.length - 1, to)) });
  const c = ctx.state.folderCursor;
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
        const a = ctx.state.accounts[row.account];
        if (a && (a.status === 'error' || a.status === 'idle')) void connectAccount(ctx, row.account, false);
        return;
      }
      if (!row.folder?.selectable) return ctx.notify('This folder only contains other folders');
      openFolder(ctx, row.account, row.folder.path);
      ctx.store.set({ focus: 'list' });
      return;
    }
    default:
      return;
  }
}

export function listAction(ctx: ControllerContext, action: Action): void {
  const c = ctx.state.listCursor;
  const page = pageSize(ctx);
  switch (action) {
    case 'down': return scrollListTo(ctx, c + 1);
    case 'up': return scrollListTo(ctx, c - 1);
    case 'top': return scrollListTo(ctx, 0);
    case 'bottom': return scrollListTo(ctx, listCount(ctx) - 1);
    case 'pageDown': return pageList(ctx, page);
    case 'pageUp': return pageList(ctx, -page);
    case 'halfPageDown': return pageList(ctx, Math.floor(page / 2));
    case 'halfPageUp': return pageList(ctx, -Math.floor(page / 2));
    case 'open': return openMessageAtCursor(ctx);
    case 'back':
      if (ctx.state.search) {
        ctx.store.set({ search: undefined, listCursor: 0, listTop: 0 });
        ensureVisible(ctx);
        return;
      }
      ctx.store.set({ focus: 'folders' });
      return;
    case 'toggleFlag': return withTarget(ctx, (t) => toggleFlag(ctx, t, '\\Flagged'));
    case 'toggleRead': return withTarget(ctx, (t) => toggleFlag(ctx, t, '\\Seen'));
    case 'delete': return withTarget(ctx, (t) => askDelete(ctx, t));
    case 'move': return withTarget(ctx, (t) => openMovePicker(ctx, t));
    case 'fullHeaders':
    case 'saveAttachment':
      if (ctx.state.reader) return readerAction(ctx, action);
      return ctx.notify('Open a message first');
    default:
      return;
  }
}
