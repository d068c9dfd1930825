// A server that accepts the connection and never greets gets the same patience over IMAP and
// POP3: both give up after NETWORK_TIMEOUTS.greetingMs with the same words. Dovecot behind the
// test proxy, which passes the connection on but holds back everything the server sends.
// The bounds are loose on purpose (a loaded machine only makes the wait longer): not before the
// constant, and well before twice it (the old POP3 wait was four times the IMAP one).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { Pop3Client } from '../../src/accounts/pop3/client.js';
import { NETWORK_TIMEOUTS } from '../../src/accounts/timeouts.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { accountConfig, makeAccount } from './support/imap-fixtures.js';

const silent = () => [] as Buffer[];

async function failsAfter(p: Promise<unknown>): Promise<{ ms: number; err: AccountError }> {
  const started = Date.now();
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AccountError, String(err));
    return { ms: Date.now() - started, err };
  }
  throw new Error('connected to a server that never greeted');
}

describe('greeting timeouts: the same for IMAP and POP3 (Dovecot behind a silent proxy)', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let imapProxy: TcpProxy;
  let pop3Proxy: TcpProxy;

  before(async () => {
    server = await startDovecot();
    imapProxy = await startTcpProxy(server.ports.imap, { onServerData: silent });
    pop3Proxy = await startTcpProxy(server.ports.pop3, { onServerData: silent });
  });

  after(async () => {
    await imapProxy?.stop();
    await pop3Proxy?.stop();
    await server?.stop();
  });

  test('IMAP and POP3 wait NETWORK_TIMEOUTS.greetingMs for a greeting, then say so in the same words', async () => {
    const t = await makeAccount(accountConfig(server, { port: imapProxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }));
    try {
      const [imap, pop3] = await Promise.all([
        failsAfter(t.account.connect()),
        failsAfter(Pop3Client.connect({ host: server.host, port: pop3Proxy.port, security: 'none' })),
      ]);
      const limit = NETWORK_TIMEOUTS.greetingMs;
      for (const [name, r] of [
        ['IMAP', imap],
        ['POP3', pop3],
      ] as const) {
        assert.equal(r.err.kind, 'network', `${name}: ${r.err.message}`);
        assert.match(r.err.message, /the server sent no greeting in time/, name);
        assert.doesNotMatch(r.err.message, /POP3 server|IMAP server/, `${name}: the silent server is not taken for another protocol`);
        assert.ok(r.ms >= limit - 1_000, `${name} gave up after ${r.ms} ms, before the ${limit} ms greeting wait`);
        assert.ok(r.ms < 2 * limit, `${name} waited ${r.ms} ms, far beyond the ${limit} ms greeting wait`);
      }
    } finally {
      await t.dispose();
    }
  });
});
