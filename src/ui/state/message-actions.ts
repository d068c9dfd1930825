// Actions on one message: flags (optimistic), delete, move.
import type { Flag, MessageSummary } from '../../domain/index.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { folderTitle } from './folder-rows.js';
import { refreshFolders } from './account-connect.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { reopenCurrent } from './folder-loading.js';
import { actionRowAt as rowAt, listCount } from './list-geometry.js';
import { pushUndo } from './undo-actions.js';
import { flagNote, modelOf } from './model-words.js';
import { deleteIsPermanent, removalNote } from './removal-words.js';
import { folderKey } from './window-cache.js';
import type { AccountId } from './types.js';
import { accountEntry } from './folder-rows.js';

/** A message an action applies to, and where it is. */
export interface MessageTarget {
  account: AccountId;
  path: string;
  summary: MessageSummary;
}

/** The message an action applies to: the open one in the reader, else the one under the cursor. */
export function withTarget(ctx: ControllerContext, fn: (t: MessageTarget) => void): void {
  const s = ctx.state;
  const cur = s.current;
  if (!cur) return ctx.notify('Open a folder first');
  if (!(s.focus === 'reader' && s.reader) && listCount(s) === 0) return ctx.notify(s.search ? 'No message matches' : 'This folder is empty');
  let summary: MessageSummary | undefined;
  if (s.focus === 'reader' && s.reader) {
    summary = ctx.cache.byUid(folderKey(s.reader.account, s.reader.path), s.reader.uid);
  } else summary = rowAt(s, ctx.cache, s.listCursor);
  if (!summary) return ctx.notify('That message is still loading');
  fn({ account: cur.account, path: cur.path, summary });
}

export function toggleFlag(ctx: ControllerContext, t: MessageTarget, flag: Flag): void {
  setFlag(ctx, t, flag, !t.summary.flags.includes(flag));
}

/** Optimistic: the list changes at once; a refusal from the server rolls it back with a message. */
export function setFlag(ctx: ControllerContext, t: MessageTarget, flag: Flag, on: boolean, quiet = false): void {
  const { summary } = t;
  const before = summary.flags;
  if (before.includes(flag) === on) return;
  const key = folderKey(t.account, t.path);
  const withFlag = (flags: readonly Flag[]) => (on ? [...flags.filter((f) => f !== flag), flag] : flags.filter((f) => f !== flag));
  const without = (flags: readonly Flag[]) => (on ? flags.filter((f) => f !== flag) : [...flags.filter((f) => f !== flag), flag]);
  ctx.cache.update(key, summary.uid, (s) => ({ ...s, flags: withFlag(s.flags) }));
  const unreadDelta = flag === '\\Seen' ? (on ? -1 : 1) : 0;
  adjustUnread(ctx, t.account, t.path, unreadDelta);
  void (async () => {
    try {
      const acc = await backendFor(ctx, t.account);
      const op = on ? acc.addFlags(t.path, [summary.uid], [flag]) : acc.removeFlags(t.path, [summary.uid], [flag]);
      await ctx.track('saving flags…', op);
      // A flag the user changed can be undone; the reader's automatic \Seen (quiet) cannot.
      if (!quiet)
        pushUndo(ctx, t.account, {
          kind: 'flags',
          path: t.path,
          added: on ? [{ flag, uids: [summary.uid] }] : [],
          removed: on ? [] : [{ flag, uids: [summary.uid] }],
        });
      if (!quiet) ctx.note(flagNote(modelOf(ctx.slot(t.account)?.protocol ?? 'imap'), flag, on));
    } catch (err) {
      ctx.cache.update(key, summary.uid, (s) => ({ ...s, flags: without(s.flags) }));
      adjustUnread(ctx, t.account, t.path, -unreadDelta);
      ctx.fail(err, `Could not ${on ? 'set' : 'clear'} ${flag}`);
    }
  })();
}

export function adjustUnread(ctx: ControllerContext, account: AccountId, path: string, delta: number): void {
  if (delta !== 0) ctx.post({ type: 'unreadAdjusted', account, path, delta });
}

export function afterRemoval(ctx: ControllerContext, account: AccountId, path: string, uid: number, verb: string): void {
  ctx.post({ type: 'messageRemoved', account, path, uid });
  ctx.cache.invalidate(folderKey(account, path));
  ctx.notify(verb);
  reopenCurrent(ctx);
  void refreshFolders(ctx, account).catch((err) => ctx.fail(err));
}

export function deleteMessage(ctx: ControllerContext, account: AccountId, path: string, uid: number): void {
  void (async () => {
    try {
      const acc = await backendFor(ctx, account);
      const outcome = await ctx.track('deleting…', acc.deleteMessages(path, [uid]));
      const permanent = deleteIsPermanent(accountEntry(ctx.state, account)?.folders ?? [], path);
      afterRemoval(
        ctx,
        account,
        path,
        uid,
        removalNote(outcome, permanent ? 'Message deleted for good' : 'Message deleted (moved to Trash)', 'delete', (p) => folderTitle(ctx.state, account, p)),
      );
    } catch (err) {
      ctx.fail(err, 'Delete failed');
    }
  })();
}

export function moveMessage(ctx: ControllerContext, destination: string): void {
  withTarget(ctx, (t) => {
    void (async () => {
      try {
        const acc = await backendFor(ctx, t.account);
        const outcome = await ctx.track('moving…', acc.moveMessages(t.path, [t.summary.uid], destination));
        afterRemoval(
          ctx,
          t.account,
          t.path,
          t.summary.uid,
          removalNote(outcome, `Moved to ${sanitizeLine(folderTitle(ctx.state, t.account, destination))}`, 'move', (p) => folderTitle(ctx.state, t.account, p)),
        );
      } catch (err) {
        ctx.fail(err, 'Move failed');
      }
    })();
  });
}
