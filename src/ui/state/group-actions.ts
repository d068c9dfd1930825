// Delete, move and copy over messages of several folders and accounts (the tags of `;`, or one
// message to a folder of another account). One backend call per folder and action; a move or
// copy to another account goes message by message through accounts/transfer.ts. Every delete and
// same-account move of one action shares an undo batch, so one `u` reverses all of it.
import { deleteWithUndo, moveWithUndo } from '../../accounts/undo.js';
import { transferAcross } from '../../accounts/transfer.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { refreshFolders } from './account-connect.js';
import { backendFor } from './backends.js';
import { copySet, deleteSet, moveSet } from './bulk-actions.js';
import type { ControllerContext } from './controller-context.js';
import { reopenCurrent } from './folder-loading.js';
import { parseJumpValue } from './folder-picker.js';
import { folderTitle } from './folder-rows.js';
import { untagUids } from './tag-actions.js';
import type { AccountId, TagGroup } from './types.js';
import { pushUndo, undoBatch } from './undo-actions.js';
import { folderKey } from './window-cache.js';
import { errorText } from './error-text.js';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** After messages left account/path: tags, search, reader and the list forget them. */
function forget(ctx: ControllerContext, account: AccountId, path: string, uids: number[]): void {
  untagUids(ctx, uids, account, path);
  ctx.post({ type: 'messagesRemoved', account, path, uids, above: 0 });
  ctx.cache.invalidate(folderKey(account, path));
}

async function refreshAll(ctx: ControllerContext, accounts: Iterable<AccountId>): Promise<void> {
  reopenCurrent(ctx);
  for (const a of new Set(accounts)) await refreshFolders(ctx, a).catch((err) => ctx.fail(err));
}

/** `;d` with tags in several folders: one delete per folder, one undo for all. */
export function deleteGroups(ctx: ControllerContext, groups: TagGroup[]): void {
  if (groups.length === 1) return deleteSet(ctx, groups[0]!.account, groups[0]!.path, groups[0]!.uids);
  void (async () => {
    const batch = undoBatch();
    let done = 0;
    try {
      for (const g of groups) {
        const acc = await backendFor(ctx, g.account);
        const { undo } = await ctx.track('deleting…', deleteWithUndo(acc, g.path, g.uids));
        pushUndo(ctx, g.account, undo, batch);
        forget(ctx, g.account, g.path, g.uids);
        done += g.uids.length;
      }
      ctx.notify(`Deleted ${plural(done, 'message')} in ${groups.length} folders (u undoes what went to Trash)`);
    } catch (err) {
      ctx.fail(err, done ? `Deleted ${plural(done, 'message')}; then the delete failed` : 'Delete failed');
    }
    await refreshAll(
      ctx,
      groups.map((g) => g.account),
    );
  })();
}

/**
 * Moves or copies every group to the picker's destination (a jumpValue). A group of the
 * destination's account is one MOVE/COPY; a group of another account is copied across.
 */
export function transferGroups(ctx: ControllerContext, groups: TagGroup[], destinationValue: string, purpose: 'move' | 'copy'): void {
  const dest = parseJumpValue(destinationValue);
  const same = groups.filter((g) => g.account === dest.account && g.path !== dest.path);
  const across = groups.filter((g) => g.account !== dest.account);
  // One folder of the same account: the single-folder path, with its words and its undo.
  if (across.length === 0 && same.length === 1) {
    const g = same[0]!;
    return (purpose === 'move' ? moveSet : copySet)(ctx, g.account, g.path, g.uids, dest.path);
  }
  const where = sanitizeLine(folderTitle(ctx.state, dest.account, dest.path));
  void (async () => {
    const batch = undoBatch();
    let done = 0;
    const notes: string[] = [];
    try {
      const to = await backendFor(ctx, dest.account);
      for (const g of same) {
        const from = await backendFor(ctx, g.account);
        if (purpose === 'move') {
          const { undo } = await ctx.track('moving…', moveWithUndo(from, g.path, g.uids, dest.path));
          pushUndo(ctx, g.account, undo, batch);
          forget(ctx, g.account, g.path, g.uids);
        } else await ctx.track('copying…', from.copyMessages(g.path, g.uids, dest.path));
        done += g.uids.length;
      }
      for (const g of across) {
        const from = await backendFor(ctx, g.account);
        const outcome = await ctx.track(
          `${purpose === 'move' ? 'moving' : 'copying'} to ${sanitizeLine(dest.account)}…`,
          transferAcross(from, g.path, g.uids, to, dest.path, purpose === 'move'),
        );
        done += outcome.copied.length;
        if (purpose === 'move') forget(ctx, g.account, g.path, outcome.copied);
        if (outcome.removed?.result === 'left-deleted') notes.push('some originals are left marked deleted (another client has deleted messages there)');
        if (outcome.failed) {
          const left = g.uids.length - outcome.copied.length;
          notes.push(
            `${plural(left, 'message')} not ${purpose === 'move' ? 'moved' : 'copied'} (still in ${sanitizeLine(folderTitle(ctx.state, g.account, g.path))}): ${errorText(outcome.failed.error)}`,
          );
          break;
        }
      }
      ctx.cache.invalidate(folderKey(dest.account, dest.path));
      const verb = purpose === 'move' ? 'Moved' : 'Copied';
      const undoWord = purpose === 'move' && across.length > 0 ? '; a move to another account is not undone' : purpose === 'move' ? ' (u undoes)' : '';
      const text = `${verb} ${plural(done, 'message')} to ${where}${undoWord}${notes.length ? ` — ${notes.join('; ')}` : ''}`;
      if (notes.some((n) => n.includes(' not '))) ctx.post({ type: 'failed', error: text });
      else ctx.notify(text);
    } catch (err) {
      ctx.fail(err, done ? `${plural(done, 'message')} done; then the ${purpose} failed` : `${purpose === 'move' ? 'Move' : 'Copy'} failed`);
    }
    await refreshAll(ctx, [dest.account, ...groups.map((g) => g.account)]);
  })();
}
