// Actions on a set of messages: the tagged ones after `;`, else the one under the cursor (or open
// in the reader). Each action is ONE backend call for the whole UID set (the engine sends one
// IMAP command per set), and every delete, move and flag change is pushed on the undo stack.
import type { Flag, MessageSummary } from '../../domain/index.js';
import { changeFlags, deleteWithUndo, moveWithUndo } from '../../accounts/undo.js';
import type { RemovalOutcome } from '../../accounts/account.js';
import { folderLabel } from '../../accounts/folder-names.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { refreshFolders } from './account-connect.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { reopenCurrent } from './folder-loading.js';
import { accountEntry, folderTitle } from './folder-rows.js';
import { rowAt } from './list-geometry.js';
import { adjustUnread, withTarget } from './message-actions.js';
import { deleteIsPermanent, removalNote } from './removal-words.js';
import { untagUids } from './tag-actions.js';
import type { AccountId, CollapsedThread, UiState } from './types.js';
import { collapsedAt } from './collapsed-threads.js';
import { pushUndo, undoBatch } from './undo-actions.js';
import { flagStates } from './flag-states.js';
import { folderKey } from './window-cache.js';
import { jumpValue } from './folder-picker.js';
import { taggedCount } from './tags.js';

export interface TargetGroup {
  account: AccountId;
  path: string;
  uids: number[];
  /** The summaries already on screen (flags); the rest are fetched when an action needs them. */
  summaries: MessageSummary[];
}

