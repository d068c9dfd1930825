// Tags: `x` tags the message under the cursor, `X` tags the matches of a search query, Ctrl-T
// untags all. A tag belongs to a message (account, folder, UID) and stays when another folder is
// opened; `;` then applies the next action to all of them, one command per folder
// (bulk-actions.ts, tag-groups.ts).
import { parseSearch, SearchSyntaxError } from '../../search/index.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { scrollListTo } from './folder-loading.js';
import { listCount, rowAt } from './list-geometry.js';
import { taggedCount, taggedHere, taggedIn } from './tags.js';
import type { AccountId, UiState } from './types.js';

export { taggedCount, taggedHere, taggedIn };

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Toggles the tag of the message under the cursor and moves on (mutt's habit). */
export function toggleTag(ctx: ControllerContext): void {
  const s = ctx.state;
  const cur = s.current;
  if (!cur) return ctx.notify('Open a folder first');
  if (listCount(s) === 0) return ctx.notify(s.search ? 'No message matches' : 'This folder is empty');
  const m = rowAt(s, ctx.cache, s.listCursor);
  if (!m) return ctx.notify('That message is still loading');
  const uids = taggedHere(s);
  const next = uids.includes(m.uid) ? uids.filter((u) => u !== m.uid) : [...uids, m.uid];
  setTags(ctx, next);
  if (s.listCursor + 1 < listCount(s)) scrollListTo(ctx, s.listCursor + 1);
}

/** The words after a tag change: how many here and, when other folders hold tags too, in all. */
function taggedWords(s: Pick<UiState, 'current' | 'tagged'>): string {
  const here = taggedHere(s).length;
  const all = taggedCount(s);
  if (all === 0) return 'No message tagged';
  const elsewhere = all - here;
  const where = elsewhere > 0 ? ` (${all} in ${plural(s.tagged!.length, 'folder')})` : '';
  return `${plural(here, 'message')} tagged here${where} — ; then an action applies to them`;
}

export function setTags(ctx: ControllerContext, uids: number[]): void {
  const cur = ctx.state.current;
  if (!cur) return;
  ctx.post({ type: 'tagsChanged', account: cur.account, path: cur.path, uids });
  ctx.notify(taggedWords(ctx.state));
}

export function untagAll(ctx: ControllerContext): void {
  const n = taggedCount(ctx.state);
  ctx.post({ type: 'tagsCleared' });
  ctx.notify(n ? `Untagged ${plural(n, 'message')}` : 'No message was tagged');
}

/** Drops removed messages from the tags of account/path. */
export function untagUids(ctx: ControllerContext, removed: readonly number[], account?: AccountId, path?: string): void {
  const cur = ctx.state.current;
  const a = account ?? cur?.account;
  const p = path ?? cur?.path;
  if (a === undefined || p === undefined) return;
  ctx.post({ type: 'untagged', account: a, path: p, uids: [...removed] });
}

export function askTagQuery(ctx: ControllerContext): void {
  if (!ctx.state.current) return ctx.notify('Open a folder first');
  ctx.post({ type: 'overlayShown', overlay: { kind: 'prompt', purpose: 'tagQuery', label: 'Tag matching: ', value: '' } });
}

/** Tags every message of the folder that matches `query` (one search on the server), added to the tags there are. */
export function tagByQuery(ctx: ControllerContext, query: string): void {
  const cur = ctx.state.current;
  if (!cur || query.trim() === '') return;
  let expression: ReturnType<typeof parseSearch>;
  try {
    expression = parseSearch(query);
  } catch (err) {
    if (err instanceof SearchSyntaxError) return ctx.fail(err, 'Query');
    throw err;
  }
  void (async () => {
    try {
      const acc = await backendFor(ctx, cur.account);
      const found = await ctx.track('searching…', acc.search(cur.path, { expression }));
      const now = ctx.state.current;
      if (!now || now.account !== cur.account || now.path !== cur.path) return;
      ctx.post({ type: 'tagsAdded', account: cur.account, path: cur.path, uids: found });
      const here = taggedHere(ctx.state).length;
      const all = taggedCount(ctx.state);
      ctx.notify(`${plural(found.length, 'message')} match "${sanitizeLine(query)}"; ${here} tagged${all > here ? ` here, ${all} in all` : ''}`);
    } catch (err) {
      ctx.fail(err, 'Tagging failed');
    }
  })();
}
