// Signing in with OAuth2 access tokens against real servers: Dovecot's oauth2 passdb checks each
// token at an RFC 7662 introspection endpoint (test/helpers/introspection-server.ts), for IMAP
// (through imapflow) and POP3 (our AUTH, RFC 5034), with OAUTHBEARER and XOAUTH2; SMTP XOAUTH2
// against the smtp-server sink (OAUTHBEARER for SMTP: smtp-oauth2-mechanisms.test.ts). Tokens come from a real tokenCommand, which counts its runs.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAccount } from '../../src/accounts/index.js';
import { accountCredentials, smtpCredentials } from '../../src/auth/provider.js';
import { testLogin } from '../../src/cli/login-test.js';
import { sendRaw } from '../../src/compose/transport.js';
import type { AccountConfig } from '../../src/config/types.js';
import { AccountError } from '../../src/domain/index.js';
import { TraceBuffer } from '../../src/trace/buffer.js';
import { openTraceFile } from '../../src/trace/file-sink.js';
import type { TraceEntry } from '../../src/trace/types.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startIntrospectionServer, type IntrospectionServer } from '../helpers/introspection-server.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

type Line = Omit<TraceEntry, 'time'>;

describe('OAuth2 sign-in against Dovecot (oauth2 passdb) and the SMTP sink', dovecotTestOptions(), () => {
  let oauth: IntrospectionServer;
  /** Offers OAUTHBEARER and XOAUTH2 and wants scope "mail". */
  let both: DovecotServer;
  /** Offers XOAUTH2 only (like Gmail's IMAP once did). */
  let xoauth2Only: DovecotServer;
  /** No OAuth2 at all. */
  let passwordsOnly: DovecotServer;
  let sink: SmtpSink;
  /** AUTH PLAIN/LOGIN only. */
  let passwordSink: SmtpSink;
  let root: string;
  let n = 0;

  before(async () => {
    oauth = await startIntrospectionServer();
    [both, xoauth2Only, passwordsOnly] = await Promise.all([
      startDovecot({ oauth2: { introspectionUrl: oauth.url, scope: 'mail' } }),
      startDovecot({ oauth2: { introspectionUrl: oauth.url, mechanisms: ['xoauth2'] } }),
      startDovecot(),
    ]);
    sink = await startSmtpSink({ checkToken: (user, token) => oauth.introspectLocally(user, token) });
    passwordSink = await startSmtpSink();
    root = await mkdtemp(path.join(os.tmpdir(), 'tmail-oauth2-'));
  });

  after(async () => {
    await Promise.all([both?.stop(), xoauth2Only?.stop(), passwordsOnly?.stop(), sink?.stop(), passwordSink?.stop(), oauth?.close()]);
    await rm(root, { recursive: true, force: true });
  });

  /**
   * A tokenCommand printing line k of a token list on its k-th run (the last line from then on),
   * so a test decides what the first run and the refresh get, and can count the runs.
   */
  async function tokenCommand(tokens: string[]): Promise<{ command: string; runs: () => Promise<number> }> {
    const dir = await mkdtemp(path.join(root, 'cmd-'));
    const list = path.join(dir, 'tokens');
    const count = path.join(dir, 'count');
    await writeFile(list, `${tokens.join('\n')}\n`);
    await writeFile(count, '');
    const command = `echo run >> '${count}'; k=$(wc -l < '${count}'); [ "$k" -gt ${tokens.length} ] && k=${tokens.length}; sed -n "\${k}p" '${list}'`;
    return { command, runs: async () => (await readFile(count, 'utf8')).split('\n').filter(Boolean).length };
  }

  function setup(server: DovecotServer, protocol: 'imap' | 'pop3', command: string, over: Partial<AccountConfig> = {}) {
    const name = `acct${++n}`;
    const config: AccountConfig = {
      name,
      protocol,
      host: server.host,
      port: protocol === 'imap' ? server.ports.imap : server.ports.pop3,
      security: 'starttls',
      user: 'alice',
      ca: server.caFile,
      auth: { method: 'oauth2', tokenCommand: command },
      ...over,
    };
    const dataDir = path.join(root, name);
    const lines: Line[] = [];
    const trace = { add: (e: Line) => lines.push(e) };
    const credentials = accountCredentials(config, { env: { PATH: process.env.PATH }, dataDir });
    return { config, dataDir, lines, trace, credentials, deps: { credentials, dataDir, trace } };
  }

  const wire = (lines: Line[]) => lines.map((l) => `${l.dir}: ${l.text}`).join('\n');
  const assertNoToken = (lines: Line[], ...tokens: string[]) => {
    const text = wire(lines);
    for (const t of tokens) {
      assert.ok(!text.includes(t), `token on the trace:\n${text}`);
      assert.ok(!text.includes(Buffer.from(t).toString('base64').slice(0, 20)), `base64 token on the trace:\n${text}`);
    }
  };

  test('IMAP: OAUTHBEARER when offered; the trace pane and the --trace file show AUTHENTICATE OAUTHBEARER *** and no token', async () => {
    const token = oauth.issue('alice');
    const cmd = await tokenCommand([token]);
    const s = setup(both, 'imap', cmd.command);
    const buffer = new TraceBuffer();
    const traceFile = path.join(root, `trace-${n}.log`);
    const file = openTraceFile(traceFile, buffer);
    const account = await createAccount(s.config, {
      ...s.deps,
      trace: {
        add: (e) => {
          s.trace.add(e);
          buffer.add(e);
        },
      },
    });
    try {
      await account.connect();
      assert.ok((await account.listFolders()).some((f) => f.path === 'INBOX'));
    } finally {
      await account.close();
      file.close();
    }
    assert.match(wire(s.lines), /C: \S+ AUTHENTICATE OAUTHBEARER \*\*\*/);
    assertNoToken(s.lines, token);
    const written = await readFile(traceFile, 'utf8');
    assert.match(written, /AUTHENTICATE OAUTHBEARER \*\*\*/);
    assert.ok(!written.includes(token) && !written.includes(Buffer.from(token).toString('base64').slice(0, 20)), written);
    assert.equal(await cmd.runs(), 1);
  });

  test('IMAP: XOAUTH2 on a server without OAUTHBEARER', async () => {
    const token = oauth.issue('alice');
    const cmd = await tokenCommand([token]);
    const s = setup(xoauth2Only, 'imap', cmd.command);
    const account = await createAccount(s.config, s.deps);
    try {
      await account.connect();
    } finally {
      await account.close();
    }
    assert.match(wire(s.lines), /C: \S+ AUTHENTICATE XOAUTH2 \*\*\*/);
    assertNoToken(s.lines, token);
  });

  test('IMAP: a rejected token makes the tokenCommand run once more, and the fresh token is used', async () => {
    const stale = oauth.issue('alice');
    oauth.revoke(stale);
    const fresh = oauth.issue('alice');
    const cmd = await tokenCommand([stale, fresh]);
    const s = setup(both, 'imap', cmd.command);
    const account = await createAccount(s.config, s.deps);
    try {
      await account.connect();
    } finally {
      await account.close();
    }
    assert.equal(await cmd.runs(), 2);
    assert.deepEqual(
      oauth.introspected.filter((t) => t === stale || t === fresh),
      [stale, fresh],
    );
    assertNoToken(s.lines, stale, fresh);
  });

  test('IMAP: rejected again after the refresh: one clear auth error naming tokenCommand, no third try', async () => {
    const bad = oauth.issue('alice');
    oauth.revoke(bad);
    const cmd = await tokenCommand([bad]);
    const s = setup(both, 'imap', cmd.command);
    const account = await createAccount(s.config, s.deps);
    await assert.rejects(account.connect(), (e: unknown) => {
      assert.ok(e instanceof AccountError && e.kind === 'auth', String(e));
      // "(invalid_token)" is Dovecot's JSON error challenge, which imapflow hands over as `oauthError`.
      assert.match(
        e.message,
        /^IMAP 127\.0\.0\.1:\d+: OAuth2 sign-in \(OAUTHBEARER\) failed for alice: the server rejected the access token \(invalid_token\)/,
      );
      assert.match(e.message, /also after getting a fresh one.*check that auth\.tokenCommand prints a current access token for alice/);
      assert.ok(!e.message.includes(bad));
      return true;
    });
    await account.close();
    assert.equal(await cmd.runs(), 2);
  });

  test('IMAP: a token that expired during the session is refreshed when the connection is made again', async () => {
    const first = oauth.issue('alice');
    const second = oauth.issue('alice');
    const cmd = await tokenCommand([first, second]);
    // The proxy (which plays the network drop) passes cleartext only: allowInsecureAuth lets the
    // token travel without TLS, as a user may allow on a trusted network.
    const proxy = await startTcpProxy(both.ports.imap);
    const s = setup(both, 'imap', cmd.command, { port: proxy.port, security: 'none', allowInsecureAuth: true });
    const account = await createAccount(s.config, s.deps);
    try {
      await account.connect();
      assert.equal(await cmd.runs(), 1);
      // Hours later: the token has expired and the network dropped the session.
      oauth.revoke(first);
      proxy.cutAll();
      assert.ok((await account.listFolders()).some((f) => f.path === 'INBOX'));
      assert.equal(await cmd.runs(), 2);
      assert.equal(oauth.introspected.at(-1), second);
    } finally {
      await account.close();
      await proxy.stop();
    }
  });

  test('POP3: AUTH OAUTHBEARER, a long token sent after the empty challenge (RFC 5034), mail downloaded', async () => {
    const token = oauth.issue('alice', 'mail', 400);
    const cmd = await tokenCommand([token]);
    const s = setup(both, 'pop3', cmd.command, { leaveOnServer: true });
    const account = await createAccount(s.config, s.deps);
    try {
      await account.connect();
      const result = await account.sync!();
      assert.equal(result.downloaded, 0);
    } finally {
      await account.close();
    }
    const text = wire(s.lines);
    assert.match(text, /C: AUTH OAUTHBEARER\n/);
    assert.match(text, /C: \*\*\*\nS: \+OK/);
    assertNoToken(s.lines, token);
  });

  test('POP3: AUTH XOAUTH2 with the initial response; a rejected token is refreshed once in the same session', async () => {
    const stale = oauth.issue('alice');
    oauth.revoke(stale);
    const fresh = oauth.issue('alice');
    const cmd = await tokenCommand([stale, fresh]);
    const s = setup(xoauth2Only, 'pop3', cmd.command);
    await testLogin(s.config, s.deps);
    assert.equal(await cmd.runs(), 2);
    const auths = s.lines.filter((l) => l.dir === 'C' && l.text.startsWith('AUTH'));
    assert.deepEqual(
      auths.map((l) => l.text),
      ['AUTH XOAUTH2 ***', 'AUTH XOAUTH2 ***'],
    );
    assertNoToken(s.lines, stale, fresh);
  });

  test("POP3: an invalid token twice gives the clear error with the server's status", async () => {
    const cmd = await tokenCommand(['not-a-token-at-all']);
    const s = setup(both, 'pop3', cmd.command);
    await assert.rejects(testLogin(s.config, s.deps), (e: unknown) => {
      assert.ok(e instanceof AccountError && e.kind === 'auth', String(e));
      // The status comes from Dovecot's JSON error challenge; the last part from its -ERR line.
      assert.match(
        e.message,
        /^POP3 127\.0\.0\.1:\d+: OAuth2 sign-in \(OAUTHBEARER\) failed for alice: the server rejected the access token \(invalid_token\), also after getting a fresh one \(server said: \[AUTH\] Authentication failed\.\)/,
      );
      assert.ok(!e.message.includes('not-a-token-at-all'));
      return true;
    });
    assert.equal(await cmd.runs(), 2);
  });

  test('a token without the scope the server wants is refused (Dovecot 2.3 calls it invalid_token, so one refresh is tried)', async () => {
    const token = oauth.issue('alice', 'calendar');
    const cmd = await tokenCommand([token]);
    const s = setup(both, 'pop3', cmd.command);
    await assert.rejects(testLogin(s.config, s.deps), (e: unknown) => {
      assert.ok(e instanceof AccountError && e.kind === 'auth', String(e));
      assert.match(e.message, /OAuth2 sign-in \(OAUTHBEARER\) failed for alice: the server rejected the access token \(invalid_token\)/);
      return true;
    });
    assert.equal(await cmd.runs(), 2);
    // The mail server did ask the authorization server (the scope was checked, not the syntax).
    assert.ok(oauth.introspected.includes(token));
  });

  test('a server without OAuth2 mechanisms: a clear line for IMAP and POP3, no token sent', async () => {
    const token = oauth.issue('alice');
    for (const protocol of ['imap', 'pop3'] as const) {
      const cmd = await tokenCommand([token]);
      const s = setup(passwordsOnly, protocol, cmd.command);
      await assert.rejects(testLogin(s.config, s.deps), (e: unknown) => {
        assert.ok(e instanceof AccountError && e.kind === 'auth', `${protocol}: ${String(e)}`);
        assert.match(
          e.message,
          /the server offers no OAuth2 sign-in \(neither OAUTHBEARER nor XOAUTH2; it offers PLAIN LOGIN\); use "auth": \{"method": "password"\}/,
        );
        return true;
      });
      assert.ok(!s.lines.some((l) => l.dir === 'C' && /AUTH/.test(l.text)), wire(s.lines));
    }
  });

  test('a plaintext connection is refused before the token command even runs', async () => {
    for (const protocol of ['imap', 'pop3'] as const) {
      const cmd = await tokenCommand([oauth.issue('alice')]);
      const s = setup(both, protocol, cmd.command, { security: 'none' });
      await assert.rejects(
        testLogin(s.config, s.deps),
        (e: unknown) => e instanceof AccountError && e.kind === 'insecure' && /refusing to send the access token/.test(e.message),
      );
      assert.equal(await cmd.runs(), 0);
    }
  });

  test('SMTP: XOAUTH2 through nodemailer; a rejected token is refreshed once; AUTH redacted on the trace', async () => {
    const stale = oauth.issue('alice');
    oauth.revoke(stale);
    const fresh = oauth.issue('alice');
    const cmd = await tokenCommand([stale, fresh]);
    const s = setup(both, 'imap', cmd.command, { smtp: { host: sink.host, port: sink.port, security: 'starttls', ca: sink.caFile } });
    const creds = smtpCredentials(s.config, s.credentials, { env: { PATH: process.env.PATH }, dataDir: s.dataDir });
    const before = sink.received.length;
    await sendRaw({
      smtp: s.config.smtp!,
      accountName: s.config.name,
      credentials: creds,
      envelope: { from: 'alice@example.test', to: ['bob@example.org'] },
      raw: Buffer.from('Subject: hi\r\n\r\nhello\r\n'),
      trace: s.trace,
    });
    assert.equal(sink.received.length, before + 1);
    assert.equal(sink.received.at(-1)!.user, 'alice');
    assert.equal(await cmd.runs(), 2);
    assert.ok(
      s.lines.some((l) => l.dir === 'C' && l.text === 'AUTH XOAUTH2 ***'),
      wire(s.lines),
    );
    assertNoToken(s.lines, stale, fresh);
  });

  test('SMTP: rejected twice is one auth error, nothing sent', async () => {
    const bad = oauth.issue('alice');
    oauth.revoke(bad);
    const cmd = await tokenCommand([bad]);
    const s = setup(both, 'imap', cmd.command, { smtp: { host: sink.host, port: sink.port, security: 'starttls', ca: sink.caFile } });
    const before = sink.received.length;
    await assert.rejects(
      sendRaw({
        smtp: s.config.smtp!,
        accountName: s.config.name,
        credentials: smtpCredentials(s.config, s.credentials, { env: { PATH: process.env.PATH }, dataDir: s.dataDir }),
        envelope: { from: 'alice@example.test', to: ['bob@example.org'] },
        raw: Buffer.from('Subject: hi\r\n\r\nhello\r\n'),
      }),
      (e: unknown) =>
        e instanceof AccountError &&
        e.kind === 'auth' &&
        /^SMTP 127\.0\.0\.1:\d+: OAuth2 sign-in \(XOAUTH2\) failed for alice/.test(e.message) &&
        !e.message.includes(bad),
    );
    assert.equal(sink.received.length, before);
    assert.equal(await cmd.runs(), 2);
  });

  test('SMTP: a server without OAuth2 mechanisms gets a clear line, no refresh', async () => {
    const cmd = await tokenCommand([oauth.issue('alice')]);
    const s = setup(both, 'imap', cmd.command, { smtp: { host: passwordSink.host, port: passwordSink.port, security: 'starttls', ca: passwordSink.caFile } });
    await assert.rejects(
      sendRaw({
        smtp: s.config.smtp!,
        accountName: s.config.name,
        credentials: smtpCredentials(s.config, s.credentials, { env: { PATH: process.env.PATH }, dataDir: s.dataDir }),
        envelope: { from: 'alice@example.test', to: ['bob@example.org'] },
        raw: Buffer.from('Subject: hi\r\n\r\nhello\r\n'),
      }),
      (e: unknown) =>
        e instanceof AccountError &&
        e.kind === 'auth' &&
        /^SMTP 127\.0\.0\.1:\d+: the server offers no OAuth2 sign-in \(neither OAUTHBEARER nor XOAUTH2/.test(e.message),
    );
    assert.equal(passwordSink.received.length, 0);
    assert.equal(await cmd.runs(), 1);
  });
});
