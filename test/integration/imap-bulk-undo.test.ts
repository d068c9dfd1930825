// Bulk actions and their undo on the real Dovecot, with MOVE and UIDPLUS and without them (the
// copies are then found by Message-ID): ONE command per action for the whole UID set (checked on
// the wire through a cleartext proxy), the copies' UIDs are the right messages (checked by another
// client), and undo puts everything back while another client changes the folders meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { changeFlags, deleteWithUndo, moveWithUndo, undoAction } from '../../src/accounts/undo.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { accountConfig, appendMessages, makeAccount, otherDevice, type TestAccount } from './support/imap-fixtures.js';

/** Message-IDs in `folder` by UID, as another client sees them now. */
async function idsIn(device: ImapFlow, folder: string): Promise<Map<number, string>> {
  const lock = await device.getMailboxLock(folder);
  try {
    await device.noop();
    const out = new Map<number, string>();
    if (!device.mailbox || device.mailbox.exists === 0) return out;
    for (const m of await device.fetchAll('1:*', { uid: true, envelope: true })) out.set(m.uid, m.envelope?.messageId ?? '');
    return out;
  } finally {
    lock.release();
  }
}

const variants = [
  { name: 'with MOVE and UIDPLUS', hide: [] as string[] },
  { name: 'without MOVE and UIDPLUS (copies found by Message-ID)', hide: ['UIDPLUS', 'MOVE'] },
];

for (const variant of variants) {
  describe(`IMAP bulk actions and undo, ${variant.name}`, dovecotTestOptions(), () => {
    let server: DovecotServer;
    let device: ImapFlow;
    let proxy: TcpProxy;
    let t: TestAccount;
    let uids: number[];

    /** What tmail sends during `fn`. */
    async function wire<T>(fn: () => Promise<T>): Promise<{ value: T; sent: string }> {
      const from = proxy.clientText().length;
      const value = await fn();
      return { value, sent: proxy.clientText().slice(from) };
    }
    const count = (sent: string, command: RegExp) => (sent.match(command) ?? []).length;

    before(async () => {
      server = await startDovecot({ hideImapCapabilities: variant.hide });
      device = await otherDevice(server);
      for (const f of ['Trash', 'Archive', 'Other']) await device.mailboxCreate(f);
      uids = await appendMessages(device, 'INBOX', 40);
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

    test('the server announces what the variant needs', () => {
      for (const cap of variant.hide) assert.ok(!device.capabilities.has(cap), `${cap} hidden`);
    });

    test('marking 30 messages read is one STORE; undo clears \\Seen only where it was not set', async () => {
      const lock = await device.getMailboxLock('INBOX');
      try {
        await device.messageFlagsAdd(`${uids[0]},${uids[1]}`, ['\\Seen'], { uid: true }); // read before
      } finally {
        lock.release();
      }
      const shown = await t.account.fetchSummaries('INBOX', uids.slice(0, 30));
      const { value, sent } = await wire(() => changeFlags(t.account, 'INBOX', shown, { add: ['\\Seen'] }));
      assert.equal(count(sent, / UID STORE /g), 1, 'one STORE for 30 messages');
      const { sent: undoSent } = await wire(() => undoAction(t.account, value.undo));
      assert.equal(count(undoSent, / UID STORE /g), 1, 'one STORE to undo');
      const after = await t.account.fetchSummaries('INBOX', uids.slice(0, 30));
      const read = after.filter((m) => m.flags.includes('\\Seen')).map((m) => m.uid);
      assert.deepEqual(read, [uids[0], uids[1]], 'the two read before are still read, the rest unread again');
    });

    test('moving 10 is one MOVE (or one COPY + one STORE + one expunge); the copies are those messages; undo moves them back', async () => {
      const before = await idsIn(device, 'INBOX');
      const moving = uids.slice(5, 15);
      const { value, sent } = await wire(() => moveWithUndo(t.account, 'INBOX', moving, 'Archive'));
      if (variant.hide.includes('MOVE')) {
        assert.equal(count(sent, / UID COPY /g), 1, 'one COPY');
        // imapflow's messageDelete sends its own STORE +FLAGS (\Deleted) before the EXPUNGE: two
        // STOREs however many messages (see remove-messages.ts expungeOurs).
        assert.equal(count(sent, / UID STORE /g), 2, 'STORE \\Deleted, not one per message');
        assert.equal(count(sent, / (UID )?EXPUNGE/g), 1, 'one expunge');
      } else {
        assert.equal(count(sent, / UID MOVE /g), 1, 'one MOVE');
      }
      assert.equal(value.outcome?.result, 'moved');
      const copies = value.outcome?.copies ?? [];
      assert.equal(copies.length, 10, 'every copy found');
      const archive = await idsIn(device, 'Archive');
      for (const c of copies) assert.equal(archive.get(c.to), before.get(c.from), `copy of ${c.from} is ${c.to}`);

      // Another client acts on the destination before the undo: one copy is moved away.
      const stolen = copies[0]!.to;
      const lock = await device.getMailboxLock('Archive');
      try {
        assert.ok(await device.messageMove(String(stolen), 'Other', { uid: true }));
      } finally {
        lock.release();
      }
      const { sent: undoSent } = await wire(() => undoAction(t.account, value.undo));
      assert.equal(count(undoSent, / UID (MOVE|COPY) /g), 1, 'one command moves them back');
      const inbox = [...(await idsIn(device, 'INBOX')).values()];
      for (const c of copies.slice(1)) assert.ok(inbox.includes(before.get(c.from)!), `${before.get(c.from)} back in INBOX`);
      assert.equal(inbox.length, before.size - 1, 'all back but the one another client took');
      assert.equal((await idsIn(device, 'Archive')).size, 0, 'nothing left behind in Archive');
    });

    test('delete moves to Trash and undo restores; in Trash it is for good and says so', async () => {
      const inboxBefore = await idsIn(device, 'INBOX');
      const [victim] = [...inboxBefore.keys()];
      const deleted = await deleteWithUndo(t.account, 'INBOX', [victim!]);
      assert.equal(deleted.outcome?.result, 'moved');
      assert.equal(deleted.outcome?.destination, 'Trash');
      await undoAction(t.account, deleted.undo);
      assert.ok([...(await idsIn(device, 'INBOX')).values()].includes(inboxBefore.get(victim!)!));

      const copied = await t.account.copyMessages('INBOX', [...(await idsIn(device, 'INBOX')).keys()].slice(0, 2), 'Trash');
      assert.equal(copied?.copies.length, 2);
      const gone = await deleteWithUndo(
        t.account,
        'Trash',
        copied!.copies.map((c) => c.to),
      );
      assert.equal(gone.outcome?.result, 'expunged');
      assert.equal(gone.undo.kind, 'none');
      const result = await undoAction(t.account, gone.undo);
      assert.match(result.message, /deleted for good/);
    });
  });
}
