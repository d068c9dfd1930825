// The header cache writes a fetched window after the UI's frame (which renders once the queued
// promise callbacks have run), not before it: a cold start's first rows do not wait for the
// encoding. What the server said still reaches the cache in its order: an expunge or a flag change
// noted before the write applies to the rows written first.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HeaderCacheSync } from '../../src/accounts/imap/header-cache-sync.js';
import type { MessageSummary } from '../../src/domain/index.js';
import { SummaryStore } from '../../src/store/summary-store.js';

function summary(uid: number): MessageSummary {
  return {
    uid,
    flags: [],
    date: new Date(Date.UTC(2024, 0, 1) + uid * 60_000),
    from: [{ name: `Sender ${uid}`, address: `s${uid}@example.org` }],
    to: [],
    cc: [],
    subject: `Message ${uid}`,
    size: 100,
    hasAttachments: false,
    location: { kind: 'server' },
  };
}

/** A cache sync over `dir` with no server behind it; `cold`: it knows whether a store is on disk (as ImapAccount's does). */
function syncOver(dir: string, options: { cold?: boolean; onOpen?: (store: SummaryStore) => void } = {}): HeaderCacheSync {
  return new HeaderCacheSync({
    open: async () => {
      const store = await SummaryStore.open(dir, 'imap');
      options.onOpen?.(store);
      return store;
    },
    ...(options.cold ? { exists: () => SummaryStore.exists(dir) } : {}),
    withFolder: async () => {
      throw new Error('not used');
    },
    emit: () => undefined,
    coldFillDelayMs: 60_000,
  });
}

async function withSync(fn: (sync: HeaderCacheSync, store: () => SummaryStore) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-store-after-frame-'));
  let opened: SummaryStore | undefined;
  const sync = syncOver(dir, { onOpen: (store) => (opened = store) });
  try {
    sync.prepare();
    // The store is open (as on a cold start, where it opens during the login).
    while (!opened) await new Promise((r) => setImmediate(r));
    await fn(sync, () => opened!);
  } finally {
    await sync.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs every promise callback queued so far and those they queue (what the UI waits for before its frame). */
async function promiseCallbacks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise<void>((r) => process.nextTick(r));
}

test('a window is written after the promise callbacks (the frame), in the next check phase', async () => {
  await withSync(async (sync, store) => {
    sync.store('INBOX', 7n, [summary(1), summary(2), summary(3)]);
    await promiseCallbacks();
    assert.equal(store().summaries('INBOX', [1, 2, 3]).size, 0, 'not written before the frame');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([...store().summaries('INBOX', [1, 2, 3]).keys()].sort(), [1, 2, 3]);
  });
});

test('an expunge and a flag change noted before the write apply to the rows written first', async () => {
  await withSync(async (sync, store) => {
    sync.store('INBOX', 7n, [summary(1), summary(2), summary(3)]);
    await promiseCallbacks();
    sync.expunged('INBOX', 2);
    sync.flagsChanged('INBOX', 3, ['\\Seen']);
    await new Promise((r) => setTimeout(r, 300));
    const rows = store().summaries('INBOX', [1, 2, 3]);
    assert.deepEqual([...rows.keys()].sort(), [1, 3], 'the expunged row is not in the cache');
    assert.deepEqual(rows.get(3)?.flags, ['\\Seen'], 'the flag change is kept');
  });
});

test('close() writes what is still pending', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-store-after-frame-'));
  try {
    const sync = syncOver(dir);
    sync.prepare();
    sync.store('INBOX', 7n, [summary(1)]);
    await promiseCallbacks();
    await sync.close();
    const again = await SummaryStore.open(dir, 'imap');
    try {
      assert.equal(again.summaries('INBOX', [1]).size, 1);
    } finally {
      again.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('cold (no store on disk): created for the first rows after the frame; an expunge and a flag change before that still apply', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-store-after-frame-'));
  const sync = syncOver(dir, { cold: true });
  try {
    assert.equal(await sync.noteValidity('INBOX', 7n), false);
    assert.equal(await sync.hiddenDeleted(), undefined);
    sync.folderOpened('INBOX');
    assert.equal(SummaryStore.exists(dir), false, 'not created by the open');
    sync.store('INBOX', 7n, [summary(1), summary(2), summary(3)]);
    sync.expunged('INBOX', 2);
    sync.flagsChanged('INBOX', 3, ['\\Seen']);
    await promiseCallbacks();
    assert.equal(SummaryStore.exists(dir), false, 'not created before the frame');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(SummaryStore.exists(dir), true, 'created for the rows');
  } finally {
    await sync.close();
  }
  const store = await SummaryStore.open(dir, 'imap');
  try {
    assert.equal(store.folder('INBOX')?.uidValidity, 7n);
    const rows = store.summaries('INBOX', [1, 2, 3]);
    assert.deepEqual([...rows.keys()].sort(), [1, 3]);
    assert.deepEqual(rows.get(3)?.flags, ['\\Seen']);
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
