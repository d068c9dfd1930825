// New or expunged mail in the open folder: the list keeps drawing its old rows until the refetch
// lands (no placeholders), but those rows are refetched and no action is taken on them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageSummary } from '../../src/domain/index.js';
import { folderKey, WINDOW_SIZE, WindowCache } from '../../src/ui/state/window-cache.js';

const row = (uid: number): MessageSummary =>
  ({
    uid,
    flags: [],
    date: new Date(0),
    from: [],
    to: [],
    cc: [],
    subject: `m${uid}`,
    size: 1,
    hasAttachments: false,
    location: { kind: 'server' },
  }) as MessageSummary;
const rows = (from: number) => Array.from({ length: WINDOW_SIZE }, (_, i) => row(from - i));

test('markStale keeps rows drawable, reports them missing, and a late old answer is dropped', () => {
  const cache = new WindowCache();
  const key = folderKey('a', 'INBOX');
  const old = cache.begin(key, 0);
  cache.store(key, 0, old, rows(100));
  const inFlight = cache.begin(key, 1);
  cache.markStale(key);
  assert.equal(cache.at(key, 0)?.uid, 100, 'the old row is still drawn');
  assert.equal(cache.freshAt(key, 0), undefined, 'but no action is taken on it');
  assert.deepEqual(cache.missing(key, 0, 2 * WINDOW_SIZE), [0, 1], 'both windows are fetched again');
  assert.equal(cache.store(key, 1, inFlight, rows(50)), false, 'an answer from before the change is dropped');
  const gen = cache.begin(key, 0);
  assert.deepEqual(cache.missing(key, 0, WINDOW_SIZE), [], 'pending now');
  assert.equal(cache.at(key, 0)?.uid, 100, 'still the old row while the refetch is under way');
  assert.equal(cache.store(key, 0, gen, rows(101)), true);
  assert.equal(cache.at(key, 0)?.uid, 101);
  assert.equal(cache.freshAt(key, 0)?.uid, 101);
  assert.equal(cache.byUid(key, 101)?.subject, 'm101');
});
