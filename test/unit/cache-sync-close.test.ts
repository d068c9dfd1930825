// close() while the header cache is still being opened: the open must be finished (and the cache
// closed again) before close() returns — otherwise the SQLite file appears in a data dir the
// caller is already removing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderCacheSync } from '../../src/accounts/imap/header-cache-sync.js';
import type { SummaryStore } from '../../src/store/summary-store.js';

test('close() waits for an open that is still under way and closes what it opened', async () => {
  let finishOpen!: () => void;
  let closedCache = false;
  const fakeCache = { close: () => void (closedCache = true) } as unknown as SummaryStore;
  const sync = new HeaderCacheSync({
    open: () => new Promise<SummaryStore>((resolve) => (finishOpen = () => resolve(fakeCache))),
    withFolder: async () => {
      throw new Error('not used');
    },
    emit: () => undefined,
    coldFillDelayMs: 0,
  });
  const peek = sync.peek('INBOX', 10);
  let closeReturned = false;
  const closing = Promise.resolve(sync.close()).then(() => (closeReturned = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(closeReturned, false, 'close() is still waiting for the open');
  finishOpen();
  await closing;
  assert.equal(closedCache, true, 'the cache opened late was closed');
  assert.equal(await peek, null);
});
