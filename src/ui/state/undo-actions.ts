// `u`: the session's undo stack. Every delete, move and flag change the user makes pushes the
// engine's UndoRecord (src/accounts/undo.ts); `u` reverses the newest one and reloads what moved.
import { undoAction, type UndoRecord } from '../../accounts/undo.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { refreshFolders } from './account-connect.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { reopenCurrent } from './folder-loading.js';
import { folderTitle } from './folder-rows.js';
import type { AccountId } from './types.js';
import { folderKey } from './window-cache.js';

interface Undoable {
  account: AccountId;
  record: UndoRecord;
  /** Entries of one action over several folders share a batch: one `u` reverses them all. */
  batch?: number;
}

let batches = 0;
/** A batch id for the records of one action that spans folders (see pushUndo). */
export function undoBatch(): number {
  return ++batches;
}

/** Enough for a session of triage; the oldest entries fall off. */
const MAX_UNDO = 100;
const stacks = new WeakMap<ControllerContext, Undoable[]>();

function stackOf(ctx: ControllerContext): Undoable[] {
  let s = stacks.get(ctx);
  if (!s) stacks.set(ctx, (s = []));
  return s;
}

export function pushUndo(ctx: ControllerContext, account: AccountId, record: UndoRecord, batch?: number): void {
  // An empty flag change (every message already had the flag) has nothing to reverse.
  if (record.kind === 'flags' && record.added.length === 0 && record.removed.length === 0) return;
  const s = stackOf(ctx);
  s.push(batch === undefined ? { account, record } : { account, record, batch });
  if (s.length > MAX_UNDO) s.shift();
}

export function undoDepth(ctx: ControllerContext): number {
  return stackOf(ctx).length;
}

/** Reverses the newest recorded action (all its folders); the status line says what was undone. */
export function undoLast(ctx: ControllerContext): void {
  const stack = stackOf(ctx);
  const top = stack.pop();
  if (!top) return ctx.notify('Nothing to undo');
  const entries = [top];
  while (top.batch !== undefined && stack.at(-1)?.batch === top.batch) entries.push(stack.pop()!);
  void (async () => {
    const texts: string[] = [];
    try {
      for (const { account, record } of entries) {
        const acc = await backendFor(ctx, account);
        const result = await ctx.track('undoing…', undoAction(acc, record));
        // The engine names server paths; the user knows the names the folder pane shows.
        let text = result.message;
        if (record.kind === 'move') text = text.replace(` back to ${record.path}.`, ` back to ${folderTitle(ctx.state, account, record.path)}.`);
        texts.push(sanitizeLine(text));
        for (const path of result.changed) ctx.cache.invalidate(folderKey(account, path));
        const cur = ctx.state.current;
        if (cur && cur.account === account && result.changed.includes(cur.path)) reopenCurrent(ctx);
        await refreshFolders(ctx, account);
      }
      ctx.notify(`Undone: ${texts.join(' ')}`);
    } catch (err) {
      ctx.fail(err, texts.length ? `Undone only in part (${texts.join(' ')}); then the undo failed` : 'Undo failed');
    }
  })();
}
