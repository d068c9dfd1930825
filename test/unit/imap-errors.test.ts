import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountError } from '../../src/domain/index.js';
import { connectionLossReason, isConnectionLoss, toAccountError } from '../../src/accounts/imap/errors.js';

const ctx = { host: '127.0.0.1', port: 1234, user: 'alice' };
const withCode = (code: string, message = code, extra: object = {}) => Object.assign(new Error(message), { code }, extra);

test('authentication failure → auth, one line with user and server', () => {
  const err = toAccountError(Object.assign(new Error('Authentication failed'), { authenticationFailed: true, responseText: 'x' }), ctx);
  assert.equal(err.kind, 'auth');
  assert.equal(err.message, 'login failed for alice on 127.0.0.1:1234: wrong user or password');
});

test('certificate problems → tls with a hint', () => {
  const self = toAccountError(withCode('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), ctx);
  assert.equal(self.kind, 'tls');
  assert.equal(self.message, "certificate for 127.0.0.1 is not trusted (self-signed) — set `ca` to the server's certificate");
  assert.match(toAccountError(withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), ctx).message, /not trusted \(unknown issuer\)/);
  assert.match(toAccountError(withCode('CERT_HAS_EXPIRED'), ctx).message, /expired/);
  assert.match(toAccountError(withCode('ERR_TLS_CERT_ALTNAME_INVALID'), ctx).message, /does not match 127\.0\.0\.1/);
  // Wrapped one level deep, as imapflow sometimes does.
  const wrapped = Object.assign(new Error('Failed'), { _err: withCode('SELF_SIGNED_CERT_IN_CHAIN') });
  assert.equal(toAccountError(wrapped, ctx).kind, 'tls');
});

test('STARTTLS missing → tls; network failures → network', () => {
  const nostarttls = toAccountError(Object.assign(new Error('Server does not support STARTTLS'), { tlsFailed: true }), ctx);
  assert.equal(nostarttls.kind, 'tls');
  assert.match(nostarttls.message, /127\.0\.0\.1:1234 does not offer STARTTLS/);
  for (const [code, text] of [
    ['ECONNREFUSED', 'connection refused'],
    ['ENOTFOUND', 'host name not found'],
    ['CONNECT_TIMEOUT', 'connection timed out'],
    ['GREETING_TIMEOUT', 'no greeting'],
  ] as const) {
    const e = toAccountError(withCode(code), ctx);
    assert.equal(e.kind, 'network', code);
    assert.match(e.message, new RegExp(`^cannot reach 127\\.0\\.0\\.1:1234: .*${text}`));
    assert.ok(isConnectionLoss(withCode(code)));
  }
  // A session that was up and ended: lost, and how — never "not connected" or "cannot reach".
  for (const [code, text] of [
    ['NoConnection', 'the server closed the connection \\(the server process may have crashed or restarted\\)'],
    ['EConnectionClosed', 'the server closed the connection'],
    ['ECONNRESET', 'the server reset the connection \\(the server process may have crashed'],
    ['ETIMEOUT', 'the server stopped answering'],
  ] as const) {
    const e = toAccountError(withCode(code), ctx);
    assert.equal(e.kind, 'network', code);
    assert.match(e.message, new RegExp(`^connection to 127\\.0\\.0\\.1:1234 lost: ${text}`));
    assert.ok(isConnectionLoss(withCode(code)));
  }
  const bye = toAccountError(withCode('NoConnection', 'x', { responseText: 'Server shutting down. (0.001 + 0.000 secs).' }), ctx);
  assert.match(bye.message, /lost: the server closed the connection .* \(server said: Server shutting down\.\)$/);
  assert.equal(isConnectionLoss(new Error('NO [TRYCREATE]')), false);
});

test('TLS spoken to a cleartext port gets a hint instead of OpenSSL noise', () => {
  const e = toAccountError(
    withCode(
      'ERR_SSL_WRONG_VERSION_NUMBER',
      '804C0A5BAA7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:354:',
    ),
    ctx,
  );
  assert.equal(e.kind, 'tls');
  assert.equal(e.message, '127.0.0.1:1234 did not answer with TLS (wrong port? for a plain port use security "starttls")');
});

test('a missing folder → not-found; anything else → protocol with sanitized server text', () => {
  const missing = toAccountError(Object.assign(new Error('x'), { mailboxMissing: true }), { ...ctx, action: 'opening folder X' });
  assert.equal(missing.kind, 'not-found');
  assert.match(missing.message, /^opening folder X: folder does not exist/);
  const other = toAccountError(Object.assign(new Error('Command failed'), { responseText: 'Quota \u001b[2Jexceeded\r\nnext' }), ctx);
  assert.equal(other.kind, 'protocol');
  assert.equal(other.message, '127.0.0.1:1234: Quota exceeded next');
});

test('AccountErrors pass through unchanged; messages never contain a newline', () => {
  const original = new AccountError('insecure', 'no');
  assert.equal(toAccountError(original, ctx), original);
  assert.doesNotMatch(toAccountError(new Error('a\nb'), ctx).message, /\n/);
});

test('connectionLossReason: the socket error when there was one, else an EOF from the server', () => {
  assert.equal(connectionLossReason(undefined), 'the server closed the connection (the server process may have crashed or restarted)');
  assert.match(connectionLossReason(withCode('ECONNRESET')), /^the server reset the connection/);
  assert.match(connectionLossReason(Object.assign(new Error('x'), { _err: withCode('EPIPE') })), /^the server closed the connection/);
});

test("Dovecot's timing noise is stripped from server text", () => {
  const e = toAccountError(Object.assign(new Error('Command failed'), { responseText: 'Mailbox is full (0.001 + 0.000 + 0.002 secs).' }), ctx);
  assert.equal(e.message, '127.0.0.1:1234: Mailbox is full');
});
