// A FETCH answer can hold the same message twice: the solicited response and an unsolicited one
// the server adds when another client changed that message's flags meanwhile (imapflow hands both
// to the running FETCH). The header-cache resync must report such a change once, with the latest
// flags, in the full FLAGS diff and in the CONDSTORE path alike.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ImapFlow, MailboxObject } from 'imapflow';
import { resyncFolder } from '../../src/accounts/imap/resync.js';
import { SummaryStore } from '../../src/store/summary-store.js';

type Row = { seq: number; uid: number; flags: Set<string>; modseq?: bigint };

/** Just what resyncFolder uses of an ImapFlow. */
function fakeClient(rows: Row[], opts: { condstore: boolean }): ImapFlow {
  const fake = {
    enabled: new Set(opts.condstore ? ['CONDSTORE'] : []),
    capabilities: new Map<string, boolean>(),
    search: async () => [1, 2, 3],
    fetchAll: async () => rows,
    on: () => fake,
    off: () => fake,
  };
  return fake as unknown as ImapFlow;
}

async function withStore(fn: (store: SummaryStore) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-resync-dup-'));
  const store = await SummaryStore.open(dir, 'imap');
  try {
    await fn(store);
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const mailbox = (highestModseq?: bigint) =>
  ({ path: 'INBOX', uidValidity: 7n, uidNext: 4, exists: 3, ...(highestModseq ? { highestModseq } : { noModseq: true }) }) as unknown as MailboxObject;

/** The cache knows UIDs 1..3, none of them \Seen. */
async function seed(store: SummaryStore, modseq?: bigint): Promise<void> {
  store.reset('INBOX', 7n);
  await store.replaceUids('INBOX', [1, 2, 3]);
  store.applyFlags(
    'INBOX',
    [1, 2, 3].map((uid) => ({ uid, flags: [] })),
  );
  store.setSyncPoint('INBOX', { highestModseq: modseq, uidNext: 4 });
}

test('full FLAGS diff: a message answered twice (solicited + unsolicited FETCH) is one change, with the latest flags', async () => {
  await withStore(async (store) => {
    await seed(store);
    const rows: Row[] = [
      { seq: 1, uid: 1, flags: new Set() },
      { seq: 2, uid: 2, flags: new Set(['\\Seen']) },
      { seq: 3, uid: 3, flags: new Set() },
      { seq: 2, uid: 2, flags: new Set(['\\Seen', '\\Flagged']) }, // unsolicited, later
    ];
    const result = await resyncFolder(fakeClient(rows, { condstore: false }), 'INBOX', mailbox(), store);
    assert.equal(result.mode, 'full');
    assert.deepEqual(result.flagChanges, [{ uid: 2, flags: ['\\Seen', '\\Flagged'] }]);
  });
});

test('CONDSTORE: the same', async () => {
  await withStore(async (store) => {
    await seed(store, 10n);
    const rows: Row[] = [
      { seq: 2, uid: 2, flags: new Set(['\\Seen']), modseq: 11n },
      { seq: 2, uid: 2, flags: new Set(['\\Seen']), modseq: 11n }, // the same change, sent again unsolicited
    ];
    const result = await resyncFolder(fakeClient(rows, { condstore: true }), 'INBOX', mailbox(12n), store);
    assert.equal(result.mode, 'condstore');
    assert.deepEqual(result.flagChanges, [{ uid: 2, flags: ['\\Seen'] }]);
  });
});
