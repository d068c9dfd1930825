// Pop3Account's local side over a pre-filled Maildir, with a fake sync engine (the real one is
// covered by the sync tests and test/integration/pop3-account-*.test.ts).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AccountEvent, SyncResult } from '../../src/accounts/account.js';
import { AccountError, type MessageLocation } from '../../src/domain/index.js';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import type { Pop3SyncApi } from '../../src/accounts/pop3/pop3-sync-bridge.js';
import type { AccountConfig } from '../../src/config/types.js';
import { Maildir } from '../../src/store/maildir.js';
import { UIDLIST_FILE } from '../../src/store/local-folder-index.js';

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-pop3acct-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

const config = (extra: Partial<AccountConfig> = {}): AccountConfig => ({
  name: 'pop',
  protocol: 'pop3',
  host: '127.0.0.1',
  port: 995,
  security: 'tls',
  user: 'alice',
  ...extra,
});

interface FakeSync extends Pop3SyncApi {
  calls: string[];
  marked: string[];
  deliverOnSync: Buffer[];
  onServer: Map<string, MessageLocation>;
  failWith?: Error;
}

function fakeSync(): FakeSync {
  const fake: FakeSync = {
    calls: [],
    marked: [],
    deliverOnSync: [],
    onServer: new Map(),
    async syncMailbox(opts) {
      fake.calls.push('sync');
      if (fake.failWith) throw fake.failWith;
      await new Promise((r) => setTimeout(r, 5));
      let bytes = 0;
      for (const raw of fake.deliverOnSync) {
        await opts.maildir.deliver('INBOX', raw);
        bytes += raw.length;
      }
      const downloaded = fake.deliverOnSync.length;
      fake.deliverOnSync = [];
      opts.onProgress?.({ done: downloaded, total: downloaded, bytes });
      await writeFile(opts.statePath, JSON.stringify({ v: Date.now() }));
      return { downloaded, deletedOnServer: downloaded, keptOnServer: 0, bytes, usedHeaderHashFallback: false } satisfies SyncResult;
    },
    async markForServerDeletion(_statePath, key) {
      fake.calls.push('mark');
      fake.marked.push(key);
    },
    nextLoginAt: async () => undefined,
    async loadLocations() {
      fake.calls.push('locations');
      return (key) => fake.onServer.get(key) ?? { kind: 'local', onServer: false };
    },
  };
  return fake;
}

