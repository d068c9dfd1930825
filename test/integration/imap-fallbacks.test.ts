// Fallback paths against a Dovecot that hides an extension, with another client acting while
// tmail's account is open:
// - no LIST-STATUS: the folder refresh must not STATUS the selected mailbox (imapflow would copy
//   its MESSAGES into the session's EXISTS, and windows are fetched by sequence numbers);
// - no CONDSTORE/QRESYNC/ESEARCH: one change on the server costs one full UID+FLAGS listing, not
//   three; changes made while tmail was closed are all found at the next start;
// - no SPECIAL-USE: Trash is still found (by name).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ImapFlow } from 'imapflow';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { accountConfig, appendMessages, makeAccount, otherDevice, waitFor } from './support/imap-fixtures.js';

async function viaProxy(server: DovecotServer, tuning: Parameters<typeof makeAccount>[3]) {
  const proxy = await startTcpProxy(server.ports.imap);
  const t = await makeAccount(
    accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }),
    'alice-pw',
    undefined,
    tuning,
  );
  return {
    proxy,
    t,
    dispose: async () => {
      await t.dispose();
      await proxy.stop();
    },
  };
}

const sentSince = (proxy: TcpProxy, mark: string) => {
  const text = proxy.clientText();
  const at = text.indexOf(mark);
  return at === -1 ? '' : text.slice(at);
};

