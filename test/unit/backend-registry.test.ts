// The backend registry: one registration per backend, capabilities known before connecting and
// equal to what the built account states, a clear error for an unknown protocol.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { backendFor, createAccount, registerBackend, registeredBackends } from '../../src/accounts/index.js';
import type { AccountConfig } from '../../src/config/types.js';

test('imap and pop3 are registered; each account states the capabilities its registration promised', async () => {
  assert.deepEqual(
    registeredBackends().map((b) => [b.protocol, b.label]),
    [
      ['imap', 'IMAP'],
      ['pop3', 'POP3'],
    ],
  );
  const dir = await mkdtemp(join(tmpdir(), 'tmail-registry-'));
  try {
    for (const b of registeredBackends()) {
      const config = { name: 'x', protocol: b.protocol, host: '127.0.0.1', port: 1, security: 'tls', user: 'u' } as AccountConfig;
      const account = await createAccount(config, { dataDir: join(dir, b.protocol), getPassword: async () => 'pw' });
      assert.equal(account.protocol, b.protocol);
      assert.deepEqual(account.capabilities, b.capabilities);
      assert.equal(typeof account.sync === 'function', b.capabilities.downloadsMail);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unknown protocol is a config error naming the known ones; registering twice is refused', () => {
  assert.throws(
    () => backendFor('jmap'),
    (err: unknown) => {
      assert.equal((err as { kind?: string }).kind, 'config');
      assert.match((err as Error).message, /unknown protocol "jmap" \(known: imap, pop3\)/);
      return true;
    },
  );
  assert.throws(() => registerBackend({ ...backendFor('imap') }), /registered twice/);
});
