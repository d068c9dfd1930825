// A bulk action on many scattered messages: 15,000 UIDs (every other message of 30,000) make a
// UID set of ~90 KB, which Dovecot refuses on one line (over 64 KiB). tmail splits the set into
// command lines under 8,000 octets — eleven commands for 15,000 messages, never one per message —
// and every message is changed, as another client sees. An undo does the same the other way.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { changeFlags, undoAction } from '../../src/accounts/undo.js';
import { MAX_UID_SET_LENGTH, uidSet, uidSets } from '../../src/accounts/imap/window.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { accountConfig, makeAccount, otherDevice, type TestAccount } from './support/imap-fixtures.js';

const COUNT = 30_000;

describe('a bulk action on 15,000 scattered messages', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  let proxy: TcpProxy;
  let t: TestAccount;

  before(async () => {
    server = await startDovecot(existsSync('/dev/shm') ? { baseDir: '/dev/shm' } : {});
    await generateMaildir(server.maildir('alice'), { count: COUNT, seed: 5 });
    await server.fixOwnership('alice');
    device = await otherDevice(server);
    proxy = await startTcpProxy(server.ports.imap);
    t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }), 'alice-pw', undefined, {
      headerCache: false,
    });
    await t.account.connect();
    await t.account.openFolder('INBOX');
  });

  after(async () => {
    await t?.dispose();
    await proxy?.stop();
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  async function flaggedCount(): Promise<number> {
    const lock = await device.getMailboxLock('INBOX');
    try {
      await device.noop();
      return ((await device.search({ flagged: true }, { uid: true })) || []).length;
    } finally {
      lock.release();
    }
  }

  test('flag them: a few STOREs under the line limit, all 15,000 flagged; undo clears them the same way', async () => {
    const everyOther = Array.from({ length: COUNT / 2 }, (_, i) => 1 + 2 * i);
    assert.ok(uidSet(everyOther).length > 64 * 1024, 'one set would be too long for Dovecot');
    const shown = everyOther.map((uid) => ({ uid, flags: [] as string[] }));
    const from = proxy.clientText().length;
    const { undo } = await changeFlags(t.account, 'INBOX', shown, { add: ['\\Flagged'] });
    const sent = proxy.clientText().slice(from);
    const stores = sent.split('\r\n').filter((l) => / UID STORE /.test(l));
    assert.equal(stores.length, uidSets(everyOther).length, 'one STORE per line-sized set');
    assert.ok(stores.length <= 12, `${stores.length} STORE commands for 15,000 messages`);
    for (const line of stores) assert.ok(line.length < MAX_UID_SET_LENGTH + 100, 'each line under the limit');
    assert.equal(await flaggedCount(), COUNT / 2);

    await undoAction(t.account, undo);
    assert.equal(await flaggedCount(), 0);
  });

  test('consecutive UIDs stay one short command', async () => {
    const from = proxy.clientText().length;
    await t.account.addFlags(
      'INBOX',
      Array.from({ length: 10_000 }, (_, i) => 10_001 + i),
      ['\\Seen'],
    );
    const stores = proxy
      .clientText()
      .slice(from)
      .split('\r\n')
      .filter((l) => / UID STORE /.test(l));
    assert.equal(stores.length, 1);
    assert.match(stores[0]!, / UID STORE 10001:20000 /);
  });
});
