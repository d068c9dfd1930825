// The `/` search prompt and the `:` command line.
import { sanitizeLine } from '../../text/sanitize.js';
import { parseSearch, SearchSyntaxError } from '../../search/index.js';
import { findFolder } from '../../accounts/folder-names.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { ensureVisible, openFolder } from './folder-loading.js';
import { syncCurrent } from './sync-actions.js';
import { accountEntry } from './folder-rows.js';
import { askDeleteSet, toggleFlagOnSet, withTargets } from './bulk-actions.js';
import { tagByQuery, untagAll } from './tag-actions.js';
import { undoLast } from './undo-actions.js';
import { transferGroups } from './group-actions.js';
import { jumpValue } from './folder-picker.js';

/**
 * Words without any of the language's syntax search as one phrase, as they always did
 * ("number 150" finds that phrase, not every message with "number" and "150" somewhere).
 */
function plainWords(query: string): boolean {
  return !/[:()"-]/.test(query) && !/(^|\s)(and|or|not)(\s|$)/i.test(query);
}

export function runSearch(ctx: ControllerContext, query: string): void {
  const cur = ctx.state.current;
  if (!cur) return;
  if (query.trim() === '') {
    ctx.store.set({ search: undefined, listCursor: 0, listTop: 0 });
    ensureVisible(ctx);
    return;
  }
  // The search language (from:, is:unread, and/or/not…); plain words search as before.
  let expression: ReturnType<typeof parseSearch>;
  try {
    expression = parseSearch(query);
  } catch (err) {
    if (err instanceof SearchSyntaxError) return ctx.fail(err, 'Search');
    throw err;
  }
  void (async () => {
    try {
      const acc = await backendFor(ctx, cur.account);
      const uids = await ctx.track('searching…', acc.search(cur.path, plainWords(query) ? { text: query } : { expression }));
      ctx.store.set({ search: { query, uids }, listCursor: 0, listTop: 0, focus: 'list' });
      ctx.notify(`${uids.length} message(s) match "${sanitizeLine(query)}" — Esc returns to the folder`);
      ensureVisible(ctx);
    } catch (err) {
      ctx.fail(err, 'Search failed');
    }
  })();
}

export function runCommand(ctx: ControllerContext, line: string): void {
  const [cmd = '', ...rest] = line.trim().split(/\s+/);
  const arg = rest.join(' ');
  switch (cmd) {
    case '':
      return;
    case 'q':
    case 'quit':
      return ctx.opts.onQuit();
    case 'help':
      return ctx.post({ type: 'intent', action: 'help' });
    case 'sync':
      return syncCurrent(ctx);
    case 'search':
    case 'limit':
      return runSearch(ctx, arg);
    case 'tag':
      if (!arg) return ctx.notify(':tag QUERY tags the matching messages (x tags one)');
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
      const cur = ctx.state.current;
      const folders = cur ? (accountEntry(ctx.state, cur.account)?.folders ?? []) : [];
      const f = findFolder(folders, arg) ?? folders.find((x) => x.name === arg);
      if (!f) return ctx.notify(arg ? `No folder "${sanitizeLine(arg)}"` : `:${cmd} FOLDER`);
      return withTargets(ctx, true, (t) => transferGroups(ctx, t.groups, jumpValue(cur!.account, f.path), cmd));
    }
    case 'folder':
    case 'cd': {
      const i = ctx.state.current?.account ?? ctx.firstAccount ?? '';
      const folders = accountEntry(ctx.state, i)?.folders ?? [];
      const f = findFolder(folders, arg) ?? folders.find((x) => x.name === arg);
      if (!f) return ctx.notify(`No folder "${sanitizeLine(arg)}"`);
      openFolder(ctx, i, f.path);
      ctx.store.set({ focus: 'list' });
      return;
    }
    default:
      return ctx.notify(`Unknown command "${sanitizeLine(cmd)}" (try :help)`);
  }
}
