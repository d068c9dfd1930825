// expandUidSet: the compact ESEARCH answer becomes the folder's UID list, with a bound a hostile
// server cannot get past.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandUidSet } from '../../src/accounts/imap/resync.js';

test('expands ranges and single UIDs in ascending order', () => {
  assert.deepEqual(expandUidSet('', 10), []);
  assert.deepEqual(expandUidSet('7,1:3', 10), [1, 2, 3, 7]);
  assert.deepEqual(expandUidSet('5:3', 10), [3, 4, 5]);
  assert.equal(expandUidSet('1:100000', 100_000).length, 100_000);
});

test('refuses more UIDs than the folder can hold and malformed sets', () => {
  assert.throws(() => expandUidSet('1:4294967295', 100_000), /more UIDs than the folder holds/);
  assert.throws(() => expandUidSet('1:5,9:12', 8), /more UIDs/);
  assert.throws(() => expandUidSet('a:3', 10), /malformed/);
  assert.throws(() => expandUidSet('0:3', 10), /malformed/);
});
