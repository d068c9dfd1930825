import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { Pop3Client } from '../../src/accounts/pop3/client.js';
import { startFakePop3, type FakePop3Options, type FakePop3Server } from '../helpers/pop3-fake-server.js';

const servers: FakePop3Server[] = [];
after(async () => Promise.all(servers.map((s) => s.stop())));
async function fake(opts: Partial<FakePop3Options> = {}) {
  const s = await startFakePop3({ messages: [Buffer.from('Subject: a\r\n\r\nbody\r\n')], ...opts });
  servers.push(s);
  return s;
}
const connect = (port: number, extra: Partial<Parameters<typeof Pop3Client.connect>[0]> = {}) =>
  Pop3Client.connect({ host: '127.0.0.1', port, security: 'none', ...extra });

test('USER/PASS login, UIDL, LIST, STAT, RETR with LF line ends, DELE at QUIT', async () => {
  const s = await fake({ uidls: ['abc'] });
  const c = await connect(s.port);
  await c.login({ user: 'alice', password: 'secret' });
  assert.equal(c.authMethod, 'user');
  assert.deepEqual(await c.uidl(), [{ msg: 1, uidl: 'abc' }]);
  assert.deepEqual(await c.list(), [{ msg: 1, size: 20 }]);
  assert.deepEqual(await c.stat(), { count: 1, size: 20 });
  assert.equal((await c.retr(1)).toString(), 'Subject: a\n\nbody\n');
  await c.dele(1);
  await c.quit();
  assert.deepEqual([...s.deleted], [1]);
});

test('a wrong password is an auth error that names the user, never the password', async () => {
  const s = await fake();
  const c = await connect(s.port);
  await assert.rejects(c.login({ user: 'alice', password: 'hunter2-wrong' }), (e: unknown) => {
    assert.ok(e instanceof AccountError);
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /login failed for alice/);
    assert.doesNotMatch(e.message, /hunter2/);
    return true;
  });
  c.close();
});

test('PIPELINING offered: USER and PASS leave together; a refused USER is the error, PASS stays redacted', async () => {
  const s = await fake({ capa: ['USER', 'UIDL', 'PIPELINING'] });
  const lines: string[] = [];
  const c = await connect(s.port, { trace: (l) => lines.push(l) });
  await c.capabilities();
  await assert.rejects(c.login({ user: 'mallory', password: 'hunter2', allowUserPass: true }), (e: unknown) => {
    assert.ok(e instanceof AccountError);
    assert.equal(e.kind, 'auth');
    assert.equal(e.message, `POP3 127.0.0.1:${s.port}: login failed for mallory: no such user`);
    return true;
  });
  // Sent without waiting for USER's reply (one at a time, a refused USER would stop before PASS).
  assert.deepEqual(s.commands.slice(-2), ['USER mallory', 'PASS hunter2']);
  assert.ok(lines.includes('C: PASS ***'));
  assert.ok(!lines.some((l) => l.includes('hunter2')));
  c.close();
});

test('APOP when the greeting has a timestamp; trace redacts the digest and the password', async () => {
  const s = await fake({ greeting: 'ready <1896.697170952@dbc.mtview.ca.us>' });
  const lines: string[] = [];
  const c = await connect(s.port, { trace: (l) => lines.push(l) });
  await c.login({ user: 'alice', password: 'secret', apop: true });
  assert.equal(c.authMethod, 'apop');
  assert.match(s.commands.find((l) => l.startsWith('APOP'))!, /^APOP alice [0-9a-f]{32}$/);
  assert.ok(lines.includes('C: APOP alice ***'));
  assert.ok(lines.some((l) => /weak: MD5/.test(l)));
  assert.ok(!lines.some((l) => l.includes('secret') || /[0-9a-f]{32}/.test(l)));
  await c.quit();
});

test('USER/PASS when APOP is asked for but not offered; PASS is redacted in the trace', async () => {
  const s = await fake();
  const lines: string[] = [];
  const c = await connect(s.port, { trace: (l) => lines.push(l) });
  await c.login({ user: 'alice', password: 'secret', apop: true });
  assert.equal(c.authMethod, 'user');
  assert.ok(lines.includes('C: PASS ***'));
  assert.ok(!lines.some((l) => l.includes('secret')));
  await c.quit();
});

test('replies delivered byte by byte still parse (RETR body summarised in the trace)', async () => {
  const msg = Buffer.from('Subject: split\r\n\r\n.\r\n..\r\nx\r\n');
  const s = await fake({ messages: [msg], split: (b) => [...b].map((x) => Buffer.from([x])) });
  const lines: string[] = [];
  const c = await connect(s.port, { trace: (l) => lines.push(l) });
  await c.login({ user: 'alice', password: 'secret' });
  assert.deepEqual(await c.retr(1, 'crlf'), msg);
  assert.ok(lines.includes(`S: +OK ${msg.length} octets (${msg.length} octets)`));
  await c.quit();
});

test('no UIDL support is reported as undefined, not as an error', async () => {
  const s = await fake({ uidls: null });
  const c = await connect(s.port);
  await c.login({ user: 'alice', password: 'secret' });
  assert.equal(await c.uidl(), undefined);
  await c.quit();
});

test("security 'starttls' is required: a server without STLS is refused before login", async () => {
  const s = await fake();
  await assert.rejects(
    connect(s.port, { security: 'starttls' }),
    (e: unknown) => e instanceof AccountError && e.kind === 'tls' && /does not offer STLS/.test(e.message),
  );
  assert.ok(!s.commands.some((l) => l.startsWith('USER') || l.startsWith('PASS')));
});

test('a hostile UIDL list longer than the cap fails with a clear error', async () => {
  const many = Array.from({ length: 50 }, (_, i) => `${i + 1} u${i}\r\n`).join('');
  const s = await fake({ override: (l) => (l === 'UIDL' ? `+OK\r\n${many}.\r\n` : undefined) });
  const c = await connect(s.port, { limits: { maxListLines: 10 } });
  await c.login({ user: 'alice', password: 'secret' });
  await assert.rejects(c.uidl(), (e: unknown) => e instanceof AccountError && e.kind === 'protocol' && /more than 10 lines/.test(e.message));
});

test('a message larger than maxMessageBytes fails with a clear error', async () => {
  const s = await fake({ messages: [Buffer.from(`Subject: big\r\n\r\n${'x'.repeat(5000)}\r\n`)] });
  const c = await connect(s.port, { limits: { maxMessageBytes: 1000 } });
  await c.login({ user: 'alice', password: 'secret' });
  await assert.rejects(c.retr(1), (e: unknown) => e instanceof AccountError && /message 1 is larger than the limit of 1000 octets/.test(e.message));
});

test('duplicate UIDLs are refused (guessing could delete unread mail)', async () => {
  const s = await fake({ messages: [Buffer.from('a\r\n'), Buffer.from('b\r\n')], uidls: ['same', 'same'] });
  const c = await connect(s.port);
  await c.login({ user: 'alice', password: 'secret' });
  await assert.rejects(c.uidl(), /same UIDL for two messages/);
});

test('a server that never answers times out with a network error', async () => {
  const silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  try {
    await assert.rejects(connect(port, { limits: { timeoutMs: 300 } }), (e: unknown) => e instanceof AccountError && e.kind === 'network');
  } finally {
    silent.close();
  }
});

test('a refused connection is a network error with a clear message', async () => {
  const s = await fake();
  const port = s.port;
  await s.stop();
  servers.splice(servers.indexOf(s), 1);
  await assert.rejects(connect(port), (e: unknown) => e instanceof AccountError && e.kind === 'network' && /connection refused/.test(e.message));
});
