// A cold start (no header cache on disk yet): the peek for the first screen answers "nothing
// cached" without opening (creating) the store, so the login is not held up by it; the store is
// opened by prepare() or on first use (ImapAccount's first use: the first rows, after their frame).
// The same through ImapAccount's peek, which also loads the hidden set (kept in the store).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { HeaderCacheSync } from '../../src/accounts/imap/header-cache-sync.js';
import { ImapAccount } from '../../src/accounts/imap/imap-account.js';
import { SummaryStore } from '../../src/store/summary-store.js';

function syncOver(dir: string, opens: { n: number }): HeaderCacheSync {
  return new HeaderCacheSync({
    open: () => {
      opens.n++;
      return SummaryStore.open(dir, 'imap');
    },
    exists: () => SummaryStore.exists(dir),
    withFolder: async () => {
      throw new Error('not used');
    },
    emit: () => undefined,
    coldFillDelayMs: 0,
  });
}

test('no store on disk: peek answers null without opening it; prepare() creates it; then peek opens it', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tmail-cold-peek-'));
  try {
    const opens = { n: 0 };
    const cold = syncOver(dir, opens);
    assert.equal(await cold.peek('INBOX', 10), null);
    assert.equal(opens.n, 0, 'not opened for the peek');
    assert.equal(SummaryStore.exists(dir), false, 'nothing created by the peek');
    cold.prepare();
    assert.equal(await cold.hiddenDeleted().then(() => opens.n), 1, 'opened once, by prepare()');
    assert.equal(SummaryStore.exists(dir), true);
    await cold.close();

    const later = syncOver(dir, opens);
    assert.equal(await later.peek('INBOX', 10), null, 'INBOX not cached yet');
    assert.equal(opens.n, 2, 'a store on disk is opened for the peek');
    await later.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the account's peek on a cold start creates no store either (the hidden set is not loaded for it)", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tmail-cold-peek-'));
  const account = new ImapAccount(
    { name: 'cold', protocol: 'imap', host: '127.0.0.1', port: 9, security: 'tls', user: 'alice' },
    { getPassword: async () => 'unused', dataDir: dir },
  );
  try {
    assert.equal(await account.peekCachedFolder('INBOX', 50), null);
    assert.equal(SummaryStore.exists(dir), false, 'nothing created before the login');
  } finally {
    await account.close();
    await rm(dir, { recursive: true, force: true });
  }
});
