// `d` where it deletes for good, on the screen against the real Dovecot: on an account without a
// Trash folder, and in Trash itself, the question warns before the answer, the status line says
// "deleted for good" (never "moved to Trash"), and another client sees the message gone from the
// server (expunged, not only marked) with no Trash created behind the user's back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { mountUi } from '../unit/ui-harness.js';
import { accountConfig, appendMessages, makeAccount, otherDevice, type TestAccount } from './support/imap-fixtures.js';

const PATIENCE = 60_000;

/** Subjects in `folder` as another client sees them, counting messages still marked \Deleted. */
async function serverView(device: ImapFlow, folder: string): Promise<{ subjects: string[]; marked: number }> {
  const lock = await device.getMailboxLock(folder);
  try {
    await device.noop();
    if (!device.mailbox || device.mailbox.exists === 0) return { subjects: [], marked: 0 };
    const all = await device.fetchAll('1:*', { envelope: true, flags: true });
    return { subjects: all.map((m) => m.envelope?.subject ?? '').sort(), marked: all.filter((m) => m.flags?.has('\\Deleted')).length };
  } finally {
    lock.release();
  }
}

async function folderPaths(device: ImapFlow): Promise<string[]> {
  return (await device.list()).map((f) => f.path).sort();
}

describe('UI: d deletes for good where there is no Trash to move to (Dovecot)', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let alice: ImapFlow;
  let bob: ImapFlow;
  const accounts: TestAccount[] = [];

  before(async () => {
    server = await startDovecot();
    alice = await otherDevice(server);
    bob = await otherDevice(server, 'bob', 'bob-pw');
    await appendMessages(alice, 'INBOX', 3);
    await bob.mailboxCreate('Trash');
    await appendMessages(bob, 'INBOX', 2);
    await appendMessages(bob, 'Trash', 2, 10);
  });

  after(async () => {
    for (const t of accounts) await t.dispose();
    await alice?.logout().catch(() => undefined);
    await bob?.logout().catch(() => undefined);
    await server?.stop();
  });

  const mount = async (user: 'alice' | 'bob') => {
    const t = await makeAccount(accountConfig(server, { name: user, user }), `${user}-pw`, undefined, { headerCache: false });
    accounts.push(t);
    return mountUi([], { slots: [{ name: user, protocol: 'imap', create: async () => t.account }] });
  };

  test('an account without Trash: the question warns, the status says for good, the server expunged it', async () => {
    assert.ok(!(await folderPaths(alice)).includes('Trash'), 'the account starts without a Trash');
    const ui = await mount('alice');
    try {
      await ui.waitFor((f) => f.includes('Message 3') && f.includes('Message 1'), 'the INBOX list', PATIENCE);
      await ui.press('d');
      await ui.waitFor((f) => f.includes('Delete for good, cannot be undone: "Message 3"? (y/n)'), 'the warning before the answer', PATIENCE);
      await ui.press('y');
      const after = await ui.waitFor((f) => f.includes('Message deleted for good'), 'the honest status', PATIENCE);
      assert.doesNotMatch(after, /moved to Trash/);
      assert.deepEqual(await serverView(alice, 'INBOX'), { subjects: ['Message 1', 'Message 2'], marked: 0 });
      assert.ok(!(await folderPaths(alice)).includes('Trash'), 'no Trash was created');
    } finally {
      await ui.done();
    }
  });

  test('in Trash: the question warns, the status says for good; in INBOX the same key moves to Trash without the warning', async () => {
    const ui = await mount('bob');
    try {
      await ui.waitFor((f) => f.includes('Message 2') && f.includes('Message 1'), 'the INBOX list', PATIENCE);
      await ui.waitFor(() => (ui.controller.state.accounts[0]?.folders ?? []).some((f) => f.path === 'Trash'), 'the folder list', PATIENCE);
      // The contrast first: outside Trash the question does not warn and the message moves.
      await ui.press('d');
      const asked = await ui.waitFor((f) => f.includes('Delete "Message 2"? (y/n)'), 'the plain question', PATIENCE);
      assert.doesNotMatch(asked, /for good/);
      await ui.press('y');
      await ui.waitFor((f) => f.includes('Message deleted (moved to Trash)'), 'the move', PATIENCE);

      ui.controller.openFolder('bob', 'Trash');
      await ui.waitFor((f) => f.includes('Message 11') && f.includes('Message 2'), 'the Trash list', PATIENCE);
      const top = ui.controller.rowAt(0)!.subject;
      await ui.press('d');
      await ui.waitFor((f) => f.includes(`Delete for good, cannot be undone: "${top}"? (y/n)`), 'the warning before the answer', PATIENCE);
      await ui.press('y');
      const after = await ui.waitFor((f) => f.includes('Message deleted for good'), 'the honest status', PATIENCE);
      assert.doesNotMatch(after, /moved to Trash/);
      const trash = await serverView(bob, 'Trash');
      assert.equal(trash.marked, 0, 'expunged, not only marked');
      assert.ok(!trash.subjects.includes(top), `${top} is gone from Trash: ${trash.subjects.join(', ')}`);
      assert.equal(trash.subjects.length, 2);
      assert.deepEqual(await serverView(bob, 'INBOX'), { subjects: ['Message 1'], marked: 0 });
    } finally {
      await ui.done();
    }
  });
});
