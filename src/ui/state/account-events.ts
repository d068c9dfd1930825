// What backends report (connection state, new/expunged mail, flags) and the poll for those
// that do not push changes.
import type { AccountEvent } from '../../accounts/account.js';
import { refreshFolders } from './account-connect.js';
import type { ControllerContext } from './controller-context.js';
import { errorText } from './error-text.js';
import { showFailure } from './login-failure.js';
import { fetchWindow, reopenCurrent } from './folder-loading.js';
import { pageSize } from './list-geometry.js';
import { folderKey, WINDOW_SIZE } from './window-cache.js';
import type { AccountId } from './types.js';
import { accountEntry } from './folder-rows.js';
import { untagUids } from './tag-actions.js';
import { taggedIn } from './tags.js';

export function onAccountEvent(ctx: ControllerContext, i: AccountId, e: AccountEvent): void {
  if (ctx.stopped) return;
  const cur = ctx.state.current;
  const here = (folder: string) => cur?.account === i && cur.path === folder;
  switch (e.type) {
    case 'connection': {
      const before = accountEntry(ctx.state, i);
      ctx.updateAccount(i, {
        status: e.state === 'disconnected' ? (e.error ? 'error' : 'idle') : e.state,
        error: e.error ? errorText(e.error) : undefined,
      });
      if (e.error) showFailure(ctx, i, e.error);
      else if (e.state === 'connected' && before?.error) clearOutageError(ctx, i, before.error);
      break;
    }
    case 'exists':
    case 'expunged':
      if (e.type === 'expunged' && taggedIn(ctx.state, i, e.folder).length) untagUids(ctx, e.uids, i, e.folder);
      // Rows moved even when the count did not (one new, one expunged): refetch what is shown.
      if (here(e.folder)) {
        // The old rows stay drawn until the refetch replaces them (no placeholders flashing).
        ctx.cache.markStale(folderKey(i, e.folder));
        reopenCurrent(ctx);
      } else void refreshFolders(ctx, i).catch((err) => ctx.fail(err));
      break;
    case 'uidvalidity':
      ctx.cache.invalidate(folderKey(i, e.folder));
      // Its UIDs name other messages now: the tags there would act on the wrong mail.
      if (taggedIn(ctx.state, i, e.folder).length) ctx.post({ type: 'tagsChanged', account: i, path: e.folder, uids: [] });
      if (here(e.folder)) reopenCurrent(ctx);
      break;
    case 'flags':
      ctx.cache.update(folderKey(i, e.folder), e.uid, (s) => ({ ...s, flags: [...e.flags] }));
      break;
    case 'error':
      ctx.fail(e.message);
      break;
  }
}

/**
 * Connected again: an error line that only reported this account's outage (the "lost" message, or
 * an operation that failed because of it) would now be false — replace it with the good news.
 */
function clearOutageError(ctx: ControllerContext, i: AccountId, outage: string): void {
  const shown = ctx.state.error;
  if (shown && shown.includes(outage)) ctx.notify(`${ctx.slot(i)!.name}: connected again`);
}

/** Re-reads counts and the visible windows: not every backend pushes changes. */
export function poll(ctx: ControllerContext): void {
  for (const a of ctx.state.accounts) {
    if (a.status === 'connected') void refreshFolders(ctx, a.id).catch((err) => ctx.fail(err));
  }
  const cur = ctx.state.current;
  if (!cur?.opened || ctx.state.search) return;
  const key = folderKey(cur.account, cur.path);
  const first = Math.floor(ctx.state.listTop / WINDOW_SIZE);
  const last = Math.floor((ctx.state.listTop + pageSize(ctx.state)) / WINDOW_SIZE);
  for (let w = first; w <= last && w * WINDOW_SIZE < cur.total; w++) {
    if (ctx.cache.missing(key, w * WINDOW_SIZE, w * WINDOW_SIZE + 1).length === 0) {
      void fetchWindow(ctx, cur.account, cur.path, w, 'checking…');
    }
  }
}
