// The POP3 sync engine against the private Dovecot: logins (STLS, implicit TLS, APOP, refusals),
// the safe download, and each server-deletion policy.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { Pop3Client } from '../../src/accounts/pop3/client.js';
import { loadSyncState, locationOf, markForServerDeletion, syncMailbox, type SyncOptions } from '../../src/accounts/pop3/sync.js';
import { tlsOptions } from '../../src/accounts/security.js';
import type { AccountConfig } from '../../src/config/types.js';
import { Maildir } from '../../src/store/maildir.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { mountTinyTmpfs, unmountTmpfs } from '../helpers/tiny-tmpfs.js';
import { assertExactly, localMessages, pop3Config, serverCount, snapshot } from '../helpers/pop3-sync-fixtures.js';

const USERS = [
  ...['basic', 'leave', 'days', 'local', 'disk', 'login', 'unwritable'].map((u) => ({ user: u, password: `${u}-pw` })),
  // APOP is offered in the greeting, but the server keeps only a hash of this user's password.
  { user: 'noapop', password: 'noapop-pw', noApopSecret: true },
];

describe('POP3 sync against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let base: string;
  before(async () => {
    server = await startDovecot({ users: USERS, apop: true });
    base = await mkdtemp(join(tmpdir(), 'tmail-pop3sync-'));
  });
  after(async () => {
    await server?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  const setup = (user: string, extra: Partial<AccountConfig> = {}): SyncOptions => ({
    config: pop3Config(server, user, extra),
    getPassword: async () => `${user}-pw`,
    maildir: new Maildir(join(base, user, 'Maildir')),
    statePath: join(base, user, 'pop3-state.json'),
  });
  const generate = async (user: string, count: number, seed = 1, firstIndex = 0) => {
    const { messages } = await generateMaildir(server.maildir(user), { count, seed, firstIndex });
    await server.fixOwnership(user);
    return messages!;
  };

  test('STLS login on the plain port, implicit TLS with `ca`, both verified', async () => {
    for (const [port, security] of [
      [server.ports.pop3, 'starttls'],
      [server.ports.pop3s, 'tls'],
    ] as const) {
      const config = pop3Config(server, 'login', { port, security });
      const c = await Pop3Client.connect({ host: server.host, port, security, tls: tlsOptions(config) });
      assert.equal(c.encrypted, true);
      await c.login({ user: 'login', password: 'login-pw' });
      assert.deepEqual(await c.stat(), { count: 0, size: 0 });
      await c.quit();
    }
  });

  test('APOP login when asked for and offered', async () => {
    const config = pop3Config(server, 'login');
    const c = await Pop3Client.connect({ host: server.host, port: config.port, security: 'tls', tls: tlsOptions(config) });
    assert.ok(c.apopTimestamp, 'Dovecot with APOP enabled puts a timestamp in its greeting');
    await c.login({ user: 'login', password: 'login-pw', apop: true });
    assert.equal(c.authMethod, 'apop');
    await c.quit();
    const bad = await Pop3Client.connect({ host: server.host, port: config.port, security: 'tls', tls: tlsOptions(config) });
    await assert.rejects(bad.login({ user: 'login', password: 'wrong', apop: true }), (e: unknown) => e instanceof AccountError && e.kind === 'auth');
    bad.close();
  });

  test('APOP offered but no APOP secret for the user: says APOP failed; USER/PASS over TLS, not without it', async () => {
    const trace: string[] = [];
    const result = await syncMailbox({ ...setup('noapop', { apop: true }), trace: (l) => trace.push(l) });
    assert.equal(result.authMethod, 'user');
    assert.ok(trace.includes('APOP was refused: trying USER/PASS'), trace.join('\n'));
    // Plain POP3 without allowInsecureAuth: APOP alone may be tried, USER/PASS must not.
    const c = await Pop3Client.connect({ host: server.host, port: server.ports.pop3, security: 'none' });
    try {
      assert.ok(c.apopTimestamp);
      await assert.rejects(
        c.login({ user: 'noapop', password: 'noapop-pw', apop: true }),
        (e: unknown) => e instanceof AccountError && e.kind === 'auth' && /APOP login failed for noapop: .*USER\/PASS was not tried/.test(e.message),
      );
    } finally {
      c.close();
    }
  });

  test('plaintext auth is refused without allowInsecureAuth: the password is never asked for', async () => {
    let asked = false;
    const opts = {
      ...setup('login', { port: server.ports.pop3, security: 'none' }),
      getPassword: async () => {
        asked = true;
        return 'login-pw';
      },
    };
    await assert.rejects(syncMailbox(opts), (e: unknown) => e instanceof AccountError && e.kind === 'insecure' && /without TLS/.test(e.message));
    assert.equal(asked, false);
    // With the opt-in it works (on loopback, for tests).
    const ok = await syncMailbox({ ...setup('login', { port: server.ports.pop3, security: 'none', allowInsecureAuth: true }) });
    assert.equal(ok.downloaded, 0);
  });

  test('an untrusted certificate and a wrong password are clear errors', async () => {
    await assert.rejects(
      syncMailbox(setup('login', { ca: undefined })),
      (e: unknown) => e instanceof AccountError && e.kind === 'tls' && /self-signed|verif/.test(e.message),
    );
    await assert.rejects(
      syncMailbox({ ...setup('login'), getPassword: async () => 'nope' }),
      (e: unknown) => e instanceof AccountError && e.kind === 'auth' && !e.message.includes('nope'),
    );
  });

  test('sync stores every message byte for byte (dot lines included), empties the server, second sync downloads 0', async () => {
    const messages = await generate('basic', 120);
    const expected = await snapshot(messages);
    assert.ok(
      [...expected.values()].some((b) => b.includes('\n.\n') && b.includes('\n..double-dot\n')),
      'the generator wrote dot lines',
    );
    const opts = setup('basic');
    const progress: number[] = [];
    const result = await syncMailbox({ ...opts, onProgress: (p) => progress.push(p.done) });
    assert.equal(result.downloaded, 120);
    assert.equal(result.deletedOnServer, 120);
    assert.equal(result.keptOnServer, 0);
    assert.equal(result.usedHeaderHashFallback, false);
    assert.equal(progress.at(-1), 120);
    await assertExactly(opts.maildir, expected);
    assert.equal(await serverCount(server, 'basic', 'basic-pw'), 0);
    const again = await syncMailbox(opts);
    assert.equal(again.downloaded, 0);
    assert.deepEqual({ ...(await loadSyncState(opts.statePath)).messages }, {});
  });

  test('leaveOnServer keeps the server copy and never downloads it twice', async () => {
    const expected = await snapshot(await generate('leave', 5));
    const opts = setup('leave', { leaveOnServer: true });
    const first = await syncMailbox(opts);
    assert.deepEqual([first.downloaded, first.deletedOnServer, first.keptOnServer], [5, 0, 5]);
    assert.equal((await syncMailbox(opts)).downloaded, 0);
    assert.equal(await serverCount(server, 'leave', 'leave-pw'), 5);
    await assertExactly(opts.maildir, expected);
    const state = await loadSyncState(opts.statePath);
    const [entry] = await opts.maildir.list('INBOX');
    assert.deepEqual(locationOf(state, entry!.key), { kind: 'local', onServer: true });
  });

  test('deleteAfterDays deletes from the server only once a message has been kept that long (injected clock)', async () => {
    await generate('days', 4);
    const t0 = new Date('2026-01-01T00:00:00Z');
    const at = (days: number) => () => new Date(t0.getTime() + days * 86_400_000);
    const opts = setup('days', { leaveOnServer: true, deleteAfterDays: 3 });
    assert.equal((await syncMailbox({ ...opts, now: at(0) })).downloaded, 4);
    const state = await loadSyncState(opts.statePath);
    const [entry] = await opts.maildir.list('INBOX');
    const loc = locationOf(state, entry!.key);
    assert.ok(loc.kind === 'local' && loc.onServer && loc.deleteOnServerAfter?.getTime() === at(3)().getTime());
    const day2 = await syncMailbox({ ...opts, now: at(2.9) });
    assert.deepEqual([day2.downloaded, day2.deletedOnServer], [0, 0]);
    assert.equal(await serverCount(server, 'days', 'days-pw'), 4);
    const day3 = await syncMailbox({ ...opts, now: at(3) });
    assert.deepEqual([day3.downloaded, day3.deletedOnServer], [0, 4]);
    assert.equal(await serverCount(server, 'days', 'days-pw'), 0);
    assert.equal((await localMessages(opts.maildir)).size, 4);
  });

  test('deleteOnServerWhenDeletedLocally: a local delete reaches the server at the next sync, and only that one', async () => {
    await generate('local', 3);
    const opts = setup('local', { leaveOnServer: true, deleteOnServerWhenDeletedLocally: true });
    await syncMailbox(opts);
    const [victim] = await opts.maildir.list('INBOX');
    await opts.maildir.remove('INBOX', victim!.key);
    await markForServerDeletion(opts.statePath, victim!.key);
    const result = await syncMailbox(opts);
    assert.deepEqual([result.downloaded, result.deletedOnServer, result.keptOnServer], [0, 1, 2]);
    assert.equal(await serverCount(server, 'local', 'local-pw'), 2);
    assert.equal((await syncMailbox(opts)).deletedOnServer, 0);
  });

  test('a full disk mid-sync stops with a clear error and deletes nothing on the server', async (t) => {
    const dir = await mountTinyTmpfs(join(base, 'disk'), 'size=64k,mode=0700');
    if (typeof dir !== 'string') return t.skip(dir.skip);
    await generate('disk', 60);
    try {
      const progress: number[] = [];
      await assert.rejects(
        syncMailbox({ ...setup('disk'), onProgress: (p) => progress.push(p.done) }),
        (e: unknown) => e instanceof AccountError && e.kind === 'local' && /disk is full/.test(e.message),
      );
      assert.ok(progress.length > 0, 'the sync started before the disk filled up');
      assert.equal(await serverCount(server, 'disk', 'disk-pw'), 60);
    } finally {
      unmountTmpfs(dir);
    }
  });

  test('an unwritable cache dir stops the sync before anything is fetched or deleted', async () => {
    await generate('unwritable', 3);
    const dir = join(base, 'unwritable');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'Maildir'), 'not a directory');
    await assert.rejects(syncMailbox(setup('unwritable')), (e: unknown) => e instanceof AccountError && e.kind === 'local' && /Cannot /.test(e.message));
    assert.equal(await serverCount(server, 'unwritable', 'unwritable-pw'), 3);
  });
});
