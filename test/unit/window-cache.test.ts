import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageSummary } from '../../src/domain/index.js';
import { MAX_LOOSE_SUMMARIES, MAX_WINDOWS_PER_FOLDER, WINDOW_SIZE, WindowCache } from '../../src/ui/state/window-cache.js';

const window = (w: number): MessageSummary[] => Array.from({ length: WINDOW_SIZE }, (_, i) => ({ uid: w * WINDOW_SIZE + i + 1 }) as MessageSummary);
const put = (c: WindowCache, w: number) => c.store('k', w, c.begin('k', w), window(w));

test('window cache: scrolling through 100k messages keeps at most MAX_WINDOWS_PER_FOLDER windows', () => {
  const c = new WindowCache();
  for (let w = 0; w < 100_000 / WINDOW_SIZE; w++) put(c, w);
  assert.equal(c.windowCount('k'), MAX_WINDOWS_PER_FOLDER);
  assert.equal(c.summaryCount('k'), MAX_WINDOWS_PER_FOLDER * WINDOW_SIZE, 'the UID index shrinks with the windows');
  assert.equal(c.at('k', 0), undefined, 'the first window went');
  assert.equal(c.byUid('k', 1), undefined);
  assert.equal(c.at('k', 99_999)?.uid, 100_000, 'the last window stayed');
});

test('window cache: eviction is least recently used — a window being looked at survives', () => {
  const c = new WindowCache();
  put(c, 0);
  for (let w = 1; w < MAX_WINDOWS_PER_FOLDER + 30; w++) {
    assert.equal(c.at('k', 3)?.uid, 4, `window 0 still there after storing window ${w}`);
    put(c, w);
  }
  assert.equal(c.windowCount('k'), MAX_WINDOWS_PER_FOLDER);
  assert.equal(c.at('k', WINDOW_SIZE), undefined, 'window 1 (never read again) was evicted instead');
  assert.deepEqual(c.missing('k', 0, WINDOW_SIZE * 2), [1], 'an evicted window is asked for again');
});

test('window cache: a window stored again replaces its summaries in the UID index', () => {
  const c = new WindowCache();
  put(c, 0);
  const fresh = window(0).map((s) => ({ ...s, subject: 'new' }));
  c.store('k', 0, c.begin('k', 0), fresh);
  assert.equal(c.byUid('k', 1)?.subject, 'new');
  c.invalidateWindows('k', [0]);
  assert.equal(c.byUid('k', 1), undefined, 'dropping a window drops its index entries');
  assert.equal(c.summaryCount('k'), 0);
});

test('window cache: summaries stored by UID (search results) are bounded, newest kept', () => {
  const c = new WindowCache();
  const total = MAX_LOOSE_SUMMARIES * 3;
  for (let uid = 1; uid <= total; uid += 25) {
    c.putByUid(
      'k',
      Array.from({ length: 25 }, (_, i) => ({ uid: uid + i }) as MessageSummary),
    );
  }
  assert.equal(c.summaryCount('k'), MAX_LOOSE_SUMMARIES);
  assert.equal(c.byUid('k', total)?.uid, total);
  assert.equal(c.byUid('k', 1), undefined);
  c.invalidate('k');
  assert.equal(c.summaryCount('k'), 0);
});

test('window cache: update replaces a row (the old object is untouched) and tells subscribers', () => {
  const c = new WindowCache();
  const rows = window(0).map((r) => ({ ...r, flags: [] }));
  c.store('k', 0, c.begin('k', 0), rows);
  c.putByUid('k', [{ uid: 999, flags: [] } as unknown as MessageSummary]);
  let told = 0;
  c.subscribe(() => told++);
  const before = c.snapshot();
  const old = c.at('k', 2)!;
  const next = c.update('k', old.uid, (s) => ({ ...s, flags: ['\\Seen'] }));
  assert.deepEqual(old.flags, [], 'the old summary did not change');
  assert.deepEqual(next?.flags, ['\\Seen']);
  assert.equal(c.at('k', 2), next, 'the window shows the new row');
  assert.equal(c.byUid('k', old.uid), next, 'and so does the UID index');
  assert.equal(c.update('k', 999, (s) => ({ ...s, flags: ['\\Flagged'] }))?.flags[0], '\\Flagged', 'search rows too');
  assert.equal(told, 2);
  assert.notEqual(c.snapshot(), before, 'a new snapshot: the UI redraws without a counter');
  assert.equal(
    c.update('k', 12345, (s) => s),
    undefined,
    'an unknown UID changes nothing',
  );
  assert.equal(told, 2);
});
