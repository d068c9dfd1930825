import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uidSet, uidSets } from '../../src/accounts/imap/window.js';

test('a UID set is split only where the line would be too long, never inside a range', () => {
  assert.deepEqual(uidSets([5, 1, 2, 3, 9]), ['1:3,5,9']);
  assert.deepEqual(uidSets([]), []);
  assert.deepEqual(uidSets([1, 3, 5, 7, 8, 9], 7), ['1,3,5', '7:9']);
  const scattered = Array.from({ length: 20_000 }, (_, i) => 1 + 2 * i);
  const sets = uidSets(scattered);
  assert.ok(sets.every((s) => s.length <= 8000));
  assert.equal(sets.join(','), uidSet(scattered), 'together they are exactly the set');
  assert.deepEqual(uidSets(Array.from({ length: 100_000 }, (_, i) => i + 1)), ['1:100000']);
});