/** The messages an action applies to: one group per folder (tags may span folders and accounts). */
export interface TargetSet extends TargetGroup {
  /** Every folder's messages; the first is also `account`/`path`/`uids`/`summaries`. */
  groups: TargetGroup[];
  /** How the delete question names the set: the subject (unquoted), or "3 tagged messages". */
  label: string;
  /** The set is a collapsed thread (the status line says the action took all of it). */
  thread?: boolean;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** `useTags` (after `;`): the tagged messages of every folder when there are any, else the current message. */
export function withTargets(ctx: ControllerContext, useTags: boolean, fn: (t: TargetSet) => void): void {
  const s = ctx.state;
  const total = taggedCount(s);
  if (useTags && total > 0) {
    // The folder on screen first: a single-folder action reads as before.
    const cur = s.current;
    const all = [...(s.tagged ?? [])].sort(
      (a, b) => Number(b.account === cur?.account && b.path === cur?.path) - Number(a.account === cur?.account && a.path === cur?.path),
    );
    const groups = all.map((g) => {
      const key = folderKey(g.account, g.path);
      const summaries = g.uids.map((u) => ctx.cache.byUid(key, u)).filter((m): m is MessageSummary => m !== undefined);
      return { account: g.account, path: g.path, uids: [...g.uids], summaries };
    });
    const label = plural(total, 'tagged message') + (groups.length > 1 ? ` in ${groups.length} folders` : '');
    return fn({ ...groups[0]!, groups, label });
  }
  // A collapsed thread under the cursor: the action is for all of its messages.
  const cur = s.current;
  const thread = onCollapsed(s);
  if (cur && thread) {
    const key = folderKey(cur.account, cur.path);
    const summaries = thread.uids.map((u) => ctx.cache.byUid(key, u)).filter((m): m is MessageSummary => m !== undefined);
    const group = { account: cur.account, path: cur.path, uids: [...thread.uids], summaries };
    return fn({ ...group, groups: [group], label: `the thread of ${plural(thread.uids.length, 'message')}`, thread: true });
  }
  withTarget(ctx, (t) => {
    const group = { account: t.account, path: t.path, uids: [t.summary.uid], summaries: [t.summary] };
    fn({ ...group, groups: [group], label: t.summary.subject });
  });
}

/** The collapsed thread under the list cursor (not while reading one message), if any. */
export function onCollapsed(s: UiState): CollapsedThread | undefined {
  if (s.focus === 'reader' && s.reader) return undefined;
  return collapsedAt(s, s.listCursor);
}

/**
 * `set` true/false sets or clears `flag` on all; undefined toggles: sets it on all when one lacks
 * it, else clears it on all (the toggle of one message, for many).
 */
export function toggleFlagOnSet(ctx: ControllerContext, t: TargetSet, flag: Flag, set?: boolean): void {
  void (async () => {
    try {
      // Every folder's flags first: a toggle sets the flag on all when one message anywhere lacks it.
      // Messages not on screen: one search per folder says which have the flag (flag-states.ts).
      const groups: (TargetGroup & { states: Pick<MessageSummary, 'uid' | 'flags'>[] })[] = [];
      for (const g of t.groups) {
        const have = new Set(g.summaries.map((m) => m.uid));
        const missing = g.uids.filter((u) => !have.has(u));
        const looked = missing.length ? await ctx.track('looking at flags…', flagStates(await backendFor(ctx, g.account), g.path, missing, flag)) : [];
        groups.push({ ...g, states: [...g.summaries, ...looked] });
      }
      const on = set ?? groups.some((g) => g.states.some((m) => !m.flags.includes(flag)));
      const batch = groups.length > 1 ? undoBatch() : undefined;
      for (const g of groups) {
        const acc = await backendFor(ctx, g.account);
        const key = folderKey(g.account, g.path);
        const { undo } = await ctx.track('saving flags…', changeFlags(acc, g.path, g.states, on ? { add: [flag] } : { remove: [flag] }));
        pushUndo(ctx, g.account, undo, batch);
        for (const u of g.uids)
          ctx.cache.update(key, u, (m) => ({ ...m, flags: on ? [...m.flags.filter((f) => f !== flag), flag] : m.flags.filter((f) => f !== flag) }));
        const changed = undo.kind === 'flags' ? [...undo.added, ...undo.removed].reduce((n, c) => n + c.uids.length, 0) : 0;
        if (flag === '\\Seen') adjustUnread(ctx, g.account, g.path, on ? -changed : changed);
      }
      const what = flag === '\\Seen' ? (on ? 'read' : 'unread') : flag === '\\Flagged' ? (on ? 'flagged' : 'unflagged') : `${on ? 'set' : 'cleared'} ${flag}`;
      const n = groups.reduce((k, g) => k + g.uids.length, 0);
      ctx.notify(
        `Marked ${t.thread ? 'the whole thread, ' : ''}${plural(n, 'message')} ${what}${groups.length > 1 ? ` in ${groups.length} folders` : ''} (u undoes)`,
      );
      if (groups.length > 1) for (const a of new Set(groups.map((g) => g.account))) void refreshFolders(ctx, a).catch((err) => ctx.fail(err));
    } catch (err) {
      ctx.fail(err, 'Could not change the flags');
    }
  })();
}

/** Per controller: what the backend said about where a delete in account/path goes (true = for good). */
const permanence = new WeakMap<ControllerContext, Map<string, boolean>>();

/**
 * Asks before deleting, and says in the question when the delete is for good. The backend knows
 * where a delete goes (whereDeleteGoes: null = nowhere); its answer is remembered per folder.
 * The question shows at once (typed-ahead `dy` must not lose its `y`), from that answer or, the
 * first time, the folder list's Trash, and is corrected if the backend then says otherwise.
 */
export function askDeleteSet(ctx: ControllerContext, t: TargetSet): void {
  let known = permanence.get(ctx);
  if (!known) permanence.set(ctx, (known = new Map()));
  const key = folderKey(t.account, t.path);
  const guess = known.get(key) ?? deleteIsPermanent(accountEntry(ctx.state, t.account)?.folders ?? [], t.path);
  // Over several folders: "for good" when it is so in any of them.
  const others = t.groups
    .slice(1)
    .some((g) => known.get(folderKey(g.account, g.path)) ?? deleteIsPermanent(accountEntry(ctx.state, g.account)?.folders ?? [], g.path));
  const overlay = {
    kind: 'confirmDelete' as const,
    account: t.account,
    path: t.path,
    uid: t.uids[0]!,
    subject: t.label,
    permanent: guess || others,
    uids: t.uids,
    ...(t.groups.length > 1 ? { groups: t.groups.map(({ account, path, uids }) => ({ account, path, uids })) } : {}),
  };
  ctx.post({ type: 'overlayShown', overlay });
  void (async () => {
    try {
      const acc = await backendFor(ctx, t.account);
      if (!acc.whereDeleteGoes) return;
      const permanent = (await acc.whereDeleteGoes(t.path)) === null;
      known.set(key, permanent);
      if (permanent !== guess && !others && ctx.state.overlay === overlay) ctx.post({ type: 'overlayShown', overlay: { ...overlay, permanent } });
    } catch {
      // The folder list's answer stands; the delete itself reports what happened.
    }
  })();
}

/** The removal note for `n` messages: the engine's words for one, in the plural for more. */
function removalText(
  ctx: ControllerContext,
  account: AccountId,
  outcome: RemovalOutcome | undefined,
  n: number,
  fallback: string,
  action: 'delete' | 'move',
): string {
  const one = removalNote(outcome, fallback, action, (p) => folderTitle(ctx.state, account, p));
  if (n === 1) return one;
  return one
    .replace(/^Message deleted/, `${n} messages deleted`)
    .replace(/^Message marked/, `${n} messages marked`)
    .replace(/^Message hidden/, `${n} messages hidden`)
    .replace(/^Moved to/, `Moved ${n} messages to`)
    .replace(/original hidden/, 'originals hidden')
    .replace(/expunges it \(/, 'expunges them (');
}

/** After messages left the folder: the reader, search, tags and list forget them. */
function afterRemovalSet(ctx: ControllerContext, account: AccountId, path: string, uids: number[], note: string): void {
  // The cursor stays on the same message: rows removed above it move it up.
  const s = ctx.state;
  const cur = s.current;
  let above = 0;
  if (cur && cur.account === account && cur.path === path && uids.length > 1) {
    for (let p = 0; p < s.listCursor; p++) if (uids.includes(rowAt(s, ctx.cache, p)?.uid ?? -1)) above++;
  }
  ctx.post({ type: 'messagesRemoved', account, path, uids, above });
  untagUids(ctx, uids, account, path);
  ctx.cache.invalidate(folderKey(account, path));
  ctx.notify(note);
  reopenCurrent(ctx);
  void refreshFolders(ctx, account).catch((err) => ctx.fail(err));
}

export function deleteSet(ctx: ControllerContext, account: AccountId, path: string, uids: number[]): void {
  void (async () => {
    try {
      const acc = await backendFor(ctx, account);
      const { outcome, undo } = await ctx.track('deleting…', deleteWithUndo(acc, path, uids));
      pushUndo(ctx, account, undo);
      const permanent = permanence.get(ctx)?.get(folderKey(account, path)) ?? deleteIsPermanent(accountEntry(ctx.state, account)?.folders ?? [], path);
      const fallback = permanent ? 'Message deleted for good' : 'Message deleted (moved to Trash)';
      afterRemovalSet(ctx, account, path, uids, removalText(ctx, account, outcome, uids.length, fallback, 'delete'));
    } catch (err) {
      ctx.fail(err, 'Delete failed');
    }
  })();
}

/**
 * The destination of a move or copy: the folders of the messages' account first, then those of
 * every other shown account ("name: folder"), where the messages are copied across
 * (accounts/transfer.ts).
 */
export function openFolderPicker(ctx: ControllerContext, t: TargetSet, purpose: 'move' | 'copy'): void {
  const single = t.groups.length === 1;
  const own = accountEntry(ctx.state, t.account);
  const others = ctx.state.accounts.filter((a) => !a.hidden && a.id !== t.account);
  const items = [
    ...(own?.folders ?? [])
      .filter((f) => f.selectable && !(single && f.path === t.path))
      .map((f) => ({ label: sanitizeLine(folderLabel(f)), value: jumpValue(t.account, f.path) })),
    ...others.flatMap((a) =>
      a.folders.filter((f) => f.selectable).map((f) => ({ label: `${sanitizeLine(a.name)}: ${sanitizeLine(folderLabel(f))}`, value: jumpValue(a.id, f.path) })),
    ),
  ];
  if (items.length === 0) return ctx.notify(`No other folder to ${purpose} to`);
  const what = t.uids.length === 1 && single ? '' : ` ${t.label}`;
  ctx.post({
    type: 'overlayShown',
    overlay: {
      kind: 'picker',
      purpose,
      title: `${purpose === 'move' ? 'Move' : 'Copy'}${what} to folder: type to filter`,
      items,
      cursor: 0,
      filter: '',
      uids: t.uids,
      groups: t.groups.map(({ account, path, uids }) => ({ account, path, uids })),
    },
  });
}

export function moveSet(ctx: ControllerContext, account: AccountId, path: string, uids: number[], destination: string): void {
  void (async () => {
    try {
      const acc = await backendFor(ctx, account);
      const { outcome, undo } = await ctx.track('moving…', moveWithUndo(acc, path, uids, destination));
      pushUndo(ctx, account, undo);
      const fallback = `Moved to ${sanitizeLine(folderTitle(ctx.state, account, destination))}`;
      afterRemovalSet(ctx, account, path, uids, removalText(ctx, account, outcome, uids.length, fallback, 'move'));
    } catch (err) {
      ctx.fail(err, 'Move failed');
    }
  })();
}

export function copySet(ctx: ControllerContext, account: AccountId, path: string, uids: number[], destination: string): void {
  void (async () => {
    try {
      const acc = await backendFor(ctx, account);
      await ctx.track('copying…', acc.copyMessages(path, uids, destination));
      ctx.cache.invalidate(folderKey(account, destination));
      const where = sanitizeLine(folderTitle(ctx.state, account, destination));
      ctx.notify(uids.length === 1 ? `Copied to ${where}` : `Copied ${plural(uids.length, 'message')} to ${where}`);
      void refreshFolders(ctx, account).catch((err) => ctx.fail(err));
    } catch (err) {
      ctx.fail(err, 'Copy failed');
    }
  })();
}
