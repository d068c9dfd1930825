// Sync-engine cases Dovecot will not produce on demand, against the scripted fake server:
// a crash between storing and recording a message, a server without UIDL, oversize messages,
// a concurrent sync.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { loadSyncState, syncMailbox, type SyncOptions } from '../../src/accounts/pop3/sync.js';
import { Maildir } from '../../src/store/maildir.js';
import { startFakePop3, type FakePop3Options, type FakePop3Server } from '../helpers/pop3-fake-server.js';

let base: string;
const servers: FakePop3Server[] = [];
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-pop3sync-unit-'));
});
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await rm(base, { recursive: true, force: true });
});

const message = (i: number, extra = '') => Buffer.from(`Message-ID: <m${i}@test>\r\nSubject: s${i}\r\n\r\nbody ${i}${extra}\r\n`);

async function setup(name: string, server: Partial<FakePop3Options> & { messages: Buffer[] }) {
  const s = await startFakePop3(server);
  servers.push(s);
  const opts: SyncOptions = {
    config: { name, protocol: 'pop3', host: '127.0.0.1', port: s.port, security: 'none', allowInsecureAuth: true, user: 'alice' },
    getPassword: async () => 'secret',
    maildir: new Maildir(join(base, name, 'Maildir')),
    statePath: join(base, name, 'pop3-state.json'),
  };
  return { s, opts };
}

async function localFiles(maildir: Maildir): Promise<string[]> {
  const root = maildir.folderPath('INBOX');
  return [...(await readdir(join(root, 'new'))), ...(await readdir(join(root, 'cur')))];
}

test('a crash after storing but before recording: the next sync adopts the stored file instead of duplicating it', async () => {
  const messages = Array.from({ length: 10 }, (_, i) => message(i));
  const { s, opts } = await setup('crash', { messages });
  // A Maildir that "crashes" right after the 4th file of the batch reached the disk.
  const real = opts.maildir;
  const crashing = Object.create(real) as Maildir;
  crashing.deliverBatch = async (folder, keys, bodies) => {
    await real.deliverBatch(folder, keys.slice(0, 4), bodies.slice(0, 4));
    throw new Error('simulated crash');
  };
  await assert.rejects(syncMailbox({ ...opts, maildir: crashing }), /simulated crash/);
  const state = await loadSyncState(opts.statePath);
  assert.equal(Object.keys(state.pending).length, 10, 'the digests were recorded before delivery');
  assert.deepEqual({ ...state.messages }, {}, 'nothing recorded as stored');
  assert.equal(s.deleted.size, 0, 'nothing deleted on the server after a failure');
  const stored = (await localFiles(real)).length;
  assert.equal(stored, 4, 'stored before the crash');

  const result = await syncMailbox(opts);
  assert.equal(result.downloaded, 10 - stored, 'only the messages never stored');
  assert.equal((await localFiles(real)).length, 10);
  assert.equal(s.deleted.size, 10);
  assert.deepEqual({ ...(await loadSyncState(opts.statePath)).pending }, {});
});

test('a server without UIDL: messages matched by a header hash, reported in the result', async () => {
  const messages = [message(1), message(2), message(2)]; // two identical ones stay distinct
  const { s, opts } = await setup('nouidl', { messages, uidls: null });
  const config = { ...opts.config, leaveOnServer: true };
  const first = await syncMailbox({ ...opts, config });
  assert.equal(first.usedHeaderHashFallback, true);
  assert.equal(first.downloaded, 3);
  const second = await syncMailbox({ ...opts, config });
  assert.equal(second.downloaded, 0);
  assert.ok(Object.keys((await loadSyncState(opts.statePath)).messages).every((id) => id.startsWith('hh:')));
  assert.ok(s.commands.includes('TOP 1 0'));
});

