// The triage keys through the UI controller against the real Dovecot: tag three messages, `;d`
// deletes them to Trash with ONE command for the set (seen on the wire), `u` moves them back, and
// another client sees INBOX and Trash as they were. In Trash, `d` warns that it is for good.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { UiController } from '../../src/ui/state/controller.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { noLoader, until } from '../helpers/ui-controller.js';
import { accountConfig, appendMessages, makeAccount, otherDevice, type TestAccount } from './support/imap-fixtures.js';
import { taggedHere } from '../../src/ui/state/tags.js';

async function subjectsIn(device: ImapFlow, folder: string): Promise<string[]> {
  const lock = await device.getMailboxLock(folder);
  try {
    await device.noop();
    if (!device.mailbox || device.mailbox.exists === 0) return [];
    return (await device.fetchAll('1:*', { envelope: true })).map((m) => m.envelope?.subject ?? '').sort();
  } finally {
    lock.release();
  }
}

describe('UI: tag, ;d and u against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  let proxy: TcpProxy;
  let t: TestAccount;

  before(async () => {
    server = await startDovecot();
    device = await otherDevice(server);
    await device.mailboxCreate('Trash');
    await appendMessages(device, 'INBOX', 8);
    proxy = await startTcpProxy(server.ports.imap);
    t = await makeAccount(
      accountConfig(server, { name: 'alice', port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }),
      'alice-pw',
      undefined,
      { headerCache: false },
    );
  });

  after(async () => {
    await t?.dispose();
    await proxy?.stop();
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  test('three tagged messages go to Trash in one command and come back with u', async () => {
    const inboxBefore = await subjectsIn(device, 'INBOX');
    const c = new UiController({
      accounts: [{ name: 'alice', protocol: 'imap', create: async () => t.account }],
      keys: buildKeyTable(),
      loader: noLoader,
      cols: 100,
      rows: 30,
      onQuit: () => undefined,
      pollMs: 0,
    });
    const press = (...specs: string[]) => {
      for (const spec of specs) c.handleKey({ spec, text: spec });
    };
    c.start();
    try {
      await until(() => c.state.current?.path === 'INBOX' && c.state.current.opened && !!c.rowAt(2), 'the INBOX rows', c);
      await until(() => (c.state.accounts[0]?.folders ?? []).some((f) => f.path === 'Trash'), 'the folder list', c);
      const tagged = [0, 1, 3].map((p) => c.rowAt(p)!.subject);
      press('x', 'x', 'j', 'x');
      assert.equal(taggedHere(c.state).length, 3);
      const from = proxy.clientText().length;
      press(';', 'd');
      const o = c.state.overlay;
      assert.ok(o?.kind === 'confirmDelete' && !o.permanent && o.subject === '3 tagged messages');
      press('y');
      await until(() => /3 messages deleted \(moved to Trash\)/.test(c.state.info ?? ''), 'the delete', c);
      const sent = proxy.clientText().slice(from);
      assert.equal((sent.match(/UID (MOVE|COPY) /g) ?? []).length, 1, `one command for the set:\n${sent}`);
      assert.deepEqual(await subjectsIn(device, 'Trash'), [...tagged].sort());
      await until(() => c.state.current?.total === 5, 'the shorter list', c);

      press('u');
      await until(() => /^Undone: Moved 3 messages back to INBOX/.test(c.state.info ?? ''), 'the undo', c);
      assert.deepEqual(await subjectsIn(device, 'INBOX'), inboxBefore);
      assert.deepEqual(await subjectsIn(device, 'Trash'), []);
      await until(() => c.state.current?.total === 8 && !!c.rowAt(0), 'the list back', c);

      // In Trash a delete is for good: the question says so before the answer.
      press('d', 'y');
      await until(() => /moved to Trash/.test(c.state.info ?? ''), 'one message to Trash', c);
      c.openFolder('alice', 'Trash');
      await until(() => c.state.current?.path === 'Trash' && c.state.current.opened && !!c.rowAt(0), 'the Trash rows', c);
      press('d');
      await until(() => c.state.overlay?.kind === 'confirmDelete' && c.state.overlay.permanent, 'the warning', c);
      press('y');
      await until(() => /deleted for good/.test(c.state.info ?? ''), 'the honest status', c);
      assert.deepEqual(await subjectsIn(device, 'Trash'), []);
    } finally {
      await c.stop();
    }
  });
});
