// Copy and move between accounts on the real Dovecot: IMAP -> IMAP (alice to bob), IMAP -> a POP3
// account's local store, and back. The copy keeps the bytes and the flags; a move deletes the
// source only after the copy is stored, and never when the copy failed. Then through the UI: tags
// in two folders, `;N` as one STORE per folder with one `u` for both, and `C` to bob's INBOX.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import { transferAcross } from '../../src/accounts/transfer.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { UiController } from '../../src/ui/state/controller.js';
import { taggedCount, taggedHere } from '../../src/ui/state/tags.js';
import { statusText } from '../../src/ui/components/StatusBar.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { noLoader, until } from '../helpers/ui-controller.js';
import { accountConfig, appendMessages, makeAccount, otherDevice, rawMessage, type TestAccount } from './support/imap-fixtures.js';

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks);
}

/** Subject -> flags of every message in `folder`, as another client sees it. */
async function seen(device: ImapFlow, folder: string): Promise<Map<string, string[]>> {
  const lock = await device.getMailboxLock(folder);
  try {
    await device.noop();
    if (!device.mailbox || device.mailbox.exists === 0) return new Map();
    const all = await device.fetchAll('1:*', { envelope: true, flags: true });
    return new Map(all.map((m) => [m.envelope?.subject ?? '', [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort()]));
  } finally {
    lock.release();
  }
}

async function countIn(device: ImapFlow, folder: string): Promise<number> {
  const lock = await device.getMailboxLock(folder);
  try {
    await device.noop();
    return device.mailbox ? device.mailbox.exists : 0;
  } finally {
    lock.release();
  }
}

describe('copy and move across accounts (Dovecot and a POP3 local store)', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let aliceDevice: ImapFlow;
  let bobDevice: ImapFlow;
  let proxy: TcpProxy;
  let alice: TestAccount;
  let bob: TestAccount;
  let local: Pop3Account;
  let localDir: string;

  before(async () => {
    server = await startDovecot();
    aliceDevice = await otherDevice(server);
    bobDevice = await otherDevice(server, 'bob', 'bob-pw');
    await aliceDevice.mailboxCreate('Work');
    await aliceDevice.mailboxCreate('Archive');
    proxy = await startTcpProxy(server.ports.imap);
    const viaProxy = { port: proxy.port, security: 'none' as const, allowInsecureAuth: true, ca: undefined };
    alice = await makeAccount(accountConfig(server, { name: 'alice', ...viaProxy }), 'alice-pw', undefined, { headerCache: false });
    bob = await makeAccount(accountConfig(server, { name: 'bob', user: 'bob', ...viaProxy }), 'bob-pw', undefined, { headerCache: false });
    await alice.account.connect();
    await bob.account.connect();
    localDir = await mkdtemp(path.join(os.tmpdir(), 'tmail-transfer-pop3-'));
    local = new Pop3Account(
      { name: 'local', protocol: 'pop3', host: '127.0.0.1', port: 1, security: 'tls', user: 'x' },
      { dataDir: localDir, getPassword: async () => '' },
    );
    await local.connect();
  });

  after(async () => {
    await alice?.dispose();
    await bob?.dispose();
    await local?.close();
    if (localDir) await rm(localDir, { recursive: true, force: true });
    await proxy?.stop();
    await aliceDevice?.logout().catch(() => undefined);
    await bobDevice?.logout().catch(() => undefined);
    await server?.stop();
  });

  test('IMAP -> IMAP: copy keeps bytes and flags; move deletes the source only after the copy', async () => {
    await aliceDevice.append('INBOX', rawMessage(1, { subject: 'to bob, flagged' }), ['\\Seen', '\\Flagged']);
    await aliceDevice.append('INBOX', rawMessage(2, { subject: 'to bob, unread', attachment: true }), []);
    await alice.account.openFolder('INBOX');
    const uids = await alice.account.search('INBOX', { subject: 'to bob' });
    assert.equal(uids.length, 2);
    const original = await bytes(await alice.account.fetchRaw('INBOX', Math.max(...uids)));

    const copied = await transferAcross(alice.account, 'INBOX', uids, bob.account, 'INBOX', false);
    assert.deepEqual([...copied.copied].sort(), [...uids].sort());
    const inBob = await seen(bobDevice, 'INBOX');
    assert.deepEqual(inBob.get('to bob, flagged'), ['\\Flagged', '\\Seen']);
    assert.deepEqual(inBob.get('to bob, unread'), []);
    const bobUids = await bob.account.search('INBOX', { subject: 'to bob, unread' });
    assert.deepEqual(await bytes(await bob.account.fetchRaw('INBOX', bobUids[0]!)), original, 'the same bytes');
    assert.equal((await seen(aliceDevice, 'INBOX')).size, 2, 'a copy leaves the originals');

    const moved = await transferAcross(alice.account, 'INBOX', uids, bob.account, 'INBOX', true);
    assert.equal(moved.copied.length, 2);
    assert.equal(moved.removed?.result, 'expunged');
    assert.equal((await seen(aliceDevice, 'INBOX')).size, 0, 'the originals are gone');
    assert.equal(await countIn(bobDevice, 'INBOX'), 4, 'two copies and two moved');
  });

  test('a move whose copy fails deletes nothing', async () => {
    await aliceDevice.append('INBOX', rawMessage(3, { subject: 'stays' }), ['\\Seen']);
    const uids = await alice.account.search('INBOX', { subject: 'stays' });
    const outcome = await transferAcross(alice.account, 'INBOX', uids, bob.account, 'No such folder', true);
    assert.deepEqual(outcome.copied, []);
    assert.ok(outcome.failed, 'the failure is reported');
    assert.equal(outcome.removed, undefined);
    assert.ok((await seen(aliceDevice, 'INBOX')).has('stays'), 'the source is untouched');
  });

  test('IMAP -> POP3 local store and POP3 local store -> IMAP, flags kept', async () => {
    await aliceDevice.append('Work', rawMessage(4, { subject: 'to the local store' }), ['\\Answered', '\\Flagged']);
    await alice.account.openFolder('Work');
    const uids = await alice.account.search('Work', { subject: 'to the local store' });
    const out = await transferAcross(alice.account, 'Work', uids, local, 'INBOX', true);
    assert.equal(out.copied.length, 1);
    assert.equal((await seen(aliceDevice, 'Work')).size, 0);
    await local.openFolder('INBOX');
    const [here] = await local.fetchWindow('INBOX', 0, 10);
    assert.equal(here?.subject, 'to the local store');
    assert.deepEqual([...here!.flags].sort(), ['\\Answered', '\\Flagged']);

    const back = await transferAcross(local, 'INBOX', [here!.uid], alice.account, 'Archive', true);
    assert.equal(back.copied.length, 1);
    assert.deepEqual((await seen(aliceDevice, 'Archive')).get('to the local store'), ['\\Answered', '\\Flagged']);
    await local.openFolder('INBOX');
    assert.deepEqual(await local.fetchWindow('INBOX', 0, 10), [], 'gone from the local store');
  });

  test('UI: tags in two folders, ;N is one STORE per folder and one u; C copies to bob', async () => {
    await appendMessages(aliceDevice, 'INBOX', 4, 100);
    await appendMessages(aliceDevice, 'Work', 3, 200);
    const c = new UiController({
      accounts: [
        { name: 'alice', protocol: 'imap', create: async () => alice.account },
        { name: 'bob', protocol: 'imap', create: async () => bob.account },
      ],
      keys: buildKeyTable(),
      loader: noLoader,
      cols: 120,
      rows: 30,
      onQuit: () => undefined,
      pollMs: 0,
    });
    const press = (...specs: string[]) => {
      for (const spec of specs) c.handleKey({ spec, text: spec });
    };
    c.start();
    try {
      c.openFolder('alice', 'INBOX');
      await until(() => c.state.current?.path === 'INBOX' && c.state.current.opened && !!c.rowAt(1), 'INBOX rows', c);
      await until(() => c.state.accounts.every((a) => a.folders.length > 0), 'both folder lists', c);
      press('x', 'x');
      c.openFolder('alice', 'Work');
      await until(() => c.state.current?.path === 'Work' && c.state.current.opened && !!c.rowAt(1), 'Work rows', c);
      assert.equal(taggedCount(c.state), 2, 'the INBOX tags survive opening Work');
      press('x', 'x');
      assert.equal(taggedHere(c.state).length, 2);
      assert.match(statusText(c.state, 3, 120), /4 tagged \(2 here\)/);
      const unreadBefore = [...(await seen(aliceDevice, 'INBOX')).entries(), ...(await seen(aliceDevice, 'Work')).entries()].filter(
        ([, f]) => !f.includes('\\Seen'),
      ).length;
      const from = proxy.clientText().length;
      press(';', 'N');
      await until(() => /Marked 4 messages read in 2 folders/.test(c.state.info ?? ''), 'marked read', c);
      const sent = proxy.clientText().slice(from);
      assert.equal((sent.match(/UID STORE /g) ?? []).length, 2, `one STORE per folder:\n${sent}`);
      const unreadAfter = [...(await seen(aliceDevice, 'INBOX')).entries(), ...(await seen(aliceDevice, 'Work')).entries()].filter(
        ([, f]) => !f.includes('\\Seen'),
      ).length;
      assert.equal(unreadAfter, unreadBefore - 4);
      press('u');
      await until(() => /^Undone: .*Undone|^Undone: Restored .* Restored/.test(c.state.info ?? ''), 'both folders undone', c);
      const unreadUndone = [...(await seen(aliceDevice, 'INBOX')).entries(), ...(await seen(aliceDevice, 'Work')).entries()].filter(
        ([, f]) => !f.includes('\\Seen'),
      ).length;
      assert.equal(unreadUndone, unreadBefore, 'one u restored both folders');

      // C with the cursor on a Work message: the picker lists bob's folders too.
      await until(() => !!c.rowAt(c.state.listCursor), 'the Work rows again', c);
      const subject = c.rowAt(c.state.listCursor)!.subject;
      press('C');
      const o = c.state.overlay;
      assert.ok(o?.kind === 'picker' && o.purpose === 'copy');
      const target = o.items.findIndex((i) => i.label === 'bob: Inbox' || i.label === 'bob: INBOX');
      assert.ok(target >= 0, o.items.map((i) => i.label).join(', '));
      for (let k = 0; k < target; k++) press('down');
      press('enter');
      await until(() => /^Copied 1 message to/.test(c.state.info ?? '') || !!c.state.error, 'copied to bob', c);
      assert.equal(c.state.error, undefined);
      assert.ok((await seen(bobDevice, 'INBOX')).has(subject), 'bob has the copy');
      assert.ok((await seen(aliceDevice, 'Work')).has(subject), 'alice keeps the original');
    } finally {
      await c.stop();
    }
  });
});
