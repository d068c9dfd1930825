// Deleting and moving on a server without UIDPLUS (so without UID EXPUNGE) and without MOVE:
// a plain EXPUNGE would also remove messages another client marked \Deleted and meant to keep.
// tmail must never send it then; its own messages stay marked \Deleted and it says so.
// The other client acts while tmail's account is closed and while it is open.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import type { RemovalOutcome } from '../../src/accounts/account.js';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { accountConfig, appendMessages, makeAccount, otherDevice, type TestAccount } from './support/imap-fixtures.js';

/** An outcome without the copies' UIDs (checked where they matter). */
function withoutCopies(outcome: RemovalOutcome | undefined): Omit<RemovalOutcome, 'copies'> | undefined {
  if (!outcome) return outcome;
  const { copies: _copies, ...rest } = outcome;
  return rest;
}

/** UIDs in `folder` with their \Deleted state, as another client sees them. */
async function contents(device: ImapFlow, folder: string): Promise<Map<number, boolean>> {
  const lock = await device.getMailboxLock(folder);
  try {
    await device.noop(); // take in expunges and new mail since this client last looked
    const out = new Map<number, boolean>();
    if (device.mailbox && device.mailbox.exists === 0) return out;
    for (const m of await device.fetchAll('1:*', { uid: true, flags: true })) out.set(m.uid, m.flags?.has('\\Deleted') ?? false);
    return out;
  } finally {
    lock.release();
  }
}

async function markDeleted(device: ImapFlow, folder: string, uid: number, on = true): Promise<void> {
  const lock = await device.getMailboxLock(folder);
  try {
    const ok = on
      ? await device.messageFlagsAdd(String(uid), ['\\Deleted'], { uid: true })
      : await device.messageFlagsRemove(String(uid), ['\\Deleted'], { uid: true });
    assert.ok(ok);
  } finally {
    lock.release();
  }
}

