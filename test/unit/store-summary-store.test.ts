// SummaryStore (IMAP rows): windows by position, UIDVALIDITY reset, flag/UID updates, private files, a damaged
// file rebuilt, and a writer SIGKILLed mid-write leaving only whole batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STORE_FILE as CACHE_FILE, SummaryStore } from '../../src/store/summary-store.js';
import type { MessageSummary } from '../../src/domain/index.js';

function summary(uid: number, extra: Partial<MessageSummary> = {}): MessageSummary {
  return {
    uid,
    flags: [],
    date: new Date(Date.UTC(2024, 0, 1) + uid * 60_000),
    from: [{ name: `Sender ${uid}`, address: `s${uid}@example.org` }],
    to: [{ name: '', address: 'alice@example.org' }],
    cc: [],
    subject: `Message ${uid}`,
    size: 100 + uid,
    hasAttachments: uid % 2 === 0,
    location: { kind: 'server' },
    ...extra,
  };
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'tmail-cache-'));
}

test('round trip, positions newest first, UID list replacement and flags', async () => {
  const root = await tempDir();
  const dir = path.join(root, 'data');
  const cache = await SummaryStore.open(dir, 'imap');
  try {
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal((await stat(path.join(dir, CACHE_FILE))).mode & 0o777, 0o600);
    cache.reset('INBOX', 42n);
    cache.putSummaries('INBOX', [summary(1, { messageId: '<a@x>', inReplyTo: '<b@x>' }), summary(2, { flags: ['\\Seen', '$Label'] }), summary(3)]);
    assert.equal(cache.folder('INBOX')?.complete, false);
    const diff = await cache.replaceUids('INBOX', [2, 3, 4]);
    assert.deepEqual(diff, { added: [4], removed: [1] });
    const folder = cache.folder('INBOX')!;
    assert.equal(folder.complete, true);
    assert.equal(folder.uidValidity, 42n);
    assert.equal(folder.count, 3);
    const rows = cache.window('INBOX', 0, 10);
    assert.deepEqual(
      rows.map((r) => r.uid),
      [4, 3, 2],
    );
    assert.equal(rows[0]!.summary, null, 'a UID known only from the list has no summary yet');
    assert.deepEqual(rows[2]!.summary, summary(2, { flags: ['\\Seen', '$Label'] }));
    assert.deepEqual(
      cache.window('INBOX', 1, 1).map((r) => r.uid),
      [3],
    );
    assert.deepEqual(
      cache.applyFlags('INBOX', [
        { uid: 3, flags: ['\\Flagged'] },
        { uid: 9, flags: [] },
      ]),
      [9],
    );
    assert.deepEqual(cache.summaries('INBOX', [3]).get(3)?.flags, ['\\Flagged']);
    cache.removeUids('INBOX', [9, 4]);
    cache.setSyncPoint('INBOX', { highestModseq: 123456789012345n, uidNext: 10 });
    assert.equal(cache.folder('INBOX')?.highestModseq, 123456789012345n);
    cache.setUnread('INBOX', 2);
    assert.equal(cache.folder('INBOX')?.unread, 2);
    cache.reset('Old', 1n);
    cache.putSummaries('Old', [summary(1)]);
    assert.deepEqual(cache.folderPaths().sort(), ['INBOX', 'Old']);
    cache.forget('Old');
    assert.deepEqual(cache.folderPaths(), ['INBOX']);
    assert.equal(cache.count('Old'), 0);
    // A new UIDVALIDITY starts the folder over.
    cache.reset('INBOX', 43n);
    assert.deepEqual(cache.folder('INBOX'), { uidValidity: 43n, highestModseq: undefined, uidNext: 0, complete: false, count: 0, unread: 0 });
  } finally {
    cache.close();
    await rm(root, { recursive: true, force: true });
  }
});

/** What count(*) says, to check the count the store keeps in the folder row. */
function rowsCounted(dir: string, folderPath: string): Promise<number> {
  return SummaryStore.open(dir, 'imap').then((s) => {
    try {
      return s.window(folderPath, 0, 1_000_000).length;
    } finally {
      s.close();
    }
  });
}