test('a message over maxMessageBytes is left on the server and reported; the others sync', async () => {
  const { s, opts } = await setup('big', { messages: [message(1), message(2, 'x'.repeat(5000)), message(3)] });
  const result = await syncMailbox({ ...opts, limits: { maxMessageBytes: 1000 } });
  assert.deepEqual([result.downloaded, result.skippedTooLarge, result.deletedOnServer, result.keptOnServer], [2, 1, 2, 1]);
  assert.deepEqual([...s.deleted].sort(), [1, 3]);
});

test('LIST not numbered 1 to n: each size is still the one of its message number (the large one is left)', async () => {
  const messages = [message(1), message(2, 'x'.repeat(5000)), message(3)];
  const listed = (m: number) => `${m} ${messages[m - 1]!.length}\r\n`;
  const { s, opts } = await setup('list-gap', {
    messages,
    override: (line) => (line === 'LIST' ? `+OK\r\n${listed(2)}${listed(3)}.\r\n` : line === 'UIDL' ? '+OK\r\n2 uid-2\r\n3 uid-3\r\n.\r\n' : undefined),
  });
  const result = await syncMailbox({ ...opts, limits: { maxMessageBytes: 1000 } });
  assert.deepEqual([result.downloaded, result.skippedTooLarge], [1, 1]);
  assert.deepEqual([...s.deleted], [3]);
});

test('UIDLs named like Object.prototype properties ("constructor", "__proto__", …) are messages like any other', async () => {
  const uidls = ['constructor', '__proto__', 'toString', 'abc'];
  const { s, opts } = await setup('proto-uidls', { messages: uidls.map((_, i) => message(i)), uidls });
  const kept = await syncMailbox({ ...opts, config: { ...opts.config, leaveOnServer: true } });
  assert.deepEqual([kept.downloaded, s.deleted.size], [4, 0], 'each one downloaded, none deleted');
  assert.deepEqual(Object.keys((await loadSyncState(opts.statePath)).messages).sort(), [...uidls].sort(), 'each one recorded');
  const deleting = await syncMailbox(opts);
  assert.deepEqual([deleting.downloaded, deleting.deletedOnServer], [0, 4], 'recognised as stored: not downloaded twice');
  assert.equal((await localFiles(opts.maildir)).length, 4);
});

test('a second sync of the same account while one runs is refused; a stale lock of a dead process is taken over', async () => {
  const { opts } = await setup('lock', { messages: [message(1)] });
  await writeFile(`${opts.statePath}.lock`, String(process.pid)).catch(async () => {
    await opts.maildir.init();
    await writeFile(`${opts.statePath}.lock`, String(process.pid));
  });
  await assert.rejects(syncMailbox(opts), (e: unknown) => e instanceof AccountError && /Another sync of this account is running/.test(e.message));
  await writeFile(`${opts.statePath}.lock`, '999999999');
  assert.equal((await syncMailbox(opts)).downloaded, 1);
});

test('a corrupt state file is a clear error, and nothing is deleted', async () => {
  const { s, opts } = await setup('corrupt', { messages: [message(1)] });
  await opts.maildir.init();
  await writeFile(opts.statePath, '{"version":1,"messages":');
  await assert.rejects(syncMailbox(opts), (e: unknown) => e instanceof AccountError && e.kind === 'local' && /corrupt/.test(e.message));
  assert.equal(s.deleted.size, 0);
});