describe('IMAP without LIST-STATUS', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;

  before(async () => {
    server = await startDovecot({ hideImapCapabilities: ['LIST-STATUS'] });
    device = await otherDevice(server);
    await device.mailboxCreate('Work');
    await appendMessages(device, 'INBOX', 20);
    await appendMessages(device, 'Work', 2);
  });
  after(async () => {
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  test('another client expunges: the folder refresh never STATUSes the selected mailbox, and the window stays right', async () => {
    const c = await viaProxy(server, { headerCache: false, autoIdleDelayMs: 60_000 });
    try {
      await c.t.account.connect();
      assert.equal((await c.t.account.openFolder('INBOX')).total, 20);
      const first = await c.t.account.fetchWindow('INBOX', 0, 5);
      assert.deepEqual(
        first.map((m) => m.subject),
        ['Message 20', 'Message 19', 'Message 18', 'Message 17', 'Message 16'],
      );

      // Another client expunges "Message 19" while tmail has INBOX selected.
      const lock = await device.getMailboxLock('INBOX');
      try {
        assert.ok(await device.messageDelete(String(first[1]!.uid), { uid: true }));
      } finally {
        lock.release();
      }

      const folders = await c.t.account.listFolders();
      const inbox = folders.find((f) => f.path === 'INBOX');
      assert.deepEqual({ total: inbox?.total, unread: inbox?.unread }, { total: 19, unread: 19 });
      assert.equal(folders.find((f) => f.path === 'Work')?.total, 2, 'other folders get their counts by STATUS');
      const window = await c.t.account.fetchWindow('INBOX', 0, 5);
      assert.deepEqual(
        window.map((m) => m.subject),
        ['Message 20', 'Message 18', 'Message 17', 'Message 16', 'Message 15'],
      );

      // Reopening the selected folder (the UI does it on every change) does not STATUS it either.
      assert.equal((await c.t.account.openFolder('INBOX')).total, 19);
      const sent = sentSince(c.proxy, 'SELECT INBOX');
      assert.ok(sent.length > 0);
      assert.doesNotMatch(sent, /STATUS "?INBOX"? /, 'no STATUS of the selected mailbox');
      assert.match(sent, /STATUS "?Work"? /, 'the other folder was STATUSed');
    } finally {
      await c.dispose();
    }
  });
});

describe('IMAP without CONDSTORE, QRESYNC and ESEARCH', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;

  before(async () => {
    server = await startDovecot({ hideImapCapabilities: ['CONDSTORE', 'QRESYNC', 'ESEARCH'] });
    device = await otherDevice(server);
    await appendMessages(device, 'INBOX', 30);
  });
  after(async () => {
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  test('one new message while open: one UID list and one FLAGS listing, however many events follow', async () => {
    const c = await viaProxy(server, { coldCacheFillDelayMs: 0, autoIdleDelayMs: 100 });
    const listings = () => (c.proxy.clientText().match(/UID SEARCH (RETURN \(ALL\) )?ALL/g) ?? []).length;
    const flagScans = () => (c.proxy.clientText().match(/FETCH 1:\* \(UID FLAGS\)/g) ?? []).length;
    try {
      await c.t.account.connect();
      await c.t.account.openFolder('INBOX');
      await c.t.account.fetchWindow('INBOX', 0, 30);
      await waitFor(() => c.t.account.headers!.lastResult.get('INBOX')?.mode === 'full', 'the first listing');
      // Behave as the UI does: reopen the folder on every 'exists'/'expunged' event.
      c.t.account.onEvent((e) => {
        if ((e.type === 'exists' || e.type === 'expunged') && e.folder === 'INBOX') void c.t.account.openFolder('INBOX').catch(() => undefined);
      });
      await new Promise((r) => setTimeout(r, 300)); // IDLE is on
      const [l0, f0] = [listings(), flagScans()];

      await appendMessages(device, 'INBOX', 1, 100);
      await waitFor(() => listings() > l0, 'the new message to be noticed');
      await new Promise((r) => setTimeout(r, 1_500)); // every follow-up event has had its turn
      assert.equal(listings() - l0, 1, 'one UID SEARCH ALL');
      assert.equal(flagScans() - f0, 1, 'one FETCH 1:* (UID FLAGS)');
      const cached = await c.t.account.fetchWindow('INBOX', 0, 1);
      assert.equal(cached[0]?.subject, 'Message 100');

      // Another client flags a message while tmail is open. The server names only its sequence
      // number (no UID without CONDSTORE), so one FLAGS listing finds it.
      const [l1, f1] = [listings(), flagScans()];
      const lock = await device.getMailboxLock('INBOX');
      try {
        assert.ok(await device.messageFlagsAdd(String(cached[0]!.uid), ['\\Flagged'], { uid: true }));
      } finally {
        lock.release();
      }
      await waitFor(async () => (await c.t.account.fetchWindow('INBOX', 0, 1))[0]?.flags.includes('\\Flagged') ?? false, 'the flag');
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(flagScans() - f1, 1);
      assert.ok(listings() - l1 <= 1);
    } finally {
      await c.dispose();
    }
  });
  test('changes made while tmail was closed (expunge, flag, \\Deleted mark) are all found at the next start', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tmail-fallback-'));
    try {
      const first = await makeAccount(accountConfig(server), 'alice-pw', dir, { coldCacheFillDelayMs: 0 });
      let uids: number[];
      try {
        await first.account.connect();
        const opened = await first.account.openFolder('INBOX');
        uids = (await first.account.fetchWindow('INBOX', 0, opened.total)).map((m) => m.uid).sort((a, b) => a - b);
        await waitFor(() => first.account.headers!.lastResult.get('INBOX')?.mode === 'full', 'the cache to be filled');
      } finally {
        await first.dispose();
      }
      const [gone, flagged, marked] = [uids[0]!, uids[1]!, uids[2]!];
      const lock = await device.getMailboxLock('INBOX');
      try {
        assert.ok(await device.messageDelete(String(gone), { uid: true }));
        assert.ok(await device.messageFlagsAdd(String(flagged), ['\\Flagged'], { uid: true }));
        assert.ok(await device.messageFlagsAdd(String(marked), ['\\Deleted'], { uid: true }));
      } finally {
        lock.release();
      }
      const again = await makeAccount(accountConfig(server), 'alice-pw', dir, { coldCacheFillDelayMs: 0 });
      try {
        await again.account.connect();
        const opened = await again.account.openFolder('INBOX');
        assert.equal(opened.total, uids.length - 1);
        const result = await again.account.headers!.resync('INBOX');
        assert.equal(result?.mode, 'full');
        assert.deepEqual(result?.removed, [gone]);
        assert.deepEqual(
          result?.flagChanges.map((c) => c.uid).sort((a, b) => a - b),
          [flagged, marked],
        );
        const rows = await again.account.fetchSummaries('INBOX', [flagged, marked]);
        assert.ok(rows[0]?.flags.includes('\\Flagged'));
        assert.ok(rows[1]?.flags.includes('\\Deleted'), "the other client's mark is shown, not expunged");
      } finally {
        await again.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('IMAP without SPECIAL-USE', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;

  before(async () => {
    server = await startDovecot({ hideImapCapabilities: ['SPECIAL-USE'] });
    device = await otherDevice(server);
    await device.mailboxCreate('Trash');
    await appendMessages(device, 'INBOX', 2);
  });
  after(async () => {
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  test('delete still goes to the folder named Trash, and says so', async () => {
    const t = await makeAccount(accountConfig(server), 'alice-pw', undefined, { headerCache: false });
    try {
      await t.account.connect();
      assert.equal((await t.account.listFolders()).find((f) => f.path === 'Trash')?.specialUse, 'trash');
      const [m] = await t.account.fetchWindow('INBOX', 0, 1);
      const outcome = await t.account.deleteMessages('INBOX', [m!.uid]);
      assert.deepEqual({ result: outcome.result, destination: outcome.destination }, { result: 'moved', destination: 'Trash' });
      assert.equal(outcome.copies?.length, 1, 'where the copy is, for an undo');
      assert.deepEqual(
        (await t.account.fetchWindow('Trash', 0, 5)).map((x) => x.subject),
        [m!.subject],
      );
    } finally {
      await t.dispose();
    }
  });
});
