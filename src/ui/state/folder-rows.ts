// The folder pane is one flat list: an account header row followed by its folders.
import { folderDepth, folderLabel } from '../../accounts/folder-names.js';
import type { AccountEntry, AccountId, FolderRow, UiState } from './types.js';

/** The account named `id`, if it is (still) there. */
export function accountEntry(state: Pick<UiState, 'accounts'>, id: AccountId | undefined): AccountEntry | undefined {
  return id === undefined ? undefined : state.accounts.find((a) => a.id === id);
}

/** The display name of the account's folder at server path `path` (the path itself if unknown). */
export function folderTitle(state: Pick<UiState, 'accounts'>, account: AccountId, path: string): string {
  const f = accountEntry(state, account)?.folders.find((x) => x.path === path);
  return folderLabel(f ?? { path });
}

export function folderRows(state: Pick<UiState, 'accounts'>): FolderRow[] {
  const rows: FolderRow[] = [];
  for (const acc of state.accounts) {
    if (acc.hidden) continue;
    rows.push({ kind: 'account', account: acc.id, depth: 0 });
    // Saved searches first: virtual folders, the ones a user put there to look at often.
    for (let search = 0; search < (acc.searches?.length ?? 0); search++) rows.push({ kind: 'search', account: acc.id, search, depth: 0 });
    for (const f of acc.folders) {
      const depth = folderDepth(f);
      rows.push({ kind: 'folder', account: acc.id, folder: f, depth });
    }
  }
  return rows;
}
