// What effects report (messages.ts `Result`) turned into state by the pure reducer: plain data in,
// plain data out, the input never changed (it is frozen: a mutation would throw).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReaderMessage } from '../../src/ui/message-loader.js';
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
    accounts: [
      {
        id: 'a',
        name: 'a',
        protocol: 'imap',
        status: 'connected',
        folders: [
          { path: 'INBOX', name: 'INBOX', delimiter: '/', selectable: true, total: 500, unread: 3 },
          { path: 'Archive', name: 'Archive', delimiter: '/', selectable: true, total: 10, unread: 0 },
        ],
      },
    ],
    folderCursor: 0,
    current: { account: 'a', path: 'INBOX', total: 500, unread: 3, opened: true },
    listCursor: 0,
    listTop: 0,
    loading: [],
    ...patch,
  } as UiState);

test('results: status line — a note clears the error, a failure the note, a where-note is kept for help', () => {
  const failed = reduceResult(base({ info: 'old' }), { type: 'failed', error: 'boom' }).state;
  assert.equal(failed.error, 'boom');
  assert.equal(failed.info, undefined);
  const noted = reduceResult(failed, { type: 'noted', info: 'ok' }).state;
  assert.deepEqual([noted.info, noted.error], ['ok', undefined]);
  const where = reduceResult(noted, { type: 'notedWhere', note: { short: 'Read (server)', full: 'Marked read on the server' } }).state;
  assert.deepEqual(where.lastNote, { short: 'Read (server)', full: 'Marked read on the server' });
});

test('results: a folder opened with new mail keeps the same message under the cursor and fetches what is in view', () => {
  const s = base({ listCursor: 5, listTop: 2 });
  const step = reduceResult(s, { type: 'folderOpened', account: 'a', path: 'INBOX', total: 504, unread: 7, keepPosition: true });
  assert.equal(step.state.current?.total, 504);
  assert.equal(step.state.listCursor, 9, 'four new rows above: the cursor follows its message');
  assert.equal(step.state.accounts[0]!.folders[0]!.unread, 7, 'the folder pane agrees with the status bar');
  assert.deepEqual(step.effects, [{ type: 'ensureVisible' }]);
  const moved = reduceResult(s, { type: 'folderOpened', account: 'a', path: 'INBOX', total: 504, unread: 7, keepPosition: false });
  assert.equal(moved.state.listCursor, 5);
});

test('results: an answer for a folder no longer shown changes nothing', () => {
  const s = base();
  const step = reduceResult(s, { type: 'folderOpened', account: 'a', path: 'Archive', total: 1, unread: 0, keepPosition: false });
  assert.equal(step.state, s);
  assert.deepEqual(step.effects, []);
});

test('results: opening a folder shows placeholders with its known counts and closes the reader', () => {
  const s = base({ reader: { account: 'a', path: 'INBOX', uid: 1, status: 'ready', scroll: 0, fullHeaders: false }, listCursor: 4 });
  const t = reduceResult(s, { type: 'folderOpening', account: 'a', path: 'Archive' }).state;
  assert.deepEqual(t.current, { account: 'a', path: 'Archive', total: 10, unread: 0, opened: false });
  assert.equal(t.reader, undefined);
  assert.equal(t.listCursor, 0);
});

test('results: a loaded message lands only in the reader that asked for it', () => {
  const message = { subject: 'hi' } as unknown as ReaderMessage;
  const opening = reduceResult(base({ pendingOpen: { account: 'a', path: 'INBOX', cursor: 0 } }), {
    type: 'readerOpening',
    account: 'a',
    path: 'INBOX',
    uid: 7,
  }).state;
  assert.equal(opening.focus, 'reader');
  assert.equal(opening.pendingOpen, undefined);
  assert.equal(opening.reader?.status, 'loading');
  assert.equal(reduceResult(opening, { type: 'messageLoaded', uid: 8, message }).state, opening, 'another message: dropped');
  const ready = reduceResult(opening, { type: 'messageLoaded', uid: 7, message }).state;
  assert.equal(ready.reader?.status, 'ready');
  assert.equal(ready.reader?.message, message);
  const failed = reduceResult(opening, { type: 'messageFailed', uid: 7, error: 'gone' }).state;
  assert.deepEqual([failed.reader?.status, failed.reader?.error], ['error', 'gone']);
});

test('results: read/unread moves the counts of the open folder and of its row, never below zero', () => {
  const t = reduceResult(base(), { type: 'unreadAdjusted', account: 'a', path: 'INBOX', delta: -1 }).state;
  assert.equal(t.current?.unread, 2);
  assert.equal(t.accounts[0]!.folders[0]!.unread, 2);
  const z = reduceResult(base({ current: { account: 'a', path: 'Archive', total: 10, unread: 0, opened: true } }), {
    type: 'unreadAdjusted',
    account: 'a',
    path: 'Archive',
    delta: -1,
  }).state;
  assert.equal(z.current?.unread, 0);
});

test('results: the warm start is account state until the login confirms it', () => {
  const shown = reduceResult(base({ current: undefined }), { type: 'cachedFolderShown', account: 'a', path: 'INBOX', total: 40, unread: 1 }).state;
  assert.equal(shown.accounts[0]!.warmFolder, 'INBOX');
  assert.deepEqual(shown.current, { account: 'a', path: 'INBOX', total: 40, unread: 1, opened: true });
  const ended = reduceResult(shown, { type: 'warmStartEnded', account: 'a' }).state;
  assert.equal(ended.accounts[0]!.warmFolder, undefined);
});

test('results: a dropped account takes its folder, reader and search off the screen', () => {
  const s = base({ search: { query: 'x', uids: [1] }, folderCursor: 2, focus: 'reader' });
  const t = reduceResult(s, { type: 'accountDropped', account: 'a', patch: { hidden: true } }).state;
  assert.equal(t.current, undefined);
  assert.equal(t.search, undefined);
  assert.equal(t.focus, 'list');
  assert.deepEqual(t.accounts[0]!.folders, []);
  assert.equal(t.accounts[0]!.hidden, true);
  assert.equal(t.folderCursor, 0, 'the folder cursor stays on a row');
});

test('results: a removed message leaves the reader and the search results', () => {
  const s = base({
    reader: { account: 'a', path: 'INBOX', uid: 3, status: 'ready', scroll: 0, fullHeaders: false },
    focus: 'reader',
    search: { query: 'x', uids: [5, 3, 1] },
  });
  const t = reduceResult(s, { type: 'messageRemoved', account: 'a', path: 'INBOX', uid: 3 }).state;
  assert.equal(t.reader, undefined);
  assert.equal(t.focus, 'list');
  assert.deepEqual(t.search?.uids, [5, 1]);
});

test('results: the trace view redraws on new lines and its "all" choice carries to the pane', () => {
  const s = base({ overlay: { kind: 'trace', scroll: 0, all: false, version: 1 }, tracePane: { all: false, version: 1 } });
  const grown = reduceResult(s, { type: 'traceGrew', version: 9 }).state;
  assert.deepEqual([grown.overlay?.kind === 'trace' && grown.overlay.version, grown.tracePane?.version], [9, 9]);
  const all = reduceResult(grown, { type: 'traceAllToggled' }).state;
  assert.deepEqual([all.overlay?.kind === 'trace' && all.overlay.all, all.tracePane?.all], [true, true]);
});
