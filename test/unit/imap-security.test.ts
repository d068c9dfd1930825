// The shared connection-security policy (src/accounts/security.ts) and how the IMAP backend maps
// it onto imapflow options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AccountError } from '../../src/domain/index.js';
import { assertPasswordMayBeSent, tlsOptions } from '../../src/accounts/security.js';
import { imapFlowOptions } from '../../src/accounts/imap/connect-options.js';
import type { AccountConfig } from '../../src/config/types.js';

const base: AccountConfig = { name: 'work', protocol: 'imap', host: 'mail.example.org', port: 993, security: 'tls', user: 'alice' };
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('tlsOptions always verifies certificates and sends SNI only for host names', () => {
  const o = tlsOptions(base);
  assert.equal(o.rejectUnauthorized, true);
  assert.equal(o.servername, 'mail.example.org');
  assert.equal(tlsOptions({ ...base, host: '127.0.0.1' }).servername, undefined);
  assert.equal(tlsOptions({ ...base, host: '::1' }).servername, undefined);
});

test('tlsOptions reads `ca`, and an unreadable or non-PEM `ca` is a config error naming the account', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tmail-ca-'));
  try {
    const good = path.join(dir, 'ca.pem');
    await writeFile(good, PEM);
    assert.equal(tlsOptions({ ...base, ca: good }).ca, PEM);
    const bad = path.join(dir, 'bad.pem');
    await writeFile(bad, 'hello');
    assert.throws(
      () => tlsOptions({ ...base, ca: bad }),
      (e: unknown) => e instanceof AccountError && e.kind === 'config' && /account work.*bad\.pem.*no PEM/.test(e.message),
    );
    assert.throws(
      () => tlsOptions({ ...base, ca: path.join(dir, 'missing.pem') }),
      (e: unknown) => e instanceof AccountError && e.kind === 'config' && /missing\.pem.*no such file/.test(e.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('assertPasswordMayBeSent refuses cleartext unless allowInsecureAuth', () => {
  assert.doesNotThrow(() => assertPasswordMayBeSent(base, true));
  assert.throws(
    () => assertPasswordMayBeSent({ ...base, security: 'none' }, false),
    (e: unknown) => e instanceof AccountError && e.kind === 'insecure' && /refusing to send the password to mail\.example\.org:993 without TLS/.test(e.message),
  );
  assert.doesNotThrow(() => assertPasswordMayBeSent({ ...base, security: 'none', allowInsecureAuth: true }, false));
});

test('imapFlowOptions: implicit TLS, required STARTTLS, or cleartext — never opportunistic', () => {
  const tls = imapFlowOptions(base, 'pw');
  assert.equal(tls.secure, true);
  assert.equal(tls.doSTARTTLS, undefined);
  assert.equal(tls.tls?.rejectUnauthorized, true);
  assert.equal(tls.servername, 'mail.example.org');
  const starttls = imapFlowOptions({ ...base, port: 143, security: 'starttls' }, 'pw');
  assert.equal(starttls.secure, false);
  assert.equal(starttls.doSTARTTLS, true);
  assert.equal(starttls.tls?.rejectUnauthorized, true);
  const none = imapFlowOptions({ ...base, port: 143, security: 'none', allowInsecureAuth: true }, 'pw');
  assert.equal(none.secure, false);
  assert.equal(none.doSTARTTLS, false);
  assert.equal(none.logger, false, 'imapflow must not log protocol lines (they could include secrets)');
  assert.ok((tls.connectionTimeout ?? 0) > 0 && (tls.greetingTimeout ?? 0) > 0, 'connection timeouts are set');
});
