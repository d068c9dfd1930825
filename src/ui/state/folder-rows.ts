// The folder pane is one flat list: an account header row followed by its folders.
import { folderDepth, folderLabel } from '../../accounts/folder-names.js';
import type { FolderRow, UiState } from './types.js';

/** The display name of account i's folder at server path `path` (the path itself if unknown). */
export function folderTitle(state: Pick<UiState, 'accounts'>, account: number, path: string): string {
  const f = state.accounts[account]?.folders.find((x) => x.path === path);
  return folderLabel(f ?? { path });
}

export function folderRows(state: Pick<UiState, 'accounts'>): FolderRow[] {
  const rows: FolderRow[] = [];
  state.accounts.forEach((acc, i) => {
    if (acc.hidden) return;
    rows.push({ kind: 'account', account: i, depth: 0 });
    for (const f of acc.folders) {
      const depth = folderDepth(f);
      rows.push({ kind: 'folder', account: i, folder: f, depth });
    }
  });
  return rows;
}
