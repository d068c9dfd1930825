import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SortedUidCache, arrivalSeqRange, uidSet } from '../../src/accounts/imap/window.js';

test('arrivalSeqRange: position 0 is the newest (highest sequence number)', () => {
  assert.deepEqual(arrivalSeqRange(100_000, 0, 50), { lo: 99_951, hi: 100_000 });
  assert.deepEqual(arrivalSeqRange(100_000, 50, 50), { lo: 99_901, hi: 99_950 });
  assert.deepEqual(arrivalSeqRange(30, 28, 10), { lo: 1, hi: 2 });
  assert.deepEqual(arrivalSeqRange(1, 0, 1), { lo: 1, hi: 1 });
});

test('arrivalSeqRange: empty or out-of-range windows fetch nothing', () => {
  assert.equal(arrivalSeqRange(0, 0, 50), null);
  assert.equal(arrivalSeqRange(30, 30, 10), null);
  assert.equal(arrivalSeqRange(30, 0, 0), null);
  assert.equal(arrivalSeqRange(30, -1, 5), null);
  assert.equal(arrivalSeqRange(30, 1.5, 5), null);
});

test('uidSet compacts runs, sorts and drops duplicates', () => {
  assert.equal(uidSet([5, 3, 4, 9, 1, 4]), '1,3:5,9');
  assert.equal(uidSet([7]), '7');
  assert.equal(uidSet([10, 11, 12, 13]), '10:13');
});

test('SortedUidCache is keyed by folder, UIDVALIDITY and the folder state', () => {
  const cache = new SortedUidCache();
  const state = { uidValidity: 1n, exists: 3, uidNext: 4 };
  cache.set('INBOX', state, [3, 2, 1]);
  assert.deepEqual(cache.get('INBOX', { ...state }), [3, 2, 1]);
  assert.equal(cache.get('INBOX', { ...state, uidValidity: 2n }), undefined, 'another UIDVALIDITY means other UIDs');
  assert.equal(cache.get('INBOX', { ...state, exists: 4, uidNext: 5 }), undefined, 'new mail arrived while away');
  assert.equal(cache.get('INBOX', { ...state, uidNext: 5 }), undefined, 'one expunged, one arrived');
  assert.equal(cache.get('Work', state), undefined);
  cache.invalidate('INBOX');
  assert.equal(cache.get('INBOX', state), undefined);
  cache.set('A', state, [1]);
  cache.set('B', state, [1]);
  cache.invalidate();
  assert.equal(cache.get('A', state), undefined);
  assert.equal(cache.get('B', state), undefined);
});
