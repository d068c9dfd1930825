// The `/` search prompt and the `:` command line.
import { sanitizeLine } from '../../text/sanitize.js';
import { SearchSyntaxError } from '../../search/index.js';
import type { SearchQuery } from '../../domain/index.js';
import { searchQueryOf } from './search-query.js';
import { setSavedCount } from './saved-search-counts.js';
import { findFolder } from '../../accounts/folder-names.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { openFolder } from './folder-loading.js';
import { syncCurrent } from './sync-actions.js';
import { accountEntry } from './folder-rows.js';
import { askDeleteSet, openFolderPicker, toggleFlagOnSet, withTargets } from './bulk-actions.js';
import { tagByQuery, untagAll } from './tag-actions.js';
import { undoLast } from './undo-actions.js';
import { transferGroups } from './group-actions.js';
import { jumpValue } from './folder-picker.js';
import { folderLabel } from '../../accounts/folder-names.js';
import type { MainAction } from '../keys/bindings.js';
import { actionForCommand, completeCommandLine } from '../keys/commands.js';
import { askSaveDir } from './attachment-save.js';
import { openAttachment, pipeMessage } from './handoff-actions.js';
import type { AccountId, Overlay } from './types.js';

/** `saved`: the name of the saved search (a virtual folder) this runs for. */
export function runSearch(ctx: ControllerContext, query: string, saved?: string): void {
  const cur = ctx.state.current;
  if (!cur) return;
  if (query.trim() === '') {
    ctx.post({ type: 'searchCleared' });
    return;
  }
  // The search language (from:, is:unread, and/or/not…); plain words search as before.
  let backendQuery: SearchQuery;
  try {
    backendQuery = searchQueryOf(query);
  } catch (err) {
    if (err instanceof SearchSyntaxError) return ctx.fail(err, 'Search');
    throw err;
  }
  void (async () => {
    try {
      const acc = await backendFor(ctx, cur.account);
      const uids = await ctx.track('searching…', acc.search(cur.path, backendQuery));
      const now = ctx.state.current;
      if (now?.account !== cur.account || now.path !== cur.path) return;
      ctx.post({ type: 'searchShown', search: { query, uids, ...(saved ? { saved } : {}) } });
      if (saved) setSavedCount(ctx, cur.account, saved, uids.length);
      ctx.notify(`${uids.length} message(s) match ${saved ? sanitizeLine(saved) : `"${sanitizeLine(query)}"`} — Esc returns to the folder`);
    } catch (err) {
      ctx.fail(err, 'Search failed');
    }
  })();
}

/** A folder named `arg` (its label, path or name): in the current account first, then any. */
function folderNamed(ctx: ControllerContext, arg: string): { account: AccountId; path: string } | undefined {
  const here = ctx.state.current?.account ?? ctx.firstAccount;
  const order = [...ctx.state.accounts].sort((a, b) => (a.id === here ? -1 : b.id === here ? 1 : 0));
  for (const acc of order) {
    const f = findFolder(acc.folders, arg) ?? acc.folders.find((x) => x.name === arg || folderLabel(x).toLowerCase() === arg.toLowerCase());
    if (f) return { account: acc.id, path: f.path };
  }
  return undefined;
}

/** The folder names Tab offers after :move, :copy and :folder (the current account's). */
export function commandFolderNames(ctx: ControllerContext): string[] {
  const id = ctx.state.current?.account ?? ctx.firstAccount;
  return (accountEntry(ctx.state, id)?.folders ?? []).filter((f) => f.selectable).map((f) => folderLabel(f));
}

/** Tab on the command line: the command name, or a folder name after :move, :copy, :folder. */
export function completeCommand(ctx: ControllerContext, o: Extract<Overlay, { kind: 'prompt' }>): void {
  const c = completeCommandLine(o.value, commandFolderNames(ctx));
  const shown = c.candidates.slice(0, 30).map((n) => sanitizeLine(n));
  const hint = c.candidates.length === 0 ? undefined : `${shown.join('  ')}${c.candidates.length > shown.length ? '  …' : ''}`;
  ctx.post({ type: 'overlayShown', overlay: { ...o, value: c.value, hint } });
}

