// One classifier for IMAP, POP3 and SMTP: the same socket/TLS failure gets the same kind, the
// same words and (for an untrusted certificate) the `ca` hint, whichever protocol met it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toAccountError } from '../../src/accounts/imap/errors.js';
import { classifyByCode, classifyTlsMessage } from '../../src/accounts/network-errors.js';
import { describeError } from '../../src/accounts/pop3/network-errors.js';
import { smtpError } from '../../src/compose/transport.js';
import { AccountError } from '../../src/domain/index.js';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });
const imap = (err: unknown) => toAccountError(err, { host: 'mail.example.org', port: 993, user: 'alice' });
const pop3 = (err: unknown) => describeError(err, 'POP3 mail.example.org:995');
const smtp = (err: unknown) => smtpError(err, { host: 'mail.example.org', port: 587, security: 'starttls' });
const all = (err: unknown) => [imap(err), pop3(err), smtp(err)];

test('an untrusted certificate is tls with the ca hint in all three protocols', () => {
  for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
    for (const e of all(withCode(code))) {
      assert.ok(e instanceof AccountError);
      assert.equal(e.kind, 'tls', `${code}: ${e.message}`);
      assert.equal(e.hint, 'ca', `${code}: ${e.message}`);
      assert.match(e.message, /certificate for mail\.example\.org is not trusted \((self-signed|unknown issuer)\) — set `ca` to the server's certificate/);
    }
  }
});

test('other certificate failures are tls without the ca hint (trusting it would not help)', () => {
  for (const [code, words] of [
    ['CERT_HAS_EXPIRED', /is expired/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /does not match mail\.example\.org/],
  ] as const) {
    for (const e of all(withCode(code))) {
      assert.equal(e.kind, 'tls');
      assert.equal(e.hint, undefined);
      assert.match(e.message, words);
    }
  }
});

test('network failures: the same words everywhere, framed per protocol', () => {
  const [i, p, s] = all(withCode('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:993'));
  assert.equal(i!.message, 'cannot reach mail.example.org:993: connection refused');
  assert.equal(p!.message, 'POP3 mail.example.org:995: connection refused');
  assert.equal(s!.message, 'cannot reach the SMTP server mail.example.org:587: connection refused');
  for (const e of [i!, p!, s!]) assert.equal(e.kind, 'network');
  for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH']) {
    const texts = all(withCode(code)).map((e) => {
      assert.equal(e.kind, 'network', code);
      return e.message.replace(/^.*?(: )/, '');
    });
    assert.equal(new Set(texts).size, 1, `${code}: ${texts.join(' | ')}`);
  }
  // nodemailer's greeting timeout keeps its detail.
  assert.equal(
    smtp(withCode('ETIMEDOUT', 'Greeting never received')).message,
    'cannot reach the SMTP server mail.example.org:587: connection timed out (Greeting never received)',
  );
});

test('codes are found in wrapped errors; unknown codes are left to the protocol', () => {
  const wrapped = Object.assign(new Error('Failed'), { _err: Object.assign(new Error('socket'), { cause: withCode('CERT_HAS_EXPIRED') }) });
  assert.equal(classifyByCode(wrapped, 'h')?.kind, 'tls');
  assert.equal(classifyByCode(withCode('EWHATEVER'), 'h'), undefined);
  assert.equal(classifyByCode(withCode('__proto__'), 'h'), undefined);
  assert.equal(classifyByCode(new Error('x'), 'h'), undefined);
});

test('TLS recognised by OpenSSL words: a cleartext port gets a hint, other reasons are cleaned', () => {
  const wrong = classifyTlsMessage(new Error('80AC:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/ssl.c:354:'), 'h:25');
  assert.equal(wrong?.text, 'h:25 did not answer with TLS (wrong port? for a plain port use security "starttls")');
  const other = classifyTlsMessage(new Error('80AC:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:../deps/openssl/x.c:1:'), 'h:25');
  assert.equal(other?.kind, 'tls');
  assert.doesNotMatch(other!.text, /deps|0A000410/);
  assert.equal(classifyTlsMessage(new Error('plain failure'), 'h:25'), undefined);
  assert.equal(pop3(new Error('Client network socket disconnected before secure TLS connection was established')).kind, 'tls');
});