test('a server that starts offering UIDL: header-hash records are re-keyed, nothing downloads twice', async () => {
  const messages = [message(1), message(2), message(3)];
  const before = await setup('gains-uidl', { messages, uidls: null });
  const config = { ...before.opts.config, leaveOnServer: true };
  assert.equal((await syncMailbox({ ...before.opts, config })).downloaded, 3);
  const s2 = await startFakePop3({ messages, uidls: ['a', 'b', 'c'] });
  servers.push(s2);
  const second = await syncMailbox({ ...before.opts, config: { ...config, port: s2.port } });
  assert.deepEqual([second.downloaded, second.usedHeaderHashFallback], [0, false]);
  assert.deepEqual(Object.keys((await loadSyncState(before.opts.statePath)).messages).sort(), ['a', 'b', 'c']);
  assert.equal((await localFiles(before.opts.maildir)).length, 3);

  // And back: UIDL records cannot be matched without UIDL, so the sync refuses instead of duplicating.
  const s3 = await startFakePop3({ messages, uidls: null });
  servers.push(s3);
  await assert.rejects(syncMailbox({ ...before.opts, config: { ...config, port: s3.port } }), /no longer offers UIDL/);
  assert.equal((await localFiles(before.opts.maildir)).length, 3);
  assert.equal(s3.deleted.size, 0);
});

test("batch mode: one directory fsync per batch, after the batch's renames and before the state write that records them; a failed fsync records nothing and deletes nothing", async () => {
  const messages = Array.from({ length: 7 }, (_, i) => message(i));
  const { s, opts } = await setup('batch-fsync', { messages });
  const real = opts.maildir;
  const events: string[] = [];
  const watched = Object.create(real) as Maildir;
  watched.deliverBatch = async (folder, keys, bodies) => {
    await real.deliverBatch(folder, keys, bodies);
    events.push(`deliver(${keys.length})`);
  };
  watched.syncFolder = async (folder: string) => {
    // Nothing delivered since the last fsync may be recorded yet.
    const onDisk = await loadSyncState(opts.statePath);
    events.push(`fsync(recorded=${Object.keys(onDisk.messages).length})`);
    return real.syncFolder(folder);
  };
  await syncMailbox({ ...opts, maildir: watched, batchSize: 3 });
  assert.deepEqual(events, ['deliver(3)', 'fsync(recorded=0)', 'deliver(3)', 'fsync(recorded=3)', 'deliver(1)', 'fsync(recorded=6)']);
  assert.equal((await localFiles(real)).length, 7);
  assert.equal(s.deleted.size, 7);

  // The directory fsync fails (e.g. EIO): those messages stay unrecorded, the server keeps them.
  const more = await setup('batch-fsync-fails', { messages });
  const failing = Object.create(more.opts.maildir) as Maildir;
  failing.syncFolder = async () => {
    throw new AccountError('local', 'Cannot save mail in X: an input/output error occurred.');
  };
  await assert.rejects(syncMailbox({ ...more.opts, maildir: failing }), /input\/output error/);
  assert.deepEqual({ ...(await loadSyncState(more.opts.statePath)).messages }, {});
  assert.equal(more.s.deleted.size, 0);
  // The next sync adopts the files already there (pending digests) instead of storing them twice.
  const again = await syncMailbox(more.opts);
  assert.equal(again.downloaded, 0);
  assert.equal((await localFiles(more.opts.maildir)).length, 7);
  assert.equal(more.s.deleted.size, 7);
});

test('downloaded messages keep the server order as their arrival order, across batches', async () => {
  const messages = Array.from({ length: 60 }, (_, i) => message(i, 'x'.repeat((i * 7919) % 5000)));
  const { opts } = await setup('order', { messages });
  // Small batches: the next one is fetched while the last is written, and each is stamped after it.
  await syncMailbox({ ...opts, batchSize: 7 });
  const { Pop3Account } = await import('../../src/accounts/pop3/pop3-account.js');
  // setup() put the Maildir where the account keeps it: <dataDir>/Maildir.
  const account = new Pop3Account(opts.config, { getPassword: opts.getPassword, dataDir: join(base, 'order') });
  await account.connect();
  try {
    await account.openFolder('INBOX');
    const newestFirst = await account.fetchWindow('INBOX', 0, 60, 'arrival');
    assert.deepEqual(
      newestFirst.map((m) => m.messageId),
      messages.map((_, i) => `<m${i}@test>`).reverse(),
      'arrival order = the order the server had them in',
    );
  } finally {
    await account.close();
  }
});