/** A 1-based part number typed after :open or :save, as an index; undefined when it is not one. */
function partIndex(arg: string): number | undefined {
  return /^\d+$/.test(arg) && Number(arg) >= 1 ? Number(arg) - 1 : undefined;
}

export function runCommand(ctx: ControllerContext, line: string): void {
  const [word = '', ...rest] = line.trim().split(/\s+/);
  const cmd = word.toLowerCase();
  const arg = rest.join(' ');
  const intent = (action: MainAction) => ctx.post({ type: 'intent', action });
  switch (cmd) {
    case '':
      return;
    case 'q':
    case 'quit':
      return ctx.opts.onQuit();
    case 'sync':
      return syncCurrent(ctx);
    case 'search':
      if (!arg) return intent('search');
      return runSearch(ctx, arg);
    case 'limit':
      return runSearch(ctx, arg);
    case 'tag':
      if (!arg) return intent('tag');
      return tagByQuery(ctx, arg);
    case 'untag':
      return untagAll(ctx);
    case 'undo':
      return undoLast(ctx);
    // Actions on the tagged messages when there are any, else on the current one.
    case 'read':
    case 'unread':
      return withTargets(ctx, true, (t) => toggleFlagOnSet(ctx, t, '\\Seen', cmd === 'read'));
    case 'flag':
    case 'unflag':
      return withTargets(ctx, true, (t) => toggleFlagOnSet(ctx, t, '\\Flagged', cmd === 'flag'));
    case 'delete':
      return withTargets(ctx, true, (t) => askDeleteSet(ctx, t));
    case 'move':
    case 'copy': {
      if (!arg) return withTargets(ctx, true, (t) => openFolderPicker(ctx, t, cmd));
      const cur = ctx.state.current;
      const folders = cur ? (accountEntry(ctx.state, cur.account)?.folders ?? []) : [];
      const f = findFolder(folders, arg) ?? folders.find((x) => x.name === arg);
      if (!f) return ctx.notify(`No folder "${sanitizeLine(arg)}" (Tab completes folder names)`);
      return withTargets(ctx, true, (t) => transferGroups(ctx, t.groups, jumpValue(cur!.account, f.path), cmd));
    }
    case 'folder':
    case 'cd':
    case 'jump-folder': {
      if (!arg) return intent('jumpFolder');
      const f = folderNamed(ctx, arg);
      if (!f) return ctx.notify(`No folder "${sanitizeLine(arg)}" (Tab completes folder names)`);
      openFolder(ctx, f.account, f.path);
      ctx.post({ type: 'focusMoved', pane: 'list' });
      return;
    }
    case 'open':
    case 'open-attachment': {
      if (!arg) return intent(cmd === 'open' ? 'open' : 'openAttachment');
      const n = partIndex(arg);
      if (n === undefined) return ctx.notify(`:${cmd} N opens attachment N (1, 2, …)`);
      return openAttachment(ctx, n);
    }
    case 'pipe':
      if (!arg) return intent('pipe');
      return pipeMessage(ctx, arg);
    case 'save':
    case 'save-attachment': {
      if (!arg) return intent('saveAttachment');
      const n = partIndex(arg);
      const atts = ctx.state.reader?.message?.attachments;
      if (n === undefined) return ctx.notify(`:${cmd} N saves attachment N of the open message`);
      if (!atts) return ctx.notify('Open a message first');
      if (!atts[n]) return ctx.notify(`No attachment ${n + 1} (this message has ${atts.length})`);
      return askSaveDir(ctx, n);
    }
    default: {
      const action = actionForCommand(cmd);
      if (action) return intent(action);
      return ctx.notify(`Unknown command ":${sanitizeLine(word)}" — Tab lists the commands, ? the keys`);
    }
  }
}
