// Tags: `x` tags the message under the cursor, `X` tags the matches of a search query, Ctrl-T
// untags all. Tags belong to one folder; `;` then applies the next action to all of them
// (bulk-actions.ts).
import { parseSearch, SearchSyntaxError } from '../../search/index.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { scrollListTo } from './folder-loading.js';
import { listCount, rowAt } from './list-geometry.js';
import type { UiState } from './types.js';

/** The tagged UIDs of the folder on screen (tags of another folder do not count). */
export function taggedHere(s: Pick<UiState, 'current' | 'tagged'>): number[] {
  const t = s.tagged;
  const cur = s.current;
  if (!t || !cur || t.account !== cur.account || t.path !== cur.path) return [];
  return t.uids;
}

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

export function setTags(ctx: ControllerContext, uids: number[]): void {
  const cur = ctx.state.current;
  if (!cur) return;
  ctx.store.set({ tagged: uids.length ? { account: cur.account, path: cur.path, uids } : undefined });
  ctx.notify(uids.length ? `${plural(uids.length, 'message')} tagged — ; then an action applies to them` : 'No message tagged');
}

export function untagAll(ctx: ControllerContext): void {
  const n = taggedHere(ctx.state).length;
  ctx.store.set({ tagged: undefined, tagPrefix: undefined });
  ctx.notify(n ? `Untagged ${plural(n, 'message')}` : 'No message was tagged');
}

/** Drops removed messages from the tags. */
export function untagUids(ctx: ControllerContext, removed: readonly number[]): void {
  const t = ctx.state.tagged;
  if (!t) return;
  const left = t.uids.filter((u) => !removed.includes(u));
  ctx.store.set({ tagged: left.length ? { ...t, uids: left } : undefined });
}

export function askTagQuery(ctx: ControllerContext): void {
  if (!ctx.state.current) return ctx.notify('Open a folder first');
  ctx.store.set({ overlay: { kind: 'prompt', purpose: 'tagQuery', label: 'Tag matching: ', value: '' } });
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
      const before = taggedHere(ctx.state);
      const have = new Set(before);
      const uids = [...before, ...found.filter((u) => !have.has(u))];
      ctx.store.set({ tagged: uids.length ? { account: cur.account, path: cur.path, uids } : undefined });
      ctx.notify(`${plural(found.length, 'message')} match "${sanitizeLine(query)}"; ${uids.length} tagged`);
    } catch (err) {
      ctx.fail(err, 'Tagging failed');
    }
  })();
}
