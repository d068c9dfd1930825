// The UI's logic without rendering anything: layout, key table, window cache, controller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildKeyTable, KeyConfigError, splitTyped, actionFor } from '../../src/ui/keys/bindings.js';
import { computeLayout } from '../../src/ui/state/layout.js';
import { WindowCache } from '../../src/ui/state/window-cache.js';
import type { MessageSummary } from '../../src/domain/index.js';
import { FakeAccount } from './ui-fake-account.js';
import { noLoader, startController } from '../helpers/ui-controller.js';

const until = async (pred: () => boolean, what: string) => {
  const end = Date.now() + 5000;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const controllerFor = (acc: FakeAccount, cols = 100, rows = 30, loader = noLoader) => startController([acc], { cols, rows, loader });

test('layout: one pane below 60 columns, folders beside the list (reader full width) up to 149, three columns from 150', () => {
  const tiny = computeLayout(40, 10, 'list', false);
  assert.equal(tiny.mode, 'single');
  assert.deepEqual(tiny.list, { width: 40, height: 8 });
  assert.equal(tiny.folders, undefined);
  assert.equal(computeLayout(40, 10, 'reader', false).list?.width, 40, 'no reader open: the list is shown');
  assert.equal(computeLayout(40, 10, 'reader', true).reader?.width, 40);
  const small = computeLayout(80, 24, 'list', false);
  assert.equal(small.mode, 'sidebar');
  assert.ok(small.folders!.width >= 16 && small.folders!.width <= 26);
  assert.equal(small.folders!.width + small.list!.width, 80);
  assert.equal(small.list!.height, 22);
  const reading = computeLayout(80, 24, 'reader', true);
  assert.deepEqual(reading.reader, { width: 80, height: 22 }, 'the reader replaces folders and list');
  assert.equal(reading.list, undefined);
  const collapsed = computeLayout(80, 24, 'list', false, true);
  assert.deepEqual(collapsed.list, { width: 80, height: 22 });
  assert.equal(collapsed.folders, undefined);
  assert.ok(computeLayout(80, 24, 'folders', false, true).folders, 'a hidden folder pane still shows when focused');
  for (const cols of [150, 180, 199, 250]) {
    const wide = computeLayout(cols, 60, 'list', true);
    assert.equal(wide.mode, 'columns');
    assert.equal(wide.folders!.width + wide.list!.width + wide.reader!.width, cols);
    assert.ok(wide.list!.width > wide.reader!.width, `${cols}: the list gets the room`);
    assert.ok(wide.reader!.width >= 50, `${cols}: the reader still fits a mail line`);
  }
});

test('key table: user keys replace defaults and are taken from other actions; mistakes are precise', () => {
  const t = buildKeyTable({ quit: 'j Q', down: 'n' });
  assert.equal(actionFor(t, 'j'), 'quit');
  assert.equal(actionFor(t, 'Q'), 'quit');
  assert.equal(actionFor(t, 'q'), undefined);
  assert.equal(actionFor(t, 'n'), 'down');
  assert.equal(actionFor(t, 'down'), undefined, 'down arrow went with the replaced default');
  assert.throws(
    () => buildKeyTable({ jump: 'x' }),
    (e: Error) => e instanceof KeyConfigError && /unknown action "jump"/.test(e.message),
  );
  assert.throws(() => buildKeyTable({ quit: '  ' }), /keys\.quit/);
});

test('several keys read at once are split into single keys', () => {
  assert.deepEqual(splitTyped('jj\r\u0004 G'), [
    { spec: 'j', text: 'j' },
    { spec: 'j', text: 'j' },
    { spec: 'enter', text: '' },
    { spec: 'C-d', text: '' },
    { spec: 'space', text: ' ' },
    { spec: 'G', text: 'G' },
  ]);
  assert.deepEqual(
    splitTyped('a\u001b\u009bb'),
    [
      { spec: 'a', text: 'a' },
      { spec: 'b', text: 'b' },
    ],
    'control characters dropped',
  );
});

test('window cache: answers from before an invalidation are dropped; size is bounded', () => {
  const c = new WindowCache();
  const s = (uid: number) => ({ uid }) as MessageSummary;
  assert.deepEqual(c.missing('k', 0, 120), [0, 1, 2]);
  const gen = c.begin('k', 0);
  assert.deepEqual(c.missing('k', 0, 120), [1, 2], 'pending windows are not asked twice');
  c.invalidate('k');
  assert.equal(c.store('k', 0, gen, [s(1)]), false);
  assert.equal(c.at('k', 0), undefined);
  for (let w = 0; w < 300; w++) c.store('k', w, c.begin('k', w), [s(w)]);
  assert.ok(c.windowCount('k') <= 200);
  assert.equal(c.byUid('k', 299)?.uid, 299);
  assert.equal(c.byUid('k', 0), undefined, 'evicted');
});

test('controller: G on 100k fetches the last window only, input returns before the network answers', async () => {
  const acc = new FakeAccount();
  const c = controllerFor(acc);
  await until(() => c.rowAt(0) !== undefined, 'first window');
  const before = acc.windowCalls.length;
  c.handleKey({ spec: 'G', text: 'G' });
  assert.equal(c.state.listCursor, 99_999, 'cursor moved synchronously');
  assert.equal(c.rowAt(99_999), undefined, 'data not there yet');
  await until(() => c.rowAt(99_999) !== undefined, 'last window');
  const starts = acc.windowCalls.slice(before).map((w) => w.start);
  assert.ok(
    starts.every((s) => s >= 99_900),
    `windows near the end only: ${starts}`,
  );
  await c.stop();
});

test('controller: a UIDVALIDITY change drops the cache and refetches', async () => {
  const acc = new FakeAccount({ inboxSize: 30 });
  const c = controllerFor(acc);
  await until(() => c.rowAt(0) !== undefined, 'first window');
  const calls = acc.windowCalls.length;
  acc.emit({ type: 'uidvalidity', folder: 'INBOX', uidValidity: 2n });
  assert.equal(c.rowAt(0), undefined, 'cached rows are gone at once');
  await until(() => c.rowAt(0) !== undefined && acc.windowCalls.length > calls, 'refetched');
  await c.stop();
});

test('controller: Enter on a row still being fetched opens that message when its row arrives', async () => {
  const acc = new FakeAccount({ inboxSize: 30 });
  const loaded: number[] = [];
  const c = controllerFor(acc, 100, 30, {
    ...noLoader,
    load: async (_a, _p, uid) => {
      loaded.push(uid);
      return new Promise(() => undefined); // stays loading: only which message was asked matters
    },
  });
  await until(() => c.rowAt(0) !== undefined, 'first window');
  acc.emit({ type: 'uidvalidity', folder: 'INBOX', uidValidity: 2n });
  assert.equal(c.rowAt(0), undefined, 'the row is being fetched again');
  c.handleKey({ spec: 'enter', text: '' });
  assert.deepEqual(loaded, [], 'nothing to open yet');
  await until(() => loaded.length === 1, 'opened once the row arrived');
  assert.deepEqual(loaded, [30]);
  // Moving away before the row arrives cancels the open.
  c.handleKey({ spec: 'h', text: 'h' });
  acc.emit({ type: 'uidvalidity', folder: 'INBOX', uidValidity: 3n });
  c.handleKey({ spec: 'enter', text: '' });
  c.handleKey({ spec: 'j', text: 'j' });
  await until(() => c.rowAt(0) !== undefined, 'refetched');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(loaded, [30], 'the cursor moved on: nothing else opened');
  await c.stop();
});

test('controller: poll picks up flags changed elsewhere on a backend that does not push', async () => {
  const acc = new FakeAccount({ inboxSize: 30 });
  const c = controllerFor(acc);
  await until(() => c.rowAt(0) !== undefined, 'first window');
  assert.ok(!c.rowAt(0)!.flags.includes('\\Flagged'));
  await acc.addFlags('INBOX', [30], ['\\Flagged']); // "another device"
  c.poll();
  await until(() => c.rowAt(0)!.flags.includes('\\Flagged'), 'flag seen after poll');
  await c.stop();
});

test('controller: new mail keeps the selected message under the cursor', async () => {
  const acc = new FakeAccount({ inboxSize: 30 });
  const c = controllerFor(acc);
  await until(() => c.rowAt(0) !== undefined, 'first window');
  c.handleKey({ spec: 'j', text: 'j' });
  c.handleKey({ spec: 'j', text: 'j' });
  assert.equal(c.rowAt(c.state.listCursor)?.uid, 28);
  acc.deliver(2);
  acc.emit({ type: 'exists', folder: 'INBOX', total: 32 });
  await until(() => c.state.current?.total === 32 && c.rowAt(c.state.listCursor) !== undefined, 'reopened');
  assert.equal(c.rowAt(c.state.listCursor)?.uid, 28);
  await c.stop();
});
