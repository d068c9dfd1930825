// The bundle replaces imapflow's pino (its default logger) and socks (its proxy option) with stubs
// that throw (scripts/imapflow-stubs.mjs, plugin in scripts/build-bundle.mjs). That is safe only
// while every connection tmail makes passes a logger and no proxy: checked here for every kind of
// account, and on the stubs themselves.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { imapFlowOptions } from '../../src/accounts/imap/connect-options.js';
import type { AccountConfig } from '../../src/config/types.js';

const base: AccountConfig = { name: 'work', protocol: 'imap', host: 'mail.example.org', port: 993, security: 'tls', user: 'alice' };

test('every imapflow connection gets a logger of its own and no proxy (pino and socks are stubbed in the bundle)', () => {
  const trace = { add: () => undefined };
  for (const security of ['tls', 'starttls', 'none'] as const) {
    for (const secret of ['pw', { accessToken: 'token', user: 'alice' }]) {
      for (const sink of [undefined, trace]) {
        const options = imapFlowOptions({ ...base, security, allowInsecureAuth: true }, secret, sink);
        assert.ok('logger' in options && options.logger !== undefined, `a logger (false or the trace's) for ${security}`);
        assert.equal('proxy' in options, false, `no proxy for ${security}`);
      }
    }
  }
  // The one place that builds an ImapFlow spreads these options and adds timing knobs only.
  const account = readFileSync(new URL('../../src/accounts/imap/imap-account.ts', import.meta.url), 'utf8');
  assert.equal(account.match(/new ImapFlow\(/g)?.length, 1);
  assert.match(account, /new ImapFlow\(\{\s*\.\.\.imapFlowOptions\(/);
  assert.doesNotMatch(account, /\bproxy\s*:/);
});

test('the stubs fail loudly if imapflow ever reaches them', async () => {
  const stubs = (await import(new URL('../../scripts/imapflow-stubs.mjs', import.meta.url).href)) as {
    default: () => unknown;
    SocksClient: { createConnection(): unknown };
  };
  assert.throws(() => stubs.default(), /pass a logger/);
  assert.throws(() => stubs.SocksClient.createConnection(), /proxy/);
});
