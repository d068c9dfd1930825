// Results that change the open folder, the message list and the folder pane.
import { folderRows, accountEntry } from '../folder-rows.js';
import { scrolledTo } from '../list-geometry.js';
import { listOrder } from '../list-order.js';
import type { Effect, Result } from '../messages.js';
import type { UiState } from '../types.js';
import { countedFolder, patchAccount } from './status-results.js';

type FolderResult = Extract<
  Result,
  {
    type:
      | 'folderOpening'
      | 'folderOpened'
      | 'cachedFolderShown'
      | 'warmStartEnded'
      | 'folderGone'
      | 'listScrolled'
      | 'folderCursorOn'
      | 'folderCursorClamped'
      | 'focusMoved'
      | 'threadsCollapsed'
      | 'messageRemoved'
      | 'accountDropped'
      | 'resized';
  }
>;

// A record, not a list: the compiler checks that every type of the union is named here.
const FOLDER_RESULTS: Record<FolderResult['type'], true> = {
  folderOpening: true,
  folderOpened: true,
  cachedFolderShown: true,
  warmStartEnded: true,
  folderGone: true,
  listScrolled: true,
  folderCursorOn: true,
  folderCursorClamped: true,
  focusMoved: true,
  threadsCollapsed: true,
  messageRemoved: true,
  accountDropped: true,
  resized: true,
};

export function isFolderResult(r: Result): r is FolderResult {
  return Object.hasOwn(FOLDER_RESULTS, r.type);
}

const ENSURE: Effect[] = [{ type: 'ensureVisible' }];
const clampFolderCursor = (s: UiState): UiState => ({ ...s, folderCursor: Math.min(s.folderCursor, Math.max(0, folderRows(s).length - 1)) });

export function folderResult(s: UiState, r: FolderResult): { state: UiState; effects: Effect[] } {
  const done = (state: UiState, effects: Effect[] = []) => ({ state, effects });
  const scrolled = (t: UiState, cursor: number) => done({ ...t, ...scrolledTo(t, cursor) }, ENSURE);
  switch (r.type) {
    case 'folderOpening': {
      const info = accountEntry(s, r.account)?.folders.find((f) => f.path === r.path);
      const current = { account: r.account, path: r.path, total: info?.total ?? 0, unread: info?.unread ?? 0, opened: false };
      return done({ ...s, current, listCursor: 0, listTop: 0, search: undefined, reader: undefined, collapsed: undefined });
    }
    case 'folderOpened': {
      const cur = s.current;
      if (!cur || cur.account !== r.account || cur.path !== r.path) return done(s);
      const delta = r.total - cur.total;
      let t: UiState = { ...s, current: { ...cur, total: r.total, unread: r.unread, opened: true } };
      // Collapsed threads are held by position: mail that came or went moves them.
      if (delta !== 0 || r.uidValidityChanged) t = { ...t, collapsed: undefined };
      // New mail appears at the top: keep the same message under the cursor (in the orders where
      // new mail does go to the top).
      const topFirst = ['arrival', 'date'].includes(listOrder(s));
      if (r.keepPosition && delta > 0 && s.listCursor > 0 && !s.search && topFirst) {
        t = { ...t, listCursor: s.listCursor + delta, listTop: s.listTop + delta };
      }
      t = countedFolder(t, r.account, r.path, r.total, r.unread);
      return scrolled(t, Math.min(t.listCursor, Math.max(0, r.total - 1)));
    }
    case 'cachedFolderShown': {
      const t = patchAccount(s, r.account, { warmFolder: r.path });
      return done({ ...t, current: { account: r.account, path: r.path, total: r.total, unread: r.unread, opened: true }, listCursor: 0, listTop: 0 });
    }
    case 'warmStartEnded':
      return done(patchAccount(s, r.account, { warmFolder: undefined }));
    case 'folderGone': {
      const cur = s.current;
      if (cur?.account !== r.account || cur.path !== r.path) return done(s);
      return done({ ...s, current: undefined, reader: undefined, search: undefined });
    }
    case 'listScrolled':
      return scrolled(s, r.cursor);
    case 'folderCursorOn': {
      const row = folderRows(s).findIndex((x) => x.account === r.account && x.folder?.path === r.path);
      return done(row >= 0 ? { ...s, folderCursor: row } : s);
    }
    case 'folderCursorClamped':
      return done(clampFolderCursor(s));
    case 'focusMoved':
      return done({ ...s, focus: r.pane });
    case 'threadsCollapsed':
      return done({ ...s, collapsed: r.collapsed });
    case 'messageRemoved': {
      const rd = s.reader;
      let t = s;
      if (rd && rd.account === r.account && rd.path === r.path && rd.uid === r.uid) t = { ...t, reader: undefined, focus: 'list' };
      if (t.search) t = { ...t, search: { ...t.search, uids: t.search.uids.filter((u) => u !== r.uid) } };
      return done(t);
    }
    case 'accountDropped': {
      let t = patchAccount(s, r.account, { folders: [], sync: undefined, error: undefined, status: 'idle', warmFolder: undefined, ...r.patch });
      if (t.current?.account === r.account || t.reader?.account === r.account) {
        t = { ...t, current: undefined, reader: undefined, search: undefined, listCursor: 0, listTop: 0, focus: 'list' };
      }
      return done(clampFolderCursor(t));
    }
    case 'resized': {
      const t = { ...s, cols: r.cols, rows: r.rows };
      return scrolled(t, t.listCursor);
    }
  }
}
