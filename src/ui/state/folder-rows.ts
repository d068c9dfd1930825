// The folder pane is one flat list: an account header row followed by its folders.
import type { FolderRow, UiState } from './types.js';

export function folderRows(state: Pick<UiState, 'accounts'>): FolderRow[] {
  const rows: FolderRow[] = [];
  state.accounts.forEach((acc, i) => {
    if (acc.hidden) return;
    rows.push({ kind: 'account', account: i, depth: 0 });
    for (const f of acc.folders) {
      const depth = f.delimiter ? f.path.split(f.delimiter).length - 1 : 0;
      rows.push({ kind: 'folder', account: i, folder: f, depth });
    }
  });
  return rows;
}