test('a big UID list is filled in slices that give the event loop back; the kept count and windows from both ends agree with the rows', async () => {
  const root = await tempDir();
  const dir = path.join(root, 'data');
  const cache = await SummaryStore.open(dir, 'imap');
  try {
    cache.reset('INBOX', 7n);
    // Summaries of a window already fetched, and a UID the server no longer has.
    cache.putSummaries('INBOX', [summary(2_500), summary(2_501, { flags: ['\\Seen'] }), summary(90_000)]);
    assert.equal(cache.count('INBOX'), 3);
    cache.putSummaries('INBOX', [summary(2_500, { subject: 'again' })]);
    assert.equal(cache.count('INBOX'), 3, 'an update is not a new row');
    // 1..3000 without 1000..1099, and 5000..5009: four slices of 1,000 and a few runs.
    const server = [
      ...Array.from({ length: 3_000 }, (_, i) => i + 1).filter((u) => u < 1_000 || u >= 1_100),
      ...Array.from({ length: 10 }, (_, i) => 5_000 + i),
    ];
    let turns = 0;
    let filling = true;
    const ticker = (async () => {
      while (filling) {
        await new Promise((r) => setImmediate(r));
        turns++;
      }
    })();
    const diff = await cache.replaceUids('INBOX', [...server].reverse(), 1_000);
    filling = false;
    await ticker;
    assert.ok(turns >= 3, `the event loop ran between slices (${turns} turns)`);
    assert.deepEqual(diff.removed, [90_000]);
    assert.equal(diff.added.length, server.length - 2);
    assert.ok(!diff.added.includes(2_500) && !diff.added.includes(2_501));
    assert.deepEqual(diff.added.slice(0, 3), [1, 2, 3]);
    const folder = cache.folder('INBOX')!;
    assert.equal(folder.complete, true);
    assert.equal(folder.count, server.length);
    assert.equal(await rowsCounted(dir, 'INBOX'), server.length, 'the kept count is the number of rows');
    // Newest first at both ends and in the middle, the same as one OFFSET from the top.
    const newestFirst = [...server].reverse();
    for (const start of [0, 5, 1_440, 1_450, server.length - 50, server.length - 3, server.length]) {
      assert.deepEqual(
        cache.window('INBOX', start, 50).map((r) => r.uid),
        newestFirst.slice(start, start + 50),
        `window at ${start}`,
      );
    }
    const kept = cache.window('INBOX', newestFirst.indexOf(2_501), 2);
    assert.deepEqual(
      kept.map((r) => [r.uid, r.summary?.subject ?? null]),
      [
        [2_501, summary(2_501).subject],
        [2_500, 'again'],
      ],
      'summaries already cached survive the fill',
    );
    // A second fill with nothing new reads no slice back and changes nothing; runs (an ESEARCH
    // answer, in any order) say the same as the single UIDs.
    assert.deepEqual(await cache.replaceUids('INBOX', server, 1_000), { added: [], removed: [] });
    assert.deepEqual(
      await cache.replaceUids('INBOX', {
        runs: [
          [5_000, 5_009],
          [1_100, 3_000],
          [999, 1],
        ],
      }),
      { added: [], removed: [] },
    );
    assert.deepEqual(
      await cache.replaceUids('INBOX', {
        runs: [
          [1, 999],
          [1_100, 3_000],
          [5_000, 5_010],
        ],
      }),
      { added: [5_010], removed: [] },
    );
    cache.removeUids('INBOX', [5_010]);
    cache.removeUids('INBOX', [1, 2, 424242]);
    cache.applyFlags('INBOX', [{ uid: 6_000, flags: [] }]);
    assert.equal(cache.count('INBOX'), server.length - 2 + 1);
    assert.equal(await rowsCounted(dir, 'INBOX'), server.length - 1);
  } finally {
    cache.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('strings read back from the file are sanitized again', async () => {
  const root = await tempDir();
  const cache = await SummaryStore.open(root, 'imap');
  try {
    cache.reset('INBOX', 1n);
    cache.putSummaries('INBOX', [summary(1, { subject: 'evil \u001b]0;title\u0007 subject', from: [{ name: 'x\u001b[2Jy', address: 'a@b' }] })]);
    const s = cache.window('INBOX', 0, 1)[0]!.summary!;
    assert.doesNotMatch(s.subject, /\u001b|\u0007/);
    assert.doesNotMatch(s.from[0]!.name, /\u001b/);
  } finally {
    cache.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('a damaged or foreign file is rebuilt empty, not an error', async () => {
  const root = await tempDir();
  try {
    await writeFile(path.join(root, CACHE_FILE), 'this is not a database '.repeat(500), { mode: 0o600 });
    const cache = await SummaryStore.open(root, 'imap');
    try {
      assert.equal(cache.folder('INBOX'), undefined);
      cache.reset('INBOX', 5n);
      cache.putSummaries('INBOX', [summary(1)]);
      assert.equal(cache.count('INBOX'), 1);
    } finally {
      cache.close();
    }
    // Damage the middle of a real database file.
    const { open } = await import('node:fs/promises');
    const fh = await open(path.join(root, CACHE_FILE), 'r+');
    await fh.write(Buffer.alloc(4096, 0xff), 0, 4096, 0);
    await fh.close();
    const again = await SummaryStore.open(root, 'imap');
    try {
      assert.equal(again.folder('INBOX'), undefined, 'rebuilt');
    } finally {
      again.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a writer SIGKILLed mid-write leaves a readable cache holding only whole batches', async () => {
  const root = await tempDir();
  const child = fileURLToPath(new URL('./support/store-writer-child.ts', import.meta.url));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, root], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      // Kill after a varying number of committed batches, while the next one is being written.
      const killAfter = 3 + attempt * 4;
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if ((out.match(/batch \d+\n/g) ?? []).length >= killAfter) {
            proc.kill('SIGKILL');
          }
        });
        proc.on('exit', () => resolve());
        proc.on('error', reject);
      });
      const committed = (out.match(/batch \d+\n/g) ?? []).length;
      const cache = await SummaryStore.open(root, 'imap');
      try {
        const n = cache.count('INBOX');
        assert.equal(n % 500, 0, `only whole batches (got ${n} rows)`);
        assert.ok(n >= committed * 500, `every reported batch is there (${n} rows, ${committed} batches reported)`);
        const rows = cache.window('INBOX', 0, 3);
        assert.ok(rows.every((r) => r.summary && r.summary.subject.startsWith('batch ')));
        cache.reset('INBOX', 7n); // next attempt starts from an empty folder again
      } finally {
        cache.close();
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('UIDVALIDITY is kept once, in the folder row: first sighting no change, a new value drops the rows', async () => {
  const root = await tempDir();
  try {
    const store = await SummaryStore.open(root, 'imap');
    try {
      assert.equal(store.noteValidity('INBOX', 100n), false);
      store.putSummaries('INBOX', [summary(1)]);
      assert.equal(store.noteValidity('INBOX', 100n), false);
      assert.equal(store.count('INBOX'), 1);
      // UIDVALIDITY is a 32-bit unsigned; bigint end to end.
      assert.equal(store.noteValidity('Big', 4_294_967_295n), false);
      assert.equal(store.folder('Big')?.uidValidity, 4_294_967_295n);
    } finally {
      store.close();
    }
    const again = await SummaryStore.open(root, 'imap');
    try {
      assert.equal(again.noteValidity('INBOX', 101n), true, 'remembered across runs');
      assert.equal(again.count('INBOX'), 0, 'rows of the old numbering are gone');
      assert.equal(again.noteValidity('INBOX', 101n), false, 'reported once');
    } finally {
      again.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('IMAP and Maildir folders of the same name are kept apart in one file', async () => {
  const root = await tempDir();
  const imap = await SummaryStore.open(root, 'imap');
  const local = await SummaryStore.open(root, 'maildir');
  try {
    imap.noteValidity('INBOX', 1n);
    imap.putSummaries('INBOX', [summary(1), summary(2)]);
    local.noteValidity('INBOX', 9n);
    const fields = { ...summary(1, { subject: 'local one', references: ['<r1@x>', '<r2@x>'] }) };
    local.putFileRows('INBOX', [{ uid: 1, key: 'k1', size: 10, mtimeMs: 1234, fields }]);
    assert.equal(imap.count('INBOX'), 2);
    assert.equal(local.count('INBOX'), 1);
    assert.deepEqual(imap.folderPaths(), ['INBOX']);
    const row = local.fileRows('INBOX', [1, 2]);
    assert.deepEqual([...row.keys()], [1]);
    assert.equal(row.get(1)!.key, 'k1');
    assert.equal(row.get(1)!.mtimeMs, 1234);
    assert.equal(row.get(1)!.fields.subject, 'local one');
    assert.deepEqual(row.get(1)!.fields.references, ['<r1@x>', '<r2@x>'], 'References survive (local threading needs them)');
    assert.equal(local.noteValidity('INBOX', 10n), true);
    assert.equal(local.count('INBOX'), 0);
    assert.equal(imap.count('INBOX'), 2, 'the other model is untouched');
  } finally {
    imap.close();
    local.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('migration: the old IMAP cache file is removed and imap-state.json UIDVALIDITYs are carried over', async () => {
  const root = await tempDir();
  try {
    await writeFile(path.join(root, 'header-cache.sqlite'), 'old cache', { mode: 0o600 });
    await writeFile(path.join(root, 'header-cache.sqlite-wal'), 'old wal', { mode: 0o600 });
    await writeFile(path.join(root, 'imap-state.json'), JSON.stringify({ version: 1, uidValidity: { INBOX: '77', Bad: 5, Work: '8' } }));
    const store = await SummaryStore.open(root, 'imap');
    try {
      assert.equal(store.noteValidity('INBOX', 78n), true, 'a reset between the old and the new version is noticed');
      assert.equal(store.noteValidity('Work', 8n), false);
      assert.equal(store.noteValidity('Bad', 5n), false, 'a malformed value is dropped, not compared');
    } finally {
      store.close();
    }
    const { readdir } = await import('node:fs/promises');
    assert.deepEqual(
      (await readdir(root)).filter((f) => !f.startsWith('summaries.sqlite')),
      [],
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