describe("IMAP without UIDPLUS and MOVE: no EXPUNGE of other clients' mail", dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  let proxy: TcpProxy;
  let t: TestAccount;

  before(async () => {
    server = await startDovecot({ hideImapCapabilities: ['UIDPLUS', 'MOVE'] });
    device = await otherDevice(server);
    for (const f of ['Trash', 'Archive']) await device.mailboxCreate(f);
    // Watch what tmail sends (cleartext through the proxy).
    proxy = await startTcpProxy(server.ports.imap);
    t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }), 'alice-pw', undefined, {
      headerCache: false,
    });
  });

  after(async () => {
    await t?.dispose();
    await proxy?.stop();
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  test('the server really hides them', async () => {
    await t.account.connect();
    await t.account.openFolder('INBOX');
    assert.ok(!device.capabilities.has('UIDPLUS') && !device.capabilities.has('MOVE'));
    assert.ok(device.capabilities.has('CONDSTORE'), 'only the named ones are hidden');
  });

  test('marked by another client while tmail was closed: move leaves ours \\Deleted, theirs untouched', async () => {
    await t.account.close();
    const [theirs, ours] = await appendMessages(device, 'INBOX', 2, 100);
    await markDeleted(device, 'INBOX', theirs!);
    await t.account.connect();
    await t.account.openFolder('INBOX');
    const sentBefore = proxy.clientText().length;
    const outcome = await t.account.moveMessages('INBOX', [ours!], 'Archive');
    assert.deepEqual(
      outcome,
      { result: 'left-deleted', destination: 'Archive', copies: [{ from: ours!, to: outcome.copies![0]!.to }] },
      'the copy found by Message-ID',
    );
    const sent = proxy.clientText().slice(sentBefore);
    assert.doesNotMatch(sent, /^\S+ EXPUNGE\r?$/m, 'no plain EXPUNGE was sent');
    const inbox = await contents(device, 'INBOX');
    assert.equal(inbox.get(theirs!), true, "the other client's \\Deleted message is still there");
    assert.equal(inbox.get(ours!), true, 'ours is still there, marked \\Deleted');
    const archive = await contents(device, 'Archive');
    assert.equal(archive.size, 1, 'the copy is in Archive');
    assert.deepEqual([...archive.values()], [false], 'the copy is not \\Deleted');
    // Clean up for the next test: the other client expunges its own (and ours goes with it).
    const lock = await device.getMailboxLock('INBOX');
    try {
      await device.messageDelete(String(theirs), { uid: true });
    } finally {
      lock.release();
    }
  });

  test('marked while tmail is open: delete (to Trash) and delete inside Trash leave ours \\Deleted', async () => {
    const [theirs, ours] = await appendMessages(device, 'INBOX', 2, 200);
    await t.account.openFolder('INBOX');
    await markDeleted(device, 'INBOX', theirs!);
    const toTrash = await t.account.deleteMessages('INBOX', [ours!]);
    assert.deepEqual(withoutCopies(toTrash), { result: 'left-deleted', destination: 'Trash' });
    const inbox = await contents(device, 'INBOX');
    assert.equal(inbox.get(theirs!), true);
    assert.equal(inbox.get(ours!), true);

    // In Trash: another client marks one Trash message, tmail deletes another for good.
    const trash = [...(await contents(device, 'Trash')).keys()];
    assert.equal(trash.length, 1);
    const [theirsInTrash] = await appendMessages(device, 'Trash', 1, 300);
    await markDeleted(device, 'Trash', theirsInTrash!);
    const inTrash = await t.account.deleteMessages('Trash', [trash[0]!]);
    assert.deepEqual(inTrash, { result: 'left-deleted' });
    const after = await contents(device, 'Trash');
    assert.equal(after.get(theirsInTrash!), true, 'theirs is still in Trash');
    assert.equal(after.get(trash[0]!), true, 'ours is marked \\Deleted, not expunged');

    // Once the other client takes its mark back, ours alone is \Deleted: now it is expunged.
    await markDeleted(device, 'Trash', theirsInTrash!, false);
    assert.deepEqual(await t.account.deleteMessages('Trash', [trash[0]!]), { result: 'expunged' });
    const final = await contents(device, 'Trash');
    assert.deepEqual([...final.entries()], [[theirsInTrash!, false]]);
  });

  test('no other \\Deleted message: the move completes (COPY + STORE + EXPUNGE)', async () => {
    // Leftovers of the tests above: the other client expunges the INBOX first.
    const lock = await device.getMailboxLock('INBOX');
    try {
      await device.messageFlagsRemove('1:*', ['\\Deleted'], { uid: true });
    } finally {
      lock.release();
    }
    const [ours] = await appendMessages(device, 'INBOX', 1, 400);
    const before = await contents(device, 'INBOX');
    const outcome = await t.account.moveMessages('INBOX', [ours!], 'Archive');
    assert.deepEqual(withoutCopies(outcome), { result: 'moved', destination: 'Archive' });
    const inbox = await contents(device, 'INBOX');
    assert.equal(inbox.has(ours!), false);
    assert.equal(inbox.size, before.size - 1, 'exactly one message left the INBOX');
  });
});

describe('IMAP with UIDPLUS but without MOVE', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;

  before(async () => {
    server = await startDovecot({ hideImapCapabilities: ['MOVE'] });
    device = await otherDevice(server);
    await device.mailboxCreate('Archive');
  });

  after(async () => {
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  test("a bulk move expunges exactly its own UIDs (UID EXPUNGE), another client's \\Deleted message stays", async () => {
    const [theirs, ours, alsoOurs] = await appendMessages(device, 'INBOX', 3);
    const t = await makeAccount(accountConfig(server), 'alice-pw', undefined, { headerCache: false });
    try {
      await t.account.connect();
      await t.account.openFolder('INBOX');
      await markDeleted(device, 'INBOX', theirs!);
      const moved = await t.account.moveMessages('INBOX', [ours!, alsoOurs!], 'Archive');
      assert.deepEqual(withoutCopies(moved), { result: 'moved', destination: 'Archive' });
      assert.deepEqual(
        moved.copies?.map((c) => c.from),
        [ours, alsoOurs],
        'COPYUID names both copies',
      );
      assert.deepEqual([...(await contents(device, 'INBOX')).entries()], [[theirs!, true]]);
      assert.equal((await contents(device, 'Archive')).size, 2);
    } finally {
      await t.dispose();
    }
  });
});
