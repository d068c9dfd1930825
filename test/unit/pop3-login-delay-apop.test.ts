// What real POP3 servers do that Dovecot will not do on demand, against the scripted fake server:
// RFC 2449 LOGIN-DELAY (refused login and the CAPA value after login), APOP offered in the
// greeting without an APOP secret for the user, a QUIT reply lost after every DELE was answered,
// and tmp/ files left by a killed delivery.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { isCheckDeferred, type AccountEvent } from '../../src/accounts/account.js';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import { Pop3Client, Pop3LoginDelayError } from '../../src/accounts/pop3/client.js';
import { loadSyncState, syncMailbox, type SyncOptions } from '../../src/accounts/pop3/sync.js';
import { Maildir } from '../../src/store/maildir.js';
import { tmpName } from '../../src/store/maildir-names.js';
import { startFakePop3, type FakePop3Options, type FakePop3Server } from '../helpers/pop3-fake-server.js';

let base: string;
const servers: FakePop3Server[] = [];
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-pop3-realservers-'));
});
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await rm(base, { recursive: true, force: true });
});

const message = (i: number) => Buffer.from(`Message-ID: <m${i}@test>\r\nSubject: s${i}\r\n\r\nbody ${i}\r\n`);
const T0 = new Date('2026-12-01T10:00:00Z');

async function setup(name: string, server: Partial<FakePop3Options> & { messages: Buffer[] }, extra: Partial<SyncOptions['config']> = {}) {
  const s = await startFakePop3(server);
  servers.push(s);
  const opts: SyncOptions = {
    config: { name, protocol: 'pop3', host: '127.0.0.1', port: s.port, security: 'none', allowInsecureAuth: true, user: 'alice', ...extra },
    getPassword: async () => 'secret',
    maildir: new Maildir(join(base, name, 'Maildir')),
    statePath: join(base, name, 'pop3-state.json'),
  };
  return { s, opts };
}

const at = (minutes: number) => () => new Date(T0.getTime() + minutes * 60_000);

