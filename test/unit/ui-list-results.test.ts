// Tags, removals, search results and the list's order as the pure result reducer makes them:
// plain data in, plain data out, the input never changed (it is frozen: a mutation would throw).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reduceResult } from '../../src/ui/state/reducer/results.js';
import type { UiState } from '../../src/ui/state/types.js';

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

const base = (patch: Partial<UiState> = {}): UiState =>
  deepFreeze({
    cols: 100,
    rows: 30,
    focus: 'list',
    accounts: [{ id: 'a', name: 'a', protocol: 'imap', status: 'connected', folders: [] }],
    folderCursor: 0,
    current: { account: 'a', path: 'INBOX', total: 500, unread: 3, opened: true },
    listCursor: 40,
    listTop: 30,
    loading: [],
    ...patch,
  } as UiState);

const ENSURE = [{ type: 'ensureVisible' }];

test('list results: tags are set, added without doubles, dropped, and cleared with a pending ;', () => {
  const other = { account: 'b', path: 'Work', uids: [9] };
  const set = reduceResult(base({ tagged: [other] }), { type: 'tagsChanged', account: 'a', path: 'INBOX', uids: [3, 5] }).state;
  assert.deepEqual(set.tagged, [other, { account: 'a', path: 'INBOX', uids: [3, 5] }], "another folder's tags stay");
  const added = reduceResult(deepFreeze(set), { type: 'tagsAdded', account: 'a', path: 'INBOX', uids: [5, 7] }).state;
  assert.deepEqual(added.tagged?.find((g) => g.path === 'INBOX')?.uids, [3, 5, 7]);
  const dropped = reduceResult(deepFreeze(added), { type: 'untagged', account: 'a', path: 'INBOX', uids: [3, 5, 7] }).state;
  assert.deepEqual(dropped.tagged, [other], 'a folder with no tag left has no group');
  const emptied = reduceResult(base({ tagged: [other] }), { type: 'tagsChanged', account: 'b', path: 'Work', uids: [] }).state;
  assert.equal(emptied.tagged, undefined);
  const cleared = reduceResult(base({ tagged: [other], tagPrefix: true }), { type: 'tagsCleared' }).state;
  assert.deepEqual([cleared.tagged, cleared.tagPrefix], [undefined, undefined]);
});

test('list results: untagging messages that were not tagged changes nothing', () => {
  const s = base({ tagged: [{ account: 'a', path: 'INBOX', uids: [3] }] });
  assert.equal(reduceResult(s, { type: 'untagged', account: 'a', path: 'INBOX', uids: [4] }).state, s);
  assert.equal(reduceResult(s, { type: 'untagged', account: 'a', path: 'Archive', uids: [3] }).state, s);
});

test('list results: removed messages move the cursor up by those above it, close their reader and leave the search', () => {
  const reader = { account: 'a', path: 'INBOX', uid: 8, status: 'loading', scroll: 0, fullHeaders: false } as const;
  const s = base({ focus: 'reader', reader, search: { query: 'x', uids: [9, 8, 7] } });
  const t = reduceResult(s, { type: 'messagesRemoved', account: 'a', path: 'INBOX', uids: [8, 2], above: 2 }).state;
  assert.deepEqual([t.listCursor, t.listTop], [38, 28]);
  assert.deepEqual([t.reader, t.focus], [undefined, 'list']);
  assert.deepEqual(t.search?.uids, [9, 7]);
  // The same UIDs in another folder are other messages: nothing here moves.
  const elsewhere = reduceResult(s, { type: 'messagesRemoved', account: 'a', path: 'Archive', uids: [8], above: 1 }).state;
  assert.equal(elsewhere, s);
});

test('list results: a search answer shows its matches from the top in the list; an empty search the whole folder', () => {
  const s = base({ focus: 'folders' });
  const shown = reduceResult(s, { type: 'searchShown', search: { query: 'from:bob', uids: [4, 2], saved: 'Bob' } });
  assert.deepEqual(shown.state.search, { query: 'from:bob', uids: [4, 2], saved: 'Bob' });
  assert.deepEqual([shown.state.listCursor, shown.state.listTop, shown.state.focus], [0, 0, 'list']);
  assert.deepEqual(shown.effects, ENSURE, 'the rows it shows are fetched');
  const cleared = reduceResult(deepFreeze(shown.state), { type: 'searchCleared' });
  assert.equal(cleared.state.search, undefined);
  assert.deepEqual([cleared.state.listCursor, cleared.state.listTop], [0, 0]);
  assert.deepEqual(cleared.effects, ENSURE);
});

test('list results: a new order restarts the list at the top, except under a search', () => {
  const collapsed = { account: 'a', path: 'INBOX', threads: [] };
  const threads = reduceResult(base({ collapsed }), { type: 'orderChanged', threads: true });
  assert.deepEqual([threads.state.threads, threads.state.collapsed], [true, undefined]);
  assert.deepEqual([threads.state.listCursor, threads.state.listTop], [0, 0]);
  assert.deepEqual(threads.effects, ENSURE);
  const sorted = reduceResult(deepFreeze(threads.state), { type: 'orderChanged', threads: false, sort: 'from', sortFromByAddress: true }).state;
  assert.deepEqual([sorted.sort, sorted.threads, sorted.sortFromByAddress], ['from', false, true]);
  const searched = reduceResult(base({ search: { query: 'x', uids: [1] } }), { type: 'orderChanged', threads: false, sort: 'date', sortFromByAddress: false });
  assert.deepEqual([searched.state.sort, searched.state.listCursor, searched.state.listTop], ['date', 40, 30], 'the search keeps its place');
  assert.deepEqual(searched.effects, []);
});
