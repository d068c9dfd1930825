// n/p beyond the fetched rows on the real Dovecot: a 5,000-message INBOX, all read but two, far
// apart. unreadPositions() is one SEARCH and names exactly the positions fetchWindow shows unread,
// in arrival and in a server-sorted order; through the UI, `n` lands on the far one (its window
// fetched, not every window between); a message read elsewhere is taken into account after a change.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { UiController } from '../../src/ui/state/controller.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { noLoader, until } from '../helpers/ui-controller.js';
import { accountConfig, makeAccount, otherDevice, type TestAccount } from './support/imap-fixtures.js';

const TOTAL = 5000;
/** Sequence numbers left unread: positions TOTAL - seq = 10 and 4,900. */
const UNREAD_SEQS = [4990, 100];

describe('next unread beyond the fetched rows (Dovecot, 5,000 messages)', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  let proxy: TcpProxy;
  let t: TestAccount;

  before(async () => {
    server = await startDovecot();
    await generateMaildir(server.maildir('alice'), { count: TOTAL, into: 'cur', seed: 11 });
    await server.fixOwnership('alice');
    device = await otherDevice(server);
    const lock = await device.getMailboxLock('INBOX');
    try {
      await device.messageFlagsAdd('1:*', ['\\Seen']);
      await device.messageFlagsRemove(UNREAD_SEQS.join(','), ['\\Seen']);
    } finally {
      lock.release();
    }
    proxy = await startTcpProxy(server.ports.imap);
    t = await makeAccount(
      accountConfig(server, { name: 'alice', port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }),
      'alice-pw',
      undefined,
      {
        headerCache: false,
      },
    );
  });

  after(async () => {
    await t?.dispose();
    await proxy?.stop();
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  test('one SEARCH gives the unread positions, in arrival and in date order', async () => {
    await t.account.connect();
    await t.account.openFolder('INBOX');
    const from = proxy.clientText().length;
    const arrival = await t.account.unreadPositions('INBOX');
    assert.deepEqual(arrival, [10, 4900]);
    const sent = proxy.clientText().slice(from);
    assert.equal((sent.match(/ SEARCH /g) ?? []).length, 1, sent);
    for (const p of arrival) assert.ok(!(await t.account.fetchWindow('INBOX', p, 1))[0]!.flags.includes('\\Seen'), `position ${p} is unread`);
    const byDate = await t.account.unreadPositions('INBOX', 'date');
    assert.equal(byDate.length, 2);
    for (const p of byDate) assert.ok(!(await t.account.fetchWindow('INBOX', p, 1, 'date'))[0]!.flags.includes('\\Seen'), `date position ${p} is unread`);
  });

  test('UI: n lands on the far unread message without fetching the windows between', async () => {
    const c = new UiController({
      accounts: [{ name: 'alice', protocol: 'imap', create: async () => t.account }],
      keys: buildKeyTable(),
      loader: noLoader,
      cols: 100,
      rows: 30,
      onQuit: () => undefined,
      pollMs: 0,
    });
    c.start();
    try {
      await until(() => c.state.current?.opened === true && !!c.rowAt(0), 'INBOX rows', c);
      c.handleKey({ spec: 'n', text: 'n' });
      await until(() => c.state.listCursor === 10, 'the near unread', c);
      const from = proxy.clientText().length;
      c.handleKey({ spec: 'n', text: 'n' });
      await until(() => c.state.listCursor === 4900 && !!c.rowAt(4900), 'the far unread, its row fetched', c);
      assert.ok(!c.rowAt(4900)!.flags.includes('\\Seen'));
      const fetches = (
        proxy
          .clientText()
          .slice(from)
          .match(/ FETCH /g) ?? []
      ).length;
      assert.ok(fetches <= 4, `only the windows around the target were fetched (${fetches} FETCH commands)`);
      c.handleKey({ spec: 'p', text: 'p' });
      await until(() => c.state.listCursor === 10, 'p goes back', c);
      // Read elsewhere: the next change of the folder's counts makes the jump ask again.
      const lock = await device.getMailboxLock('INBOX');
      try {
        await device.messageFlagsAdd(String(UNREAD_SEQS[1]), ['\\Seen']);
      } finally {
        lock.release();
      }
      c.openFolder('alice', 'INBOX');
      await until(() => c.state.current?.opened === true && c.state.current.unread === 1 && !!c.rowAt(0), 'INBOX again', c);
      c.handleKey({ spec: 'n', text: 'n' });
      await until(() => c.state.listCursor === 10, 'the near one', c);
      c.handleKey({ spec: 'n', text: 'n' });
      await until(() => /No more unread mail|No more unread here/.test(c.state.info ?? ''), 'nothing further', c);
    } finally {
      await c.stop();
    }
  });
});
