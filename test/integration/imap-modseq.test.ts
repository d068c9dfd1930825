// The remembered CHANGEDSINCE point stays current (RFC 7162): a change another device makes after
// tmail's SELECT is fetched once by the resync, and the mod-sequence it carried (newer than the
// SELECT's HIGHESTMODSEQ) is what the next session asks from, so it is not fetched again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ImapFlow } from 'imapflow';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { accountConfig, appendMessages, makeAccount, otherDevice } from './support/imap-fixtures.js';

const NO_DELAY = { coldCacheFillDelayMs: 0, autoIdleDelayMs: 60_000 };

/** The numbers of every CHANGEDSINCE tmail sent, in order. */
const changedSinceValues = (wire: string) => [...wire.matchAll(/CHANGEDSINCE (\d+)/g)].map((m) => BigInt(m[1]!));

describe('IMAP CHANGEDSINCE point against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  let root: string;

  before(async () => {
    server = await startDovecot();
    device = await otherDevice(server);
    await appendMessages(device, 'INBOX', 20);
    root = await mkdtemp(path.join(os.tmpdir(), 'tmail-modseq-'));
  });

  after(async () => {
    await device?.logout().catch(() => undefined);
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('a change learnt from the CHANGEDSINCE answer moves the remembered modseq forward', async () => {
    const dir = path.join(root, 'data');
    const proxy = await startTcpProxy(server.ports.imap);
    const config = accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined });
    const flag = async (uid: number) => {
      const lock = await device.getMailboxLock('INBOX');
      try {
        assert.ok(await device.messageFlagsAdd(String(uid), ['\\Flagged'], { uid: true }));
      } finally {
        lock.release();
      }
    };
    // No IDLE: the change made after the SELECT is learnt only from the CHANGEDSINCE answer.
    const cold = await makeAccount(config, 'alice-pw', dir, NO_DELAY);
    let uids: number[];
    try {
      await cold.account.connect();
      await cold.account.openFolder('INBOX');
      uids = (await cold.account.fetchWindow('INBOX', 0, 20)).map((r) => r.uid);
      assert.equal((await cold.account.headers!.resync('INBOX'))?.mode, 'full');
    } finally {
      await cold.dispose();
    }
    await flag(uids[3]!); // while tmail is closed: the next SELECT's HIGHESTMODSEQ covers it
    // The resync's CHANGEDSINCE reaches Dovecot only after another flag change: newer than the
    // HIGHESTMODSEQ the SELECT reported, so only that FETCH answer carries its mod-sequence.
    let heldOnce = false;
    proxy.hooks.holdClientLine = (line) => {
      if (heldOnce || !/CHANGEDSINCE/.test(line)) return undefined;
      heldOnce = true;
      return flag(uids[5]!);
    };
    const open = await makeAccount(config, 'alice-pw', dir, NO_DELAY);
    try {
      await open.account.connect();
      await open.account.openFolder('INBOX');
      const seen = await open.account.headers!.resync('INBOX');
      assert.ok(heldOnce, 'the CHANGEDSINCE was held for the other change');
      assert.equal(seen?.mode, 'qresync');
      assert.deepEqual(
        [...new Set(seen?.flagChanges.map((c) => c.uid))].sort((a, b) => a - b),
        [uids[5]!, uids[3]!].sort((a, b) => a - b),
      );
    } finally {
      await open.dispose();
    }
    const status = await device.status('INBOX', { highestModseq: true });
    const serverModseq = status ? status.highestModseq : undefined;
    assert.ok(serverModseq !== undefined, 'Dovecot reports HIGHESTMODSEQ');

    // Next session: nothing changed since; it must not ask for the flag change again.
    proxy.hooks.holdClientLine = undefined;
    const sentBefore = proxy.clientText().length;
    const warm = await makeAccount(config, 'alice-pw', dir, NO_DELAY);
    try {
      await warm.account.connect();
      await warm.account.openFolder('INBOX');
      const result = await warm.account.headers!.resync('INBOX');
      const asked = changedSinceValues(proxy.clientText().slice(sentBefore));
      for (const since of asked) assert.ok(since >= serverModseq, `CHANGEDSINCE ${since} lags behind the server's ${serverModseq}`);
      assert.equal(result?.fetched, 0, 'the flag change seen in the last session is not fetched again');
      assert.ok(result?.flagChanges.length === 0);
    } finally {
      await warm.dispose();
      await proxy.stop();
    }
  });
});
