// Results that change the status line and the account entries: pure (state, result) -> state.
import { accountEntry } from '../folder-rows.js';
import type { Result } from '../messages.js';
import type { AccountEntry, AccountId, UiState } from '../types.js';

type StatusResult = Extract<
  Result,
  {
    type:
      | 'noted'
      | 'notedWhere'
      | 'failed'
      | 'noteCleared'
      | 'loadingChanged'
      | 'accountUpdated'
      | 'foldersListed'
      | 'folderCounted'
      | 'unreadCounted'
      | 'unreadAdjusted'
      | 'accountAdded'
      | 'loginRefused'
      | 'tagPrefixSet';
  }
>;

// A record, not a list: the compiler checks that every type of the union is named here.
const STATUS_RESULTS: Record<StatusResult['type'], true> = {
  noted: true,
  notedWhere: true,
  failed: true,
  noteCleared: true,
  loadingChanged: true,
  accountUpdated: true,
  foldersListed: true,
  folderCounted: true,
  unreadCounted: true,
  unreadAdjusted: true,
  accountAdded: true,
  loginRefused: true,
  tagPrefixSet: true,
};

export function isStatusResult(r: Result): r is StatusResult {
  return Object.hasOwn(STATUS_RESULTS, r.type);
}

/** The accounts with account `id` patched. */
export function patchAccount(s: UiState, id: AccountId, patch: Partial<AccountEntry>): UiState {
  return { ...s, accounts: s.accounts.map((a) => (a.id === id ? { ...a, ...patch } : a)) };
}

/** Folder `path` of account `id` with new counts. */
export function countedFolder(s: UiState, id: AccountId, path: string, total: number, unread: number): UiState {
  const acc = accountEntry(s, id);
  if (!acc) return s;
  return patchAccount(s, id, { folders: acc.folders.map((f) => (f.path === path ? { ...f, total, unread } : f)) });
}

/** A folder's unread count, in the folder pane and (when it is the open one) the status bar. */
function withUnread(s: UiState, id: AccountId, path: string, unread: (before: number) => number): UiState {
  const cur = s.current;
  let t = s;
  if (cur && cur.account === id && cur.path === path) t = { ...t, current: { ...cur, unread: unread(cur.unread) } };
  const f = accountEntry(t, id)?.folders.find((x) => x.path === path);
  return f ? countedFolder(t, id, path, f.total, unread(f.unread)) : t;
}

export function statusResult(s: UiState, r: StatusResult): UiState {
  switch (r.type) {
    case 'noted':
      return { ...s, info: r.info, error: undefined };
    case 'notedWhere':
      return { ...s, info: r.note.short, error: undefined, lastNote: { short: r.note.short, full: r.note.full } };
    case 'failed':
      return { ...s, error: r.error, info: undefined };
    case 'noteCleared':
      return { ...s, info: undefined };
    case 'loadingChanged':
      return { ...s, loading: r.labels };
    case 'accountUpdated':
      return patchAccount(s, r.account, r.patch);
    case 'foldersListed':
      return patchAccount(s, r.account, { folders: r.folders });
    case 'folderCounted':
      return countedFolder(s, r.account, r.path, r.total, r.unread);
    case 'unreadCounted':
      return withUnread(s, r.account, r.path, () => r.unread);
    case 'unreadAdjusted':
      return withUnread(s, r.account, r.path, (unread) => Math.max(0, unread + r.delta));
    case 'accountAdded':
      return { ...s, accounts: [...s.accounts, r.entry] };
    case 'loginRefused':
      return patchAccount(s, r.account, { loginRefused: true });
    case 'tagPrefixSet':
      return { ...s, tagPrefix: r.on ? true : undefined };
  }
}
