// A folder's first header-cache fill lists UIDs the UI already counted when it opened the folder:
// they must not come back as new mail ('exists'), or the UI opens the folder again and refetches
// its rows. A change the session noted after the open (a reconnect) is still reported.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ImapFlow, MailboxObject } from 'imapflow';
import type { AccountEvent } from '../../src/accounts/account.js';
import { HeaderCacheSync } from '../../src/accounts/imap/header-cache-sync.js';
import { SummaryStore } from '../../src/store/summary-store.js';

/** Just what the full resync path uses of an ImapFlow: a UID list without ESEARCH. */
const client = {
  enabled: new Set<string>(),
  capabilities: new Map<string, boolean>(),
  search: async () => [1, 2, 3],
} as unknown as ImapFlow;
const mailbox = { path: 'INBOX', uidValidity: 7n, uidNext: 4, exists: 3, noModseq: true } as unknown as MailboxObject;

async function firstFill(between: (sync: HeaderCacheSync) => void): Promise<{ events: AccountEvent[]; added: number[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-first-fill-'));
  const events: AccountEvent[] = [];
  const sync = new HeaderCacheSync({
    open: () => SummaryStore.open(dir, 'imap'),
    withFolder: (_path, fn) => fn(client, mailbox),
    emit: (e) => events.push(e),
    coldFillDelayMs: 0,
  });
  try {
    sync.folderOpened('INBOX');
    between(sync);
    for (let i = 0; i < 2000 && !sync.lastResult.has('INBOX'); i++) await new Promise((r) => setTimeout(r, 5));
    const result = sync.lastResult.get('INBOX');
    assert.ok(result, 'the fill ran');
    return { events, added: result.added };
  } finally {
    await sync.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('the first fill of an opened folder reports no new mail', async () => {
  const { events, added } = await firstFill(() => undefined);
  assert.deepEqual(added, [1, 2, 3], 'the cache learned the UIDs');
  assert.deepEqual(
    events.filter((e) => e.type === 'exists' || e.type === 'expunged'),
    [],
  );
});

test('a server change noted after the open (a reconnect) is still reported by the first fill', async () => {
  const { events } = await firstFill((sync) => sync.serverChanged('INBOX'));
  assert.ok(
    events.some((e) => e.type === 'exists' && e.folder === 'INBOX'),
    JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
  );
});
