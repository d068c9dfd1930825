// Messages tmail itself leaves \Deleted are hidden. On a server without UIDPLUS (and MOVE), when
// another client's \Deleted message is in the folder, tmail must not EXPUNGE, so its own deleted
// message stays on the server, marked. It is left out of every list window (sequence and sort),
// count, folder-pane count and search result, across a restart (the summary store keeps the set),
// until the server expunges it. Other clients' \Deleted messages stay shown (with D).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { ImapFlow } from 'imapflow';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { accountConfig, appendMessages, makeAccount, otherDevice, waitFor, type TestAccount } from './support/imap-fixtures.js';

async function withInbox<T>(device: ImapFlow, fn: () => Promise<T>): Promise<T> {
  const lock = await device.getMailboxLock('INBOX');
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

const VARIANTS: Array<{ name: string; hide: string[] }> = [
  { name: 'no UIDPLUS, no MOVE', hide: ['UIDPLUS', 'MOVE'] },
  { name: 'no UIDPLUS, MOVE, CONDSTORE, QRESYNC, ESEARCH, LIST-STATUS', hide: ['UIDPLUS', 'MOVE', 'CONDSTORE', 'QRESYNC', 'ESEARCH', 'LIST-STATUS'] },
];

for (const variant of VARIANTS) {
  describe(`IMAP, ${variant.name}: messages tmail leaves \\Deleted are hidden`, dovecotTestOptions(), () => {
    let server: DovecotServer;
    let device: ImapFlow;
    let t: TestAccount | undefined;
    let uids: number[] = [];

    before(async () => {
      server = await startDovecot({ hideImapCapabilities: variant.hide });
      device = await otherDevice(server);
      await device.mailboxCreate('Trash');
      uids = await appendMessages(device, 'INBOX', 5);
    });

    after(async () => {
      const root = t ? path.dirname(t.dataDir) : undefined;
      await t?.dispose();
      if (root) await rm(root, { recursive: true, force: true });
      await device?.logout().catch(() => undefined);
      await server?.stop();
    });

    const theirs = () => uids[0]!;
    const ours = () => uids[2]!;
    const inboxCounts = async (account: TestAccount) => {
      const inbox = (await account.account.listFolders()).find((f) => f.path === 'INBOX')!;
      return { total: inbox.total, unread: inbox.unread };
    };

    test('delete leaves ours \\Deleted (theirs is marked): it leaves windows, counts and search; theirs stays with D', async () => {
      await withInbox(device, () => device.messageFlagsAdd(String(theirs()), ['\\Deleted'], { uid: true }));
      t = await makeAccount(accountConfig(server));
      await t.account.connect();
      assert.deepEqual(await inboxCounts(t), { total: 5, unread: 5 });
      assert.equal((await t.account.openFolder('INBOX')).total, 5);
      const outcome = await t.account.deleteMessages('INBOX', [ours()]);
      assert.equal(outcome.result, 'left-deleted');

      const opened = await t.account.openFolder('INBOX');
      assert.deepEqual({ total: opened.total, unread: opened.unread }, { total: 4, unread: 4 });
      const [u1, u2, , u4, u5] = uids;
      const all = await t.account.fetchWindow('INBOX', 0, 10);
      assert.deepEqual(
        all.map((m) => m.uid),
        [u5, u4, u2, u1],
        'ours is left out; positions close up',
      );
      assert.ok(all.find((m) => m.uid === theirs())!.flags.includes('\\Deleted'), 'theirs is shown, with \\Deleted');
      assert.deepEqual(
        (await t.account.fetchWindow('INBOX', 1, 2)).map((m) => m.uid),
        [u4, u2],
        'a window further down is remapped',
      );
      assert.deepEqual(
        (await t.account.fetchWindow('INBOX', 0, 10, 'subject')).map((m) => m.uid).sort(),
        [u1, u2, u4, u5].sort(),
        'a sorted window leaves it out too',
      );
      assert.deepEqual(await t.account.search('INBOX', { subject: 'Message' }), [u5, u4, u2, u1], 'search leaves it out');
      assert.deepEqual(await inboxCounts(t), { total: 4, unread: 4 }, 'the folder pane counts leave it out');
      // It really is still on the server, marked.
      const flags = await withInbox(device, async () => {
        await device.noop();
        const m = await device.fetchOne(String(ours()), { flags: true }, { uid: true });
        return m ? m.flags : undefined;
      });
      assert.ok(flags?.has('\\Deleted'));
    });

    test('after a restart it stays hidden (the summary store remembers it), also in the counts of a folder not yet open', async () => {
      const dataDir = path.dirname(t!.dataDir); // makeAccount adds the data/ part
      await t!.account.close();
      t = await makeAccount(accountConfig(server), 'alice-pw', dataDir);
      await t.account.connect();
      assert.deepEqual(await inboxCounts(t), { total: 4, unread: 4 }, 'before INBOX is selected');
      const opened = await t.account.openFolder('INBOX');
      assert.equal(opened.total, 4);
      const window = await t.account.fetchWindow('INBOX', 0, 10);
      assert.ok(!window.some((m) => m.uid === ours()));
      assert.equal(window.length, 4);
    });

    test('once another client expunges, the memory is dropped (also on disk)', async () => {
      await withInbox(device, () => device.messageDelete(String(theirs()), { uid: true })); // plain EXPUNGE: takes ours too
      await waitFor(async () => {
        await t!.account.openFolder('INBOX');
        return t!.account.hidden.of('INBOX').size === 0;
      }, 'the hidden UID to be forgotten');
      assert.equal((await t!.account.openFolder('INBOX')).total, 3);
      const dataDir = path.dirname(t!.dataDir); // makeAccount adds the data/ part
      await t!.account.close();
      t = await makeAccount(accountConfig(server), 'alice-pw', dataDir);
      await t.account.hidden.ready();
      assert.equal(t.account.hidden.of('INBOX').size, 0, 'nothing left in the summary store');
    });

    test('another client clearing \\Deleted on a hidden message shows it again', async () => {
      const [theirs2, ours2] = await appendMessages(device, 'INBOX', 2, 50);
      await withInbox(device, () => device.messageFlagsAdd(String(theirs2), ['\\Deleted'], { uid: true }));
      await t!.account.connect();
      await t!.account.openFolder('INBOX');
      assert.equal((await t!.account.deleteMessages('INBOX', [ours2!])).result, 'left-deleted');
      assert.equal((await t!.account.openFolder('INBOX')).total, 4);
      await withInbox(device, () => device.messageFlagsRemove(String(ours2), ['\\Deleted'], { uid: true }));
      await waitFor(async () => {
        await t!.account.fetchWindow('INBOX', 0, 10); // new work on the connection brings the change in
        return !t!.account.hidden.has('INBOX', ours2!);
      }, 'the message to be shown again');
      assert.equal((await t!.account.openFolder('INBOX')).total, 5);
    });
  });
}