function raw(i: number, opts: { date?: string; from?: string; subject?: string; body?: string; attach?: boolean } = {}): Buffer {
  const date = opts.date ?? new Date(Date.UTC(2024, 0, 1 + i)).toUTCString();
  const head = [
    `From: ${opts.from ?? `Sender ${i} <sender${i}@example.org>`}`,
    'To: alice@example.org',
    `Subject: ${opts.subject ?? `Message ${i}`}`,
    `Date: ${date}`,
    `Message-ID: <m${i}@example.org>`,
    opts.attach ? 'Content-Type: multipart/mixed; boundary="b"' : 'Content-Type: text/plain; charset=utf-8',
  ].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${opts.body ?? `Body of message ${i}.`}\r\n`);
}

/** An account whose INBOX holds `n` messages delivered in order (arrival i = Jan 2024 + i days). */
async function account(name: string, n: number, extra: Partial<AccountConfig> = {}, sync = fakeSync()) {
  const dataDir = join(base, name);
  const md = new Maildir(join(dataDir, 'Maildir'));
  await md.init();
  const keys: string[] = [];
  for (let i = 1; i <= n; i++) keys.push((await md.deliver('INBOX', raw(i), { mtime: new Date(Date.UTC(2024, 1, 1, 0, 0, i)) })).key);
  const acct = new Pop3Account(config(extra), { dataDir, getPassword: async () => 'pw' }, sync);
  const events: AccountEvent[] = [];
  acct.onEvent((e) => events.push(e));
  await acct.connect();
  return { acct, md, keys, sync, events, dataDir };
}

describe('Pop3Account basics', () => {
  test('capabilities say that everything is local; connect needs no network', async () => {
    const { acct, sync, dataDir, events } = await account('basics', 3);
    assert.equal(acct.protocol, 'pop3');
    assert.deepEqual(acct.capabilities, {
      serverFlags: false,
      serverFolders: false,
      serverSearch: false,
      push: false,
      mailLocation: 'local',
      downloadsMail: true,
      sortOrders: ['arrival', 'date', 'from', 'subject', 'thread'],
      folderOps: true,
      subscriptions: false,
    });
    assert.deepEqual(sync.calls, []);
    assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
    assert.equal((await stat(join(dataDir, 'Maildir'))).mode & 0o777, 0o700);
    assert.ok((await stat(join(dataDir, 'Maildir', '.Trash', 'cur'))).isDirectory());
    assert.deepEqual(
      events.map((e) => e.type === 'connection' && e.state),
      ['connecting', 'connected'],
    );
    const folders = await acct.listFolders();
    assert.deepEqual(
      folders.map((f) => [f.path, f.specialUse, f.total, f.unread, f.selectable]),
      [
        ['INBOX', 'inbox', 3, 3, true],
        ['Trash', 'trash', 0, 0, true],
      ],
    );
    await acct.close();
    await acct.close();
  });

  test('a fresh data dir works and an unusable one gives one clear local error', async () => {
    const acct = new Pop3Account(config(), { dataDir: join(base, 'fresh', 'deep', 'dir'), getPassword: async () => 'pw' }, fakeSync());
    await acct.connect();
    assert.equal((await acct.openFolder('INBOX')).total, 0);
    await writeFile(join(base, 'a-file'), 'x');
    const bad = new Pop3Account(config(), { dataDir: join(base, 'a-file', 'sub'), getPassword: async () => 'pw' }, fakeSync());
    await assert.rejects(
      bad.connect(),
      (e: unknown) =>
        e instanceof AccountError && e.kind === 'local' && /^Cannot create the data directory .*: a path component is not a directory\.$/.test(e.message),
    );
  });
});

describe('Pop3Account windows', () => {
  test('newest first by arrival, windows by position, only what exists', async () => {
    const { acct } = await account('windows', 30);
    const opened = await acct.openFolder('INBOX');
    assert.equal(opened.total, 30);
    assert.equal(opened.unread, 30);
    assert.equal(opened.uidValidityChanged, false);
    const first = await acct.fetchWindow('INBOX', 0, 10);
    assert.deepEqual(
      first.map((s) => s.uid),
      [30, 29, 28, 27, 26, 25, 24, 23, 22, 21],
    );
    assert.equal(first[0]?.subject, 'Message 30');
    assert.deepEqual(first[0]?.from, [{ name: 'Sender 30', address: 'sender30@example.org' }]);
    assert.deepEqual(first[0]?.to, [{ name: '', address: 'alice@example.org' }]);
    assert.equal(first[0]?.messageId, '<m30@example.org>');
    assert.equal(first[0]?.size, raw(30).length);
    assert.deepEqual(first[0]?.flags, []);
    assert.deepEqual(first[0]?.location, { kind: 'local', onServer: false });
    const tail = await acct.fetchWindow('INBOX', 25, 10);
    assert.deepEqual(
      tail.map((s) => s.uid),
      [5, 4, 3, 2, 1],
    );
    assert.deepEqual(await acct.fetchWindow('INBOX', 40, 10), []);
  });

  test('date order follows the Date header, not arrival', async () => {
    const { acct, md } = await account('bydate', 0);
    await md.deliver('INBOX', raw(1, { date: 'Fri, 01 Mar 2024 10:00:00 +0000', subject: 'newest date, arrived first' }), {
      mtime: new Date('2024-03-01T00:00:00Z'),
    });
    await md.deliver('INBOX', raw(2, { date: 'Mon, 01 Jan 2024 10:00:00 +0000', subject: 'oldest date, arrived last' }), {
      mtime: new Date('2024-03-02T00:00:00Z'),
    });
    assert.deepEqual(
      (await acct.fetchWindow('INBOX', 0, 5, 'arrival')).map((s) => s.subject),
      ['oldest date, arrived last', 'newest date, arrived first'],
    );
    assert.deepEqual(
      (await acct.fetchWindow('INBOX', 0, 5, 'date')).map((s) => s.subject),
      ['newest date, arrived first', 'oldest date, arrived last'],
    );
  });

  test('location comes from the sync state', async () => {
    const sync = fakeSync();
    const { acct, keys, dataDir } = await account('location', 2, {}, sync);
    const until = new Date('2030-01-01T00:00:00Z');
    sync.onServer.set(keys[1]!, { kind: 'local', onServer: true, deleteOnServerAfter: until });
    // No state file yet: never synced, so nothing is on the server and the state is not even read.
    assert.deepEqual(
      (await acct.fetchWindow('INBOX', 0, 2)).map((s) => s.location),
      [
        { kind: 'local', onServer: false },
        { kind: 'local', onServer: false },
      ],
    );
    assert.deepEqual(sync.calls, []);
    await writeFile(join(dataDir, 'pop3-state.json'), '{}');
    assert.deepEqual(
      (await acct.fetchWindow('INBOX', 0, 2)).map((s) => s.location),
      [
        { kind: 'local', onServer: true, deleteOnServerAfter: until },
        { kind: 'local', onServer: false },
      ],
    );
    await acct.fetchWindow('INBOX', 0, 2);
    assert.deepEqual(sync.calls, ['locations'], 'state is reloaded only when the file changes');
  });

  test('fetchRaw streams the exact file; an unknown UID is not-found; an unknown folder is not-found', async () => {
    const { acct } = await account('raw', 3);
    const parts: Buffer[] = [];
    for await (const c of await acct.fetchRaw('INBOX', 2)) parts.push(c as Buffer);
    assert.deepEqual(Buffer.concat(parts), raw(2));
    await assert.rejects(acct.fetchRaw('INBOX', 99), (e: unknown) => e instanceof AccountError && e.kind === 'not-found');
    await assert.rejects(acct.openFolder('Nope'), (e: unknown) => e instanceof AccountError && e.kind === 'not-found');
  });
});

describe('Pop3Account local flags, delete, move, copy', () => {
  test('flags change only the local file name; the sync engine is never told', async () => {
    const { acct, md, keys, sync, events } = await account('flags', 3);
    await acct.openFolder('INBOX');
    await acct.addFlags('INBOX', [1, 2], ['\\Seen']);
    await acct.addFlags('INBOX', [2], ['\\Flagged', '\\Answered']);
    assert.equal((await md.get('INBOX', keys[0]!))?.path.endsWith(`/cur/${keys[0]}:2,S`), true);
    assert.equal((await md.get('INBOX', keys[1]!))?.path.endsWith(`/cur/${keys[1]}:2,FRS`), true);
    await acct.removeFlags('INBOX', [2], ['\\Seen']);
    assert.equal((await md.get('INBOX', keys[1]!))?.flags, 'FR');
    const window = await acct.fetchWindow('INBOX', 0, 3);
    assert.deepEqual(
      window.map((s) => [s.uid, s.flags]),
      [
        [3, []],
        [2, ['\\Flagged', '\\Answered']],
        [1, ['\\Seen']],
      ],
    );
    assert.equal((await acct.openFolder('INBOX')).unread, 2);
    assert.deepEqual(
      sync.calls.filter((c) => c !== 'locations'),
      [],
    );
    const flagEvents = events.filter((e) => e.type === 'flags');
    assert.deepEqual(flagEvents.at(-1), { type: 'flags', folder: 'INBOX', uid: 2, flags: ['\\Flagged', '\\Answered'] });
    assert.equal(flagEvents.length, 4);
    // UIDs survive the renames, also for a new account instance (another process).
    const again = new Pop3Account(config(), { dataDir: join(base, 'flags'), getPassword: async () => 'pw' }, fakeSync());
    await again.connect();
    assert.deepEqual(
      (await again.fetchWindow('INBOX', 0, 3)).map((s) => [s.uid, s.subject]),
      [
        [3, 'Message 3'],
        [2, 'Message 2'],
        [1, 'Message 1'],
      ],
    );
  });

  test('delete moves to the local Trash; delete in Trash removes the file; the server is not told by default', async () => {
    const { acct, md, keys, sync, events } = await account('delete', 3);
    await acct.openFolder('INBOX');
    await acct.deleteMessages('INBOX', [2]);
    assert.deepEqual(
      (await acct.fetchWindow('INBOX', 0, 10)).map((s) => s.uid),
      [3, 1],
    );
    assert.ok(events.some((e) => e.type === 'expunged' && e.folder === 'INBOX' && e.uids.join() === '2'));
    assert.ok(events.some((e) => e.type === 'exists' && e.folder === 'Trash' && e.total === 1));
    const trash = await acct.fetchWindow('Trash', 0, 10);
    assert.deepEqual(
      trash.map((s) => s.subject),
      ['Message 2'],
    );
    assert.equal((await md.list('Trash'))[0]?.key, keys[1], 'the key survives the move (the sync state refers to it)');
    await acct.deleteMessages('Trash', [trash[0]!.uid]);
    assert.deepEqual(await md.list('Trash'), []);
    assert.ok(events.some((e) => e.type === 'expunged' && e.folder === 'Trash'));
    assert.deepEqual(sync.marked, []);
    const folders = await acct.listFolders();
    assert.deepEqual(
      folders.map((f) => [f.path, f.total]),
      [
        ['INBOX', 2],
        ['Trash', 0],
      ],
    );
  });

  test('with deleteOnServerWhenDeletedLocally the deleted keys are marked for the next sync', async () => {
    const { acct, keys, sync } = await account('delete-server', 3, { deleteOnServerWhenDeletedLocally: true });
    await acct.deleteMessages('INBOX', [1, 3]);
    assert.deepEqual(sync.marked, [keys[0], keys[2]]);
  });

  test('a failure to remember the server deletion deletes nothing locally', async () => {
    const sync = fakeSync();
    sync.markForServerDeletion = async () => {
      throw new AccountError('local', 'Cannot write pop3-state.json: the disk is full.');
    };
    const { acct } = await account('delete-fail', 2, { deleteOnServerWhenDeletedLocally: true }, sync);
    await assert.rejects(acct.deleteMessages('INBOX', [1]), /disk is full/);
    assert.equal((await acct.openFolder('INBOX')).total, 2);
  });

  test('move creates the local folder; copy keeps the original', async () => {
    const { acct, md } = await account('move', 4);
    await acct.moveMessages('INBOX', [1, 2], 'Archive');
    await acct.copyMessages('INBOX', [4], 'Archive');
    assert.deepEqual(
      (await acct.fetchWindow('INBOX', 0, 10)).map((s) => s.subject),
      ['Message 4', 'Message 3'],
    );
    assert.deepEqual(
      (await acct.fetchWindow('Archive', 0, 10)).map((s) => s.subject),
      ['Message 4', 'Message 2', 'Message 1'],
    );
    assert.deepEqual(
      (await acct.listFolders()).map((f) => [f.path, f.total]),
      [
        ['INBOX', 2],
        ['Archive', 3],
        ['Trash', 0],
      ],
    );
    assert.ok((await readdir(join(md.root, '.Archive', 'cur'))).length + (await readdir(join(md.root, '.Archive', 'new'))).length === 3);
    await acct.moveMessages('INBOX', [3], 'INBOX'); // same folder: nothing happens
    assert.equal((await acct.openFolder('INBOX')).total, 2);
  });
});

describe('Pop3Account search', () => {
  test('by from, subject, flags, dates and free text (headers and body)', async () => {
    const { acct, md } = await account('search', 0);
    const add = (i: number, o: Parameters<typeof raw>[1]) => md.deliver('INBOX', raw(i, o), { mtime: new Date(Date.UTC(2024, 5, 1, 0, 0, i)) });
    await add(1, { from: 'Jürgen <j@example.de>', subject: 'Quarterly report', date: 'Mon, 01 Jan 2024 12:00:00 +0000' });
    await add(2, { from: 'Bob <bob@example.org>', subject: 'Lunch?', body: 'Shall we meet at the Blue Parrot?', date: 'Mon, 01 Apr 2024 12:00:00 +0000' });
    await add(3, { from: 'Carol <carol@example.org>', subject: 'Re: Quarterly report', date: 'Wed, 01 May 2024 12:00:00 +0000', attach: true });
    await acct.addFlags('INBOX', [3], ['\\Seen', '\\Flagged']);
    assert.deepEqual(await acct.search('INBOX', { subject: 'quarterly' }), [3, 1]);
    assert.deepEqual(await acct.search('INBOX', { from: 'jürgen' }), [1]);
    assert.deepEqual(await acct.search('INBOX', { from: 'example.org' }), [3, 2]);
    assert.deepEqual(await acct.search('INBOX', { unseen: true }), [2, 1]);
    assert.deepEqual(await acct.search('INBOX', { flagged: true }), [3]);
    assert.deepEqual(await acct.search('INBOX', { since: new Date(2024, 2, 1) }), [3, 2]);
    assert.deepEqual(await acct.search('INBOX', { before: new Date(2024, 2, 1) }), [1]);
    assert.deepEqual(await acct.search('INBOX', { text: 'blue parrot' }), [2]);
    assert.deepEqual(await acct.search('INBOX', { text: 'carol' }), [3]);
    assert.deepEqual(await acct.search('INBOX', { text: 'nothing like this' }), []);
    assert.deepEqual(await acct.search('INBOX', {}), [3, 2, 1]);
    assert.equal((await acct.fetchWindow('INBOX', 0, 1))[0]?.hasAttachments, true);
  });
});

describe('Pop3Account sync and uidvalidity', () => {
  test('sync delivers through the engine and announces new mail; concurrent calls share one run', async () => {
    const sync = fakeSync();
    const { acct, events } = await account('sync', 2, {}, sync);
    sync.deliverOnSync = [raw(10), raw(11)];
    const progress: number[] = [];
    const [a, b] = await Promise.all([acct.sync((p) => progress.push(p.done)), acct.sync()]);
    assert.equal(a, b);
    assert.equal(a.downloaded, 2);
    assert.deepEqual(
      sync.calls.filter((c) => c === 'sync'),
      ['sync'],
    );
    assert.deepEqual(progress, [2]);
    assert.deepEqual(
      events.filter((e) => e.type === 'exists'),
      [{ type: 'exists', folder: 'INBOX', total: 4 }],
    );
    assert.deepEqual(
      (await acct.fetchWindow('INBOX', 0, 2)).map((s) => s.subject),
      ['Message 11', 'Message 10'],
    );
    const again = await acct.sync();
    assert.equal(again.downloaded, 0);
    assert.equal(events.filter((e) => e.type === 'exists').length, 1, 'no exists event when nothing arrived');
  });

  test('a failed sync rejects with one clear AccountError and an error event', async () => {
    const sync = fakeSync();
    const { acct, events } = await account('sync-fail', 1, {}, sync);
    sync.failWith = new AccountError('auth', 'Login to 127.0.0.1 failed: wrong user name or password.');
    await assert.rejects(acct.sync(), (e: unknown) => e instanceof AccountError && e.kind === 'auth');
    sync.failWith = new TypeError('boom');
    await assert.rejects(acct.sync(), (e: unknown) => e instanceof AccountError && e.message === 'The POP3 sync failed.');
    assert.deepEqual(
      events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.message),
      ['Login to 127.0.0.1 failed: wrong user name or password.', 'The POP3 sync failed.'],
    );
  });

  test('a corrupt uid list gives a new uidValidity that openFolder reports as changed', async () => {
    const { acct, md, dataDir } = await account('validity', 3);
    const first = await acct.openFolder('INBOX');
    await writeFile(join(md.root, UIDLIST_FILE), '{"version":1,"uidValid');
    // Another process (new account instance) opening the damaged folder:
    const other = new Pop3Account(config(), { dataDir, getPassword: async () => 'pw' }, fakeSync());
    await other.connect();
    const reopened = await other.openFolder('INBOX');
    assert.notEqual(reopened.uidValidity, first.uidValidity);
    assert.equal(reopened.uidValidityChanged, true);
    assert.equal(reopened.total, 3);
    assert.deepEqual(
      (await other.fetchWindow('INBOX', 0, 3)).map((s) => s.subject),
      ['Message 3', 'Message 2', 'Message 1'],
    );
    assert.ok(JSON.parse(await readFile(join(md.root, UIDLIST_FILE), 'utf8')).uidValidity > 0);
  });
});

describe('Pop3Account with the real sync state (no network)', () => {
  test('locations come from pop3-state.json; local deletes are queued as delete requests', async () => {
    const { saveSyncState, readDeleteRequests } = await import('../../src/accounts/pop3/sync-state.js');
    const { defaultSyncApi } = await import('../../src/accounts/pop3/pop3-sync-bridge.js');
    const { acct, keys, dataDir, events } = await account('real-state', 3, { deleteOnServerWhenDeletedLocally: true }, defaultSyncApi as FakeSync);
    const statePath = join(dataDir, 'pop3-state.json');
    await saveSyncState(statePath, {
      version: 1,
      pending: {},
      messages: {
        'uidl-1': { key: keys[0]!, downloadedAt: '2024-02-01T00:00:00Z', size: 10 },
        'uidl-2': { key: keys[1]!, downloadedAt: '2024-02-01T00:00:00Z', size: 10, deleteOnServerAfter: '2024-03-01T00:00:00.000Z' },
      },
    });
    assert.deepEqual(
      (await acct.fetchWindow('INBOX', 0, 3)).map((s) => s.location),
      [
        { kind: 'local', onServer: false },
        { kind: 'local', onServer: true, deleteOnServerAfter: new Date('2024-03-01T00:00:00Z') },
        { kind: 'local', onServer: true },
      ],
    );
    await acct.deleteMessages('INBOX', [1]);
    assert.deepEqual(await readDeleteRequests(statePath), [keys[0]]);
    // Moved to Trash with its key: still known to be on the server until the next sync.
    assert.deepEqual((await acct.fetchWindow('Trash', 0, 1))[0]?.location, { kind: 'local', onServer: true });

    await writeFile(statePath, '{"version": 2}');
    const window = await acct.fetchWindow('INBOX', 0, 3);
    await acct.fetchWindow('INBOX', 0, 3);
    assert.ok(window.every((s) => s.location.kind === 'local' && !s.location.onServer));
    const errors = events.filter((e) => e.type === 'error');
    assert.equal(errors.length, 1, 'a bad state file is reported once, not on every window');
    assert.match(errors[0]?.type === 'error' ? errors[0].message : '', /not a tmail POP3 state file/);
  });
});

describe('Pop3Account notices changes made by other programs', () => {
  test('mail delivered or removed by another process shows up as exists/expunged events on the next look', async () => {
    const { acct, md, keys, events } = await account('external', 3);
    await acct.fetchWindow('INBOX', 0, 10);
    events.length = 0;
    await md.deliver('INBOX', raw(50));
    await md.remove('INBOX', keys[0]!);
    const window = await acct.fetchWindow('INBOX', 0, 10);
    assert.deepEqual(
      window.map((s) => s.uid),
      [4, 3, 2],
    );
    assert.deepEqual(events, [
      { type: 'expunged', folder: 'INBOX', uids: [1] },
      { type: 'exists', folder: 'INBOX', total: 3 },
    ]);
    events.length = 0;
    await acct.fetchWindow('INBOX', 0, 10);
    assert.deepEqual(events, [], 'nothing changed, nothing said');
  });
});
