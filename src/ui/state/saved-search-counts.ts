// Saved searches (config `searches`) as the folder pane lists them: their queries checked once,
// their match counts refreshed with the account's folders (one SEARCH each on IMAP, evaluated
// on the local copy for POP3).
import { findFolder } from '../../accounts/folder-names.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { accountEntry } from './folder-rows.js';
import { searchQueryOf } from './search-query.js';
import type { AccountId, SavedSearchEntry } from './types.js';

/** The server path of the folder a saved search looks in, if the account has it. */
export function savedSearchPath(ctx: ControllerContext, account: AccountId, s: SavedSearchEntry): string | undefined {
  const folders = accountEntry(ctx.state, account)?.folders ?? [];
  return (findFolder(folders, s.folder) ?? folders.find((f) => f.name === s.folder))?.path;
}

export function setSavedCount(ctx: ControllerContext, account: AccountId, name: string, count: number): void {
  const acc = accountEntry(ctx.state, account);
  if (!acc?.searches) return;
  ctx.updateAccount(account, { searches: acc.searches.map((s) => (s.name === name ? { ...s, count } : s)) });
}

const counting = new WeakMap<ControllerContext, Set<AccountId>>();

/** Counts every saved search of `account` again, one after the other (one run at a time). */
export async function refreshSearchCounts(ctx: ControllerContext, account: AccountId): Promise<void> {
  const searches = accountEntry(ctx.state, account)?.searches;
  if (!searches?.length) return;
  let busy = counting.get(ctx);
  if (!busy) counting.set(ctx, (busy = new Set()));
  if (busy.has(account)) return;
  busy.add(account);
  try {
    const acc = await backendFor(ctx, account);
    for (const s of searches) {
      if (s.error || ctx.stopped) continue;
      const path = savedSearchPath(ctx, account, s);
      if (!path) continue;
      const uids = await acc.search(path, searchQueryOf(s.query));
      setSavedCount(ctx, account, s.name, uids.length);
    }
  } finally {
    busy.delete(account);
  }
}
