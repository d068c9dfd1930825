// Opening a 100,000-message INBOX fetches only the window that was asked for. The session runs
// through a counting proxy (cleartext on loopback, allowInsecureAuth) so the test sees every
// untagged FETCH the server sent: fetching the whole folder would show up as ~100,000.
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { messageIdOf } from '../helpers/message-builder.js';
import { accountConfig, makeAccount, type TestAccount } from './support/imap-fixtures.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const COUNT = 100_000;
const SEED = 7;

describe('window fetch on a 100,000-message folder', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let proxy: TcpProxy;
  let t: TestAccount;

  before(async () => {
    // tmpfs keeps 100k small files fast; fall back to the default temp dir where there is none.
    server = await startDovecot(existsSync('/dev/shm') ? { baseDir: '/dev/shm' } : {});
    await generateMaildir(server.maildir('alice'), { count: COUNT, seed: SEED });
    await server.fixOwnership('alice');
    proxy = await startTcpProxy(server.ports.imap);
    t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }));
    await t.account.connect();
  });

  after(async () => {
    await t?.dispose();
    await proxy?.stop();
    await server?.stop();
  });

  test('the newest 50 by arrival, with far fewer than 100,000 FETCH responses', async () => {
    const opened = await t.account.openFolder('INBOX');
    assert.equal(opened.total, COUNT);
    assert.equal(opened.unread, COUNT);
    const fetchesBefore = proxy.fetchResponses;
    const window = await t.account.fetchWindow('INBOX', 0, 50);
    const fetched = proxy.fetchResponses - fetchesBefore;
    assert.deepEqual(
      window.map((m) => m.messageId),
      Array.from({ length: 50 }, (_, k) => messageIdOf(COUNT - 1 - k, SEED)),
    );
    assert.ok(fetched >= 50 && fetched < 100, `expected about 50 FETCH responses, saw ${fetched}`);
    assert.ok(proxy.fetchResponses < 200, `the whole session saw ${proxy.fetchResponses} FETCH responses`);
  });

  test('a window in the middle and the date-sorted first window stay small too', async () => {
    const fetchesBefore = proxy.fetchResponses;
    const middle = await t.account.fetchWindow('INBOX', 50_000, 20);
    assert.deepEqual(
      middle.map((m) => m.messageId),
      Array.from({ length: 20 }, (_, k) => messageIdOf(COUNT - 1 - 50_000 - k, SEED)),
    );
    // Dates ascend with arrival in the generated folder, so the date order gives the same window.
    const byDate = await t.account.fetchWindow('INBOX', 0, 50, 'date');
    assert.deepEqual(
      byDate.map((m) => m.messageId),
      Array.from({ length: 50 }, (_, k) => messageIdOf(COUNT - 1 - k, SEED)),
    );
    const fetched = proxy.fetchResponses - fetchesBefore;
    assert.ok(fetched >= 70 && fetched < 150, `expected about 70 FETCH responses, saw ${fetched}`);
  });
});
