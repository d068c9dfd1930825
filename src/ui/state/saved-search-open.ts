// Enter on a saved search in the folder pane: its folder opens with the list limited to the
// matches (the limit machinery: one server SEARCH on IMAP, local evaluation for POP3), so every
// action on a row acts on the real message in that folder. Esc shows the whole folder.
import { sanitizeLine } from '../../text/sanitize.js';
import type { ControllerContext } from './controller-context.js';
import { openFolder } from './folder-loading.js';
import { accountEntry } from './folder-rows.js';
import { savedSearchPath } from './saved-search-counts.js';
import { runSearch } from './search-and-commands.js';
import type { AccountId } from './types.js';

export function openSavedSearch(ctx: ControllerContext, account: AccountId, index: number): void {
  const s = accountEntry(ctx.state, account)?.searches?.[index];
  if (!s) return;
  const name = sanitizeLine(s.name);
  if (s.error) return ctx.post({ type: 'failed', error: `Saved search "${name}": ${s.error}` });
  const path = savedSearchPath(ctx, account, s);
  if (!path) return ctx.post({ type: 'failed', error: `Saved search "${name}": this account has no folder "${sanitizeLine(s.folder)}"` });
  ctx.post({ type: 'focusMoved', pane: 'list' });
  void openFolder(ctx, account, path).then(() => {
    const cur = ctx.state.current;
    if (cur?.account === account && cur.path === path && cur.opened) runSearch(ctx, s.query, s.name);
  });
}
