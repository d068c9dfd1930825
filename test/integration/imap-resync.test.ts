// Header cache + incremental resync against the private Dovecot: a warm open answers list windows
// from the cache and fetches only what another device changed (QRESYNC: CHANGEDSINCE + VANISHED);
// a changed UIDVALIDITY discards the cache; the cache file is private.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ImapFlow } from 'imapflow';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { STORE_FILE as CACHE_FILE } from '../../src/store/summary-store.js';
import { accountConfig, appendMessages, makeAccount, otherDevice } from './support/imap-fixtures.js';

const NO_DELAY = { coldCacheFillDelayMs: 0, autoIdleDelayMs: 60_000 };

describe('IMAP header cache and resync against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  let root: string;

  before(async () => {
    server = await startDovecot();
    device = await otherDevice(server);
    await appendMessages(device, 'INBOX', 40);
    root = await mkdtemp(path.join(os.tmpdir(), 'tmail-resync-'));
  });

  after(async () => {
    await device?.logout().catch(() => undefined);
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  async function withDevice<T>(folder: string, fn: () => Promise<T>): Promise<T> {
    const lock = await device.getMailboxLock(folder);
    try {
      return await fn();
    } finally {
      lock.release();
    }
  }

  test('cold open fills the cache; warm open fetches only the changes and serves windows from the cache', async () => {
    const dir = path.join(root, 'warm');
    const cold = await makeAccount(accountConfig(server), 'alice-pw', dir, NO_DELAY);
    let before: number[];
    try {
      await cold.account.connect();
      await cold.account.openFolder('INBOX');
      before = (await cold.account.fetchWindow('INBOX', 0, 40)).map((s) => s.uid);
      const first = await cold.account.headers!.resync('INBOX');
      assert.equal(first?.mode, 'full');
      assert.equal(first?.added.length, 0, 'the 40 summaries were already stored by the window fetch');
    } finally {
      await cold.dispose();
    }
    const data = path.join(dir, 'data');
    assert.equal((await stat(path.join(data, CACHE_FILE))).mode & 0o777, 0o600);
    assert.equal((await stat(data)).mode & 0o777, 0o700);

    // Another device: 3 new messages, flags on 5 old ones, 2 expunged.
    const uidsNow = [...before].sort((a, b) => a - b);
    const flagged = uidsNow.slice(10, 15);
    const expunged = uidsNow.slice(20, 22);
    const added = await appendMessages(device, 'INBOX', 3, 100);
    await withDevice('INBOX', async () => {
      assert.ok(await device.messageFlagsAdd(flagged.join(','), ['\\Flagged'], { uid: true }));
      assert.ok(await device.messageDelete(expunged.join(','), { uid: true }));
    });

    const proxy = await startTcpProxy(server.ports.imap);
    const warm = await makeAccount(
      accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }),
      'alice-pw',
      dir,
      NO_DELAY,
    );
    try {
      await warm.account.connect();
      const opened = await warm.account.openFolder('INBOX');
      assert.equal(opened.total, 41);
      const result = await warm.account.headers!.resync('INBOX');
      assert.ok(result);
      assert.equal(result.mode, 'qresync');
      // Only the changes travelled: 3 new + 5 flag changes (expunges come as VANISHED, not FETCH).
      assert.equal(result.fetched, 8);
      assert.deepEqual(
        [...result.added].sort((a, b) => a - b),
        added,
      );
      assert.deepEqual(
        [...result.removed].sort((a, b) => a - b),
        expunged,
      );
      assert.deepEqual(
        result.flagChanges.map((c) => c.uid).sort((a, b) => a - b),
        flagged,
      );
      for (const c of result.flagChanges) assert.ok(c.flags.includes('\\Flagged'));
      assert.match(proxy.clientText(), /CHANGEDSINCE \d+ VANISHED/);
      // The UI hears about it through the usual events.
      assert.ok(warm.events.some((e) => e.type === 'flags' && e.uid === flagged[0] && e.flags.includes('\\Flagged')));
      assert.ok(warm.events.some((e) => e.type === 'expunged' && e.uids.includes(expunged[0]!)));
      assert.ok(warm.events.some((e) => e.type === 'exists' && e.folder === 'INBOX'));

      // Windows: the newest 3 are fetched once by UID, everything else comes from the cache.
      const sentBefore = proxy.clientText().length;
      const top = await warm.account.fetchWindow('INBOX', 0, 10);
      assert.deepEqual(
        top.slice(0, 3).map((s) => s.uid),
        [...added].reverse(),
      );
      const again = await warm.account.fetchWindow('INBOX', 0, 41);
      const sentAfter = proxy.clientText().slice(sentBefore);
      assert.equal((sentAfter.match(/ENVELOPE/g) ?? []).length, 1, `one summary FETCH (for the 3 new), got:\n${sentAfter}`);
      const expected = [...[...added].reverse(), ...uidsNow.filter((u) => !expunged.includes(u)).reverse()];
      assert.deepEqual(
        again.map((s) => s.uid),
        expected,
      );
      const byUid = new Map(again.map((s) => [s.uid, s]));
      assert.ok(byUid.get(flagged[0]!)!.flags.includes('\\Flagged'));
      assert.match(byUid.get(added[0]!)!.subject, /Message 100/);

      // A second resync with nothing changed fetches nothing.
      const idle = await warm.account.headers!.resync('INBOX');
      assert.equal(idle?.mode, 'unchanged');
      assert.equal(idle?.fetched, 0);
    } finally {
      await warm.dispose();
      await proxy.stop();
    }
  });

  test('a changed UIDVALIDITY discards the folder cache', async () => {
    const dir = path.join(root, 'validity');
    await device.mailboxCreate('Box');
    const firstUids = await appendMessages(device, 'Box', 5);
    const a = await makeAccount(accountConfig(server), 'alice-pw', dir, NO_DELAY);
    try {
      await a.account.connect();
      await a.account.openFolder('Box');
      await a.account.fetchWindow('Box', 0, 5);
      assert.equal((await a.account.headers!.resync('Box'))?.mode, 'full');
    } finally {
      await a.dispose();
    }
    // Warm start: the first screen straight from disk, before (and without) any connection.
    const offline = await makeAccount(accountConfig(server, { port: 1 }), 'alice-pw', dir, NO_DELAY);
    try {
      const peeked = await offline.account.peekCachedFolder('Box', 3);
      assert.ok(peeked);
      assert.equal(peeked.folder.total, 5);
      assert.equal(peeked.folder.unread, 5);
      assert.deepEqual(
        peeked.newest.map((s) => s.uid),
        [...firstUids].reverse().slice(0, 3),
      );
      assert.equal(offline.passwordRequests(), 0);
      assert.equal(await offline.account.peekCachedFolder('Nope', 3), null);
      // Scrolling (or G) before the server has opened the folder: the rest comes from the cache
      // too, in the same positions, with no connection (port 1 answers nothing).
      assert.deepEqual(
        (await offline.account.fetchWindow('Box', 3, 10)).map((s) => s.uid),
        [...firstUids].reverse().slice(3),
      );
      assert.equal(offline.passwordRequests(), 0);
    } finally {
      await offline.dispose();
    }
    // Recreated on the server: same name, new UIDVALIDITY, different messages.
    await device.mailboxDelete('Box');
    await device.mailboxCreate('Box');
    const newUids = await appendMessages(device, 'Box', 2, 500);
    const b = await makeAccount(accountConfig(server), 'alice-pw', dir, NO_DELAY);
    try {
      await b.account.connect();
      const opened = await b.account.openFolder('Box');
      assert.equal(opened.total, 2);
      const result = await b.account.headers!.resync('Box');
      assert.equal(result?.mode, 'full');
      const rows = await b.account.fetchWindow('Box', 0, 10);
      assert.deepEqual(
        rows.map((s) => s.uid),
        [...newUids].reverse(),
      );
      assert.ok(
        rows.every((s) => /Message 50[01]/.test(s.subject)),
        'no summary from the old folder survives',
      );
      assert.deepEqual(
        (await b.account.peekCachedFolder('Box', 5))?.newest.map((s) => s.uid),
        [...newUids].reverse(),
      );
      assert.equal(newUids[0], firstUids[0], 'the new folder reuses UIDs, so stale rows would show');
    } finally {
      await b.dispose();
    }
  });

  test('a folder deleted on the server leaves the cache when the folders are listed', async () => {
    const dir = path.join(root, 'gone');
    await device.mailboxCreate('Gone');
    await appendMessages(device, 'Gone', 3);
    const a = await makeAccount(accountConfig(server), 'alice-pw', dir, NO_DELAY);
    try {
      await a.account.connect();
      await a.account.openFolder('Gone');
      await a.account.fetchWindow('Gone', 0, 3);
      await a.account.headers!.resync('Gone');
      assert.equal((await a.account.peekCachedFolder('Gone', 3))?.newest.length, 3);
      await device.mailboxDelete('Gone');
      await a.account.listFolders();
      const until = Date.now() + 5_000;
      while ((await a.account.peekCachedFolder('Gone', 3)) !== null && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await a.account.peekCachedFolder('Gone', 3), null);
    } finally {
      await a.dispose();
    }
  });

  test('IDLE is ended and issued again after idleRestartMs (RFC 2177: before the 30-minute server timeout)', async () => {
    const proxy = await startTcpProxy(server.ports.imap);
    const a = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }), 'alice-pw', undefined, {
      autoIdleDelayMs: 50,
      idleRestartMs: 300,
      coldCacheFillDelayMs: 60_000,
    });
    try {
      await a.account.connect();
      await a.account.openFolder('INBOX');
      const idles = () => (proxy.clientText().match(/ IDLE\r\n/g) ?? []).length;
      const until = Date.now() + 15_000;
      while (idles() < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      assert.ok(idles() >= 3, `IDLE issued again (seen ${idles()} times)`);
      assert.match(proxy.clientText(), /DONE\r\n/);
      // The account is still usable after the restarts.
      assert.equal((await a.account.fetchWindow('INBOX', 0, 2)).length, 2);
    } finally {
      await a.dispose();
      await proxy.stop();
    }
  });

  test('live: a flag change and a new message while the folder is open reach the cache', async () => {
    const dir = path.join(root, 'live');
    await device.mailboxCreate('Live');
    const uids = await appendMessages(device, 'Live', 4);
    const a = await makeAccount(accountConfig(server), 'alice-pw', dir, { coldCacheFillDelayMs: 0, autoIdleDelayMs: 50 });
    try {
      await a.account.connect();
      await a.account.openFolder('Live');
      await a.account.fetchWindow('Live', 0, 4);
      await a.account.headers!.resync('Live');
      await withDevice('Live', () => device.messageFlagsAdd(String(uids[0]), ['\\Seen'], { uid: true }));
      const [fresh] = await appendMessages(device, 'Live', 1, 900);
      const until = Date.now() + 15_000;
      let rows = await a.account.fetchWindow('Live', 0, 10);
      while (!(rows.length === 5 && rows.find((s) => s.uid === uids[0])?.flags.includes('\\Seen')) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        rows = await a.account.fetchWindow('Live', 0, 10);
      }
      assert.equal(rows[0]?.uid, fresh);
      assert.ok(rows.find((s) => s.uid === uids[0])?.flags.includes('\\Seen'));
    } finally {
      await a.dispose();
    }
  });
});
