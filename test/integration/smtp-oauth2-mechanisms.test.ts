// SMTP OAuth2 sign-in against the real smtp-server sink, which checks each token at the test's
// introspection endpoint: OAUTHBEARER (RFC 7628) when the server offers it, XOAUTH2 when it offers
// only that, one refresh and one retry for a refused token, a clear line for a server with
// neither, and no token without TLS. The trace shows `AUTH OAUTHBEARER ***` and no token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BearerCredentials } from '../../src/auth/credentials.js';
import { sendRaw } from '../../src/compose/transport.js';
import type { SmtpConfig } from '../../src/config/types.js';
import { AccountError } from '../../src/domain/index.js';
import type { TraceEntry } from '../../src/trace/types.js';
import { startIntrospectionServer, type IntrospectionServer } from '../helpers/introspection-server.js';
import { lastOAuthBearer } from '../helpers/smtp-oauthbearer.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

type Line = Omit<TraceEntry, 'time'>;

describe('SMTP OAuth2: the mechanism the server offers', () => {
  let oauth: IntrospectionServer;
  let both: SmtpSink;
  let xoauth2Only: SmtpSink;
  let bearerOnly: SmtpSink;
  let passwordsOnly: SmtpSink;

  before(async () => {
    oauth = await startIntrospectionServer();
    const checkToken = (user: string, token: string) => oauth.introspectLocally(user, token);
    [both, xoauth2Only, bearerOnly, passwordsOnly] = await Promise.all([
      startSmtpSink({ checkToken, bearerMechanisms: ['OAUTHBEARER', 'XOAUTH2'] }),
      startSmtpSink({ checkToken, bearerMechanisms: ['XOAUTH2'] }),
      startSmtpSink({ checkToken, bearerMechanisms: ['OAUTHBEARER'], passwordMechanisms: [] }),
      startSmtpSink(),
    ]);
  });

  after(async () => {
    await Promise.all([both?.stop(), xoauth2Only?.stop(), bearerOnly?.stop(), passwordsOnly?.stop(), oauth?.close()]);
  });

  /** Hands out `tokens` in turn (the last one from then on) and counts forced refreshes. */
  function credentials(tokens: string[]): BearerCredentials & { calls: { force: boolean }[] } {
    const calls: { force: boolean }[] = [];
    return {
      kind: 'oauth2',
      user: 'alice',
      calls,
      renewHint: 'run `tmail account login t`',
      getAccessToken: async (o) => {
        calls.push({ force: o?.forceRefresh === true });
        return tokens[Math.min(calls.length, tokens.length) - 1]!;
      },
    };
  }

  function send(sink: SmtpSink, creds: BearerCredentials, over: Partial<SmtpConfig> = {}) {
    const lines: Line[] = [];
    const promise = sendRaw({
      smtp: { host: sink.host, port: sink.port, security: 'starttls', ca: sink.caFile, ...over },
      accountName: 't',
      credentials: creds,
      envelope: { from: 'alice@example.test', to: ['bob@example.org'] },
      raw: Buffer.from('Subject: hi\r\n\r\nhello\r\n'),
      trace: { add: (e: Line) => lines.push(e) },
    });
    return { promise, lines };
  }

  const wire = (lines: Line[]) => lines.map((l) => `${l.dir}: ${l.text}`).join('\n');
  const assertNoToken = (lines: Line[], ...tokens: string[]) => {
    const text = wire(lines);
    for (const t of tokens) {
      assert.ok(!text.includes(t), `token on the trace:\n${text}`);
      assert.ok(!text.includes(Buffer.from(t).toString('base64').slice(0, 16)), `base64 token on the trace:\n${text}`);
    }
  };

  test('OAUTHBEARER is chosen when offered next to XOAUTH2, with host and port; the trace shows AUTH OAUTHBEARER ***', async () => {
    const token = oauth.issue('alice');
    const creds = credentials([token]);
    const before = both.received.length;
    const { promise, lines } = send(both, creds);
    await promise;
    assert.equal(both.received.length, before + 1);
    assert.equal(both.received.at(-1)!.user, 'alice');
    assert.ok(
      lines.some((l) => l.dir === 'C' && l.text === 'AUTH OAUTHBEARER ***'),
      wire(lines),
    );
    assert.ok(!lines.some((l) => /AUTH XOAUTH2/.test(l.text)), wire(lines));
    assert.deepEqual(lastOAuthBearer.fields, { authzid: 'alice', host: both.host, port: String(both.port) });
    assert.equal(oauth.introspected.at(-1), token);
    assert.deepEqual(creds.calls, [{ force: false }]);
    assertNoToken(lines, token);
  });

  test('a server offering only OAUTHBEARER (no password mechanism) gets it', async () => {
    const token = oauth.issue('alice');
    const { promise, lines } = send(bearerOnly, credentials([token]));
    await promise;
    assert.equal(bearerOnly.received.length, 1);
    assert.ok(
      lines.some((l) => l.dir === 'C' && l.text === 'AUTH OAUTHBEARER ***'),
      wire(lines),
    );
  });

  test('XOAUTH2 when the server offers only that', async () => {
    const token = oauth.issue('alice');
    const before = xoauth2Only.received.length;
    const { promise, lines } = send(xoauth2Only, credentials([token]));
    await promise;
    assert.equal(xoauth2Only.received.length, before + 1);
    assert.ok(
      lines.some((l) => l.dir === 'C' && l.text === 'AUTH XOAUTH2 ***'),
      wire(lines),
    );
    assertNoToken(lines, token);
  });

  test('OAUTHBEARER: a refused token is refreshed once and tried once more', async () => {
    const stale = oauth.issue('alice');
    oauth.revoke(stale);
    const fresh = oauth.issue('alice');
    const creds = credentials([stale, fresh]);
    const before = both.received.length;
    const { promise, lines } = send(both, creds);
    await promise;
    assert.equal(both.received.length, before + 1);
    assert.deepEqual(creds.calls, [{ force: false }, { force: true }]);
    assert.equal(lines.filter((l) => l.dir === 'C' && l.text === 'AUTH OAUTHBEARER ***').length, 2, wire(lines));
    assertNoToken(lines, stale, fresh);
  });

  test('OAUTHBEARER: refused twice is one auth error with the server verdict, nothing sent', async () => {
    const bad = oauth.issue('alice');
    oauth.revoke(bad);
    const creds = credentials([bad]);
    const before = both.received.length;
    await assert.rejects(send(both, creds).promise, (e: unknown) => {
      assert.ok(e instanceof AccountError && e.kind === 'auth', String(e));
      assert.match(
        e.message,
        /^SMTP 127\.0\.0\.1:\d+: OAuth2 sign-in \(OAUTHBEARER\) failed for alice: the server rejected the access token \(401\), also after getting a fresh one/,
      );
      assert.match(e.message, /tmail account login t/);
      assert.ok(!e.message.includes(bad));
      return true;
    });
    assert.equal(both.received.length, before);
    assert.equal(creds.calls.length, 2);
  });

  test('a server with neither OAuth2 mechanism: a clear line, no refresh, nothing sent', async () => {
    const creds = credentials([oauth.issue('alice')]);
    await assert.rejects(send(passwordsOnly, creds).promise, (e: unknown) => {
      assert.ok(e instanceof AccountError && e.kind === 'auth', String(e));
      assert.match(e.message, /^SMTP 127\.0\.0\.1:\d+: the server offers no OAuth2 sign-in \(neither OAUTHBEARER nor XOAUTH2; it offers PLAIN LOGIN\)/);
      return true;
    });
    assert.equal(passwordsOnly.received.length, 0);
    assert.equal(creds.calls.length, 1);
  });

  test('plaintext: the token is refused before connecting', async () => {
    const creds = credentials([oauth.issue('alice')]);
    await assert.rejects(
      send(both, creds, { security: 'none' }).promise,
      (e: unknown) => e instanceof AccountError && e.kind === 'insecure' && /refusing to send the access token/.test(e.message),
    );
    assert.equal(creds.calls.length, 0);
  });
});
