import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toSearchObject } from '../../src/accounts/imap/search-query.js';

test('SearchQuery maps to imapflow search criteria', () => {
  const since = new Date('2024-01-01T00:00:00Z');
  assert.deepEqual(toSearchObject({ text: 'x', from: 'bob', subject: 'hi', unseen: true, flagged: false, since }), {
    text: 'x',
    from: 'bob',
    subject: 'hi',
    seen: false,
    flagged: false,
    since,
  });
  assert.deepEqual(toSearchObject({ unseen: false }), { seen: true });
  assert.deepEqual(toSearchObject({}), { all: true });
});