test('LOGIN-DELAY refusal: not called a failed login, QUIT (no RSET) in AUTHORIZATION, and no new try before the server allows', async () => {
  let refuse = true;
  const { s, opts } = await setup('login-delay', {
    messages: [message(1)],
    capa: ['USER', 'UIDL', 'LOGIN-DELAY 900'],
    override: (line) => (refuse && line.startsWith('PASS') ? '-ERR [LOGIN-DELAY] Please wait before logging in again\r\n' : undefined),
  });
  const err = await syncMailbox({ ...opts, now: at(0) }).then(
    () => assert.fail('the sync should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof Pop3LoginDelayError, String(err));
  assert.equal(err.kind, 'protocol');
  assert.doesNotMatch(err.message, /login failed/i);
  assert.match(err.message, /LOGIN-DELAY: at most one login every 15 min\); this is not a password problem\. tmail will not check again before \d\d:\d\d\./);
  const afterPass = s.commands.slice(s.commands.findIndex((c) => c.startsWith('PASS')) + 1);
  assert.deepEqual(afterPass, ['CAPA', 'QUIT'], 'CAPA to learn the delay, then QUIT — never RSET before login');
  assert.equal((await loadSyncState(opts.statePath)).loginNotBefore, new Date(T0.getTime() + 900_000).toISOString());

  // Five minutes later (a background check, `$`, `tmail sync`): refused without connecting.
  const sent = s.commands.length;
  await assert.rejects(
    syncMailbox({ ...opts, now: at(5) }),
    (e: unknown) =>
      e instanceof Pop3LoginDelayError &&
      /allows one POP3 login every 15 min \(LOGIN-DELAY\): the next check is allowed at \d\d:\d\d \(in 10 min\)\./.test(e.message),
  );
  assert.equal(s.commands.length, sent, 'no connection before the delay is over');

  // After it: the check runs.
  refuse = false;
  const result = await syncMailbox({ ...opts, now: at(16) });
  assert.equal(result.downloaded, 1);
});

test('LOGIN-DELAY in the account: a background check returns "not yet, next check at T" without connecting; no error event', async () => {
  const { s, opts } = await setup('login-delay-account', {
    messages: [message(1)],
    capa: ['USER', 'UIDL', 'LOGIN-DELAY 900'],
    override: (line) => (line.startsWith('PASS') ? '-ERR [LOGIN-DELAY] Please wait before logging in again\r\n' : undefined),
  });
  const account = new Pop3Account(opts.config, { dataDir: join(base, 'login-delay-account'), getPassword: async () => 'secret' });
  const events: AccountEvent[] = [];
  account.onEvent((e) => events.push(e));
  await account.connect();
  try {
    assert.equal(await account.nextCheckAt(), undefined, 'nothing known before the first check');
    const started = Date.now();
    const first = await account.backgroundSync();
    assert.ok(isCheckDeferred(first), 'the refused login is a deferral, not a failure');
    const expected = started + 900_000;
    assert.ok(Math.abs(first.nextCheckAt.getTime() - expected) < 60_000, `about 15 min from now: ${first.nextCheckAt.toISOString()}`);
    assert.match(first.message, /^next check allowed at \d\d:\d\d \(the server's LOGIN-DELAY\)$/);
    assert.deepEqual(
      events.filter((e) => e.type === 'error'),
      [],
      'a background deferral is no error for the status bar',
    );

    const sent = s.commands.length;
    const second = await account.backgroundSync();
    assert.ok(isCheckDeferred(second));
    assert.equal(second.nextCheckAt.getTime(), first.nextCheckAt.getTime());
    assert.equal(s.commands.length, sent, 'no connection before the delay is over');
    assert.equal((await account.nextCheckAt())?.getTime(), first.nextCheckAt.getTime(), 'the status line can show it');
    // `$` (sync) still says why in words.
    await assert.rejects(account.sync(), /the next check is allowed at \d\d:\d\d/);
    assert.equal(s.commands.length, sent);
  } finally {
    await account.close();
  }
});

test('LOGIN-DELAY after a successful login (CAPA in TRANSACTION state): the next check waits for it', async () => {
  const { s, opts } = await setup('login-delay-ok', { messages: [message(1)], capa: ['USER', 'UIDL', 'PIPELINING', 'LOGIN-DELAY 600'] });
  const result = await syncMailbox({ ...opts, now: at(0) });
  assert.equal(result.nextCheckAllowedAt?.toISOString(), new Date(T0.getTime() + 600_000).toISOString());
  const sent = s.commands.length;
  await assert.rejects(syncMailbox({ ...opts, now: at(3) }), /the next check is allowed at \d\d:\d\d \(in 7 min\)/);
  assert.equal(s.commands.length, sent);
  assert.equal((await syncMailbox({ ...opts, now: at(10) })).downloaded, 0);
});

test('a server without LOGIN-DELAY: nothing remembered, checks at any time', async () => {
  const { opts } = await setup('no-login-delay', { messages: [message(1)] });
  assert.equal((await syncMailbox(opts)).nextCheckAllowedAt, undefined);
  assert.equal((await syncMailbox(opts)).downloaded, 0);
  assert.equal((await loadSyncState(opts.statePath)).loginNotBefore, undefined);
});

const noApopSecret = (line: string) => (line.startsWith('APOP') ? '-ERR [AUTH] Authentication failed.\r\n' : undefined);

test('APOP offered but refused (no APOP secret for the user): falls back to USER/PASS where allowed, and says so in the trace', async () => {
  const { s, opts } = await setup('apop-fallback', { messages: [message(1)], greeting: 'ready <1.2@fake>', override: noApopSecret }, { apop: true });
  const trace: string[] = [];
  const result = await syncMailbox({ ...opts, trace: (l) => trace.push(l) });
  assert.equal(result.authMethod, 'user');
  assert.equal(result.downloaded, 1);
  assert.ok(trace.includes('APOP was refused: trying USER/PASS'));
  assert.deepEqual(
    s.commands.filter((c) => /^(APOP|USER|PASS)/.test(c)).map((c) => c.split(' ')[0]),
    ['APOP', 'USER', 'PASS'],
  );
});

test('APOP refused without TLS and without allowInsecureAuth: no USER/PASS, and the error names APOP', async () => {
  const s = await startFakePop3({ messages: [], greeting: 'ready <1.2@fake>', override: noApopSecret });
  servers.push(s);
  const c = await Pop3Client.connect({ host: '127.0.0.1', port: s.port, security: 'none' });
  try {
    await assert.rejects(
      c.login({ user: 'alice', password: 'secret', apop: true }),
      (e: unknown) =>
        e instanceof AccountError &&
        e.kind === 'auth' &&
        /APOP login failed for alice: \[AUTH\] Authentication failed\. The server may have no APOP secret for this user; USER\/PASS was not tried/.test(
          e.message,
        ),
    );
    assert.ok(!s.commands.some((l) => l.startsWith('USER') || l.startsWith('PASS')));
  } finally {
    c.close();
  }
});

test('APOP refused and USER/PASS refused too: one message that names both', async () => {
  const { opts } = await setup('apop-both', { messages: [], greeting: 'ready <1.2@fake>', override: noApopSecret }, { apop: true });
  await assert.rejects(
    syncMailbox({ ...opts, getPassword: async () => 'wrong' }),
    (e: unknown) =>
      e instanceof AccountError &&
      e.kind === 'auth' &&
      /APOP was refused \(\[AUTH\] Authentication failed\.\), and USER\/PASS too/.test(e.message) &&
      !e.message.includes('wrong'),
  );
});

test('a mailbox in use ([IN-USE]) is not called a failed login', async () => {
  const { opts } = await setup('in-use', { messages: [], override: (l) => (l.startsWith('PASS') ? '-ERR [IN-USE] Mailbox locked\r\n' : undefined) });
  await assert.rejects(syncMailbox(opts), (e: unknown) => e instanceof AccountError && e.kind !== 'auth' && /in use by another session/.test(e.message));
});

test('the QUIT reply lost after every DELE was answered: the sync succeeds, the deletions are unconfirmed, the next sync checks', async () => {
  const messages = [message(1), message(2), message(3)];
  const { s, opts } = await setup('quit-lost', { messages, loseQuitReply: true });
  const trace: string[] = [];
  const result = await syncMailbox({ ...opts, trace: (l) => trace.push(l) });
  assert.deepEqual([result.downloaded, result.deletedOnServer, result.deletionUnconfirmed], [3, 0, 3]);
  assert.equal(s.deleted.size, 3, 'the server did commit them');
  assert.ok(trace.some((l) => l.startsWith('no reply to QUIT')));
  assert.equal(Object.keys((await loadSyncState(opts.statePath)).messages).length, 3, 'still recorded until confirmed');
  // The next sync sees they are gone: nothing downloaded, nothing left recorded.
  const again = await syncMailbox(opts);
  assert.deepEqual([again.downloaded, again.deletionUnconfirmed], [0, 0]);
  assert.deepEqual({ ...(await loadSyncState(opts.statePath)).messages }, {});
  assert.equal((await readdir(join(opts.maildir.root, 'new'))).length, 3);
});

test("tmp/ files of a killed delivery are removed at the next sync; a live writer's and a foreign recent one stay", async () => {
  const { opts } = await setup('tmp-clean', { messages: [message(1)] });
  const tmp = join(opts.maildir.root, 'tmp');
  await mkdir(tmp, { recursive: true });
  const dead = tmpName().replace(`.P${process.pid}R`, '.P999999999R'); // no such process
  const live = tmpName(); // this process: may be mid-delivery
  const foreignRecent = '1700000000.M1P1.otherhost';
  const foreignOld = '1600000000.M1P1.otherhost.old';
  for (const f of [dead, live, foreignRecent, foreignOld]) await writeFile(join(tmp, f), 'partial');
  const old = new Date(Date.now() - 37 * 3600_000);
  await utimes(join(tmp, foreignOld), old, old);
  await syncMailbox(opts);
  assert.deepEqual((await readdir(tmp)).sort(), [foreignRecent, live].sort());
});

test('a read-only data dir is called read-only, before anything is fetched', async (t) => {
  const { mountTinyTmpfs, unmountTmpfs } = await import('../helpers/tiny-tmpfs.js');
  const { execFileSync } = await import('node:child_process');
  const mount = await mountTinyTmpfs(join(base, 'ro-data'), 'size=64k,mode=0700');
  if (typeof mount !== 'string') return t.skip(mount.skip);
  try {
    execFileSync('mount', ['-o', 'remount,ro', mount]);
    const s = await startFakePop3({ messages: [message(1)] });
    servers.push(s);
    const opts: SyncOptions = {
      config: { name: 'ro', protocol: 'pop3', host: '127.0.0.1', port: s.port, security: 'none', allowInsecureAuth: true, user: 'alice' },
      getPassword: async () => 'secret',
      maildir: new Maildir(join(mount, 'Maildir')),
      statePath: join(mount, 'pop3-state.json'),
    };
    await assert.rejects(
      syncMailbox(opts),
      (e: unknown) =>
        e instanceof AccountError && e.kind === 'local' && e.message.includes(`the data directory ${mount} is read-only — it is on a read-only file system`),
    );
    assert.equal(s.commands.length, 0, 'nothing fetched');
  } finally {
    unmountTmpfs(mount);
  }
});
