// Issue 8 bench on the 100k INBOX:
// - warm open (header cache present) vs cold open (none), both ImapAccount connect + openFolder +
//   fetchWindow(0, 50), interleaved;
// - resync after 100 new messages and 1,000 flag changes made by another connection: tmail's
//   reconciliation (SELECT + CHANGEDSINCE/VANISHED + cache update) vs a bare imapflow SELECT +
//   CONDSTORE fetch of the same changes; asserts that tmail fetched exactly the 1,100 changes.
// Leaves alice's INBOX with 100 more messages and 1,000 \Flagged: run it after the sections that
// need the pristine folder.
import { ImapFlow } from 'imapflow';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DovecotServer } from '../test/helpers/dovecot.js';
import { accountConfig } from '../test/integration/support/imap-fixtures.js';
import { ImapAccount } from '../src/accounts/imap/imap-account.js';
import { SummaryStore } from '../src/store/summary-store.js';
import { ms, summarize, timed, type Timing } from './stats.js';

const WINDOW = 50;
const NEW_MESSAGES = 100;
const FLAG_CHANGES = 1_000;

export interface CacheBenchResult {
  fill: number;
  cold: Timing;
  /** Warm: new account → first screen from the cache (what the UI draws before the login ends). */
  warm: Timing;
  warmRatio: number;
  /** Warm, until the server has confirmed: connect + openFolder + fetchWindow answered by the cache. */
  warmOnline: Timing;
  warmOnlineRatio: number;
  resync: Timing;
  bare: Timing;
  resyncRatio: number;
  fetched: number;
}

export async function imapCacheBench(server: DovecotServer, rounds: number, log: (line: string) => void): Promise<CacheBenchResult> {
  const config = accountConfig(server, { name: 'bench' });
  const password = server.users.find((u) => u.user === 'alice')!.password;
  const ca = await readFile(server.caFile, 'utf8');
  const root = await mkdtemp(path.join(os.tmpdir(), 'tmail-bench-cache-'));
  const account = (dataDir: string) => new ImapAccount(config, { getPassword: async () => password, dataDir }, { autoIdleDelayMs: 600_000 });
  const bareClient = () => {
    const client = new ImapFlow({
      host: server.host,
      port: server.ports.imap,
      secure: false,
      doSTARTTLS: true,
      auth: { user: 'alice', pass: password },
      tls: { ca },
      logger: false,
    });
    client.on('error', () => undefined);
    return client;
  };

  try {
    // The warm cache: one cold open, then the background fill (the folder's UID list), timed.
    const warmDir = path.join(root, 'warm');
    let fill = 0;
    {
      const a = account(warmDir);
      await a.connect();
      await a.openFolder('INBOX');
      await a.fetchWindow('INBOX', 0, WINDOW);
      fill = await timed(async () => {
        const r = await a.headers!.resync('INBOX');
        if (r?.mode !== 'full') throw new Error(`expected a full fill, got ${r?.mode}`);
      });
      await a.close();
    }
    log(`  background fill of the cache after a cold open (UID list of 100k): ${ms(fill)}`);

    let n = 0;
    const openRound = async (dataDir: string): Promise<number> => {
      const a = account(dataDir);
      let got = 0;
      const t = await timed(async () => {
        await a.connect();
        await a.openFolder('INBOX');
        got = (await a.fetchWindow('INBOX', 0, WINDOW)).length;
      });
      await a.close();
      if (got !== WINDOW) throw new Error(`fetched ${got} messages, expected ${WINDOW}`);
      return t;
    };
    const firstScreen = async (): Promise<number> => {
      const a = account(warmDir);
      let got = 0;
      const t = await timed(async () => {
        got = (await a.peekCachedFolder('INBOX', WINDOW))?.newest.length ?? 0;
      });
      await a.close();
      if (got !== WINDOW) throw new Error(`the cache gave ${got} messages, expected ${WINDOW}`);
      return t;
    };
    const cold: number[] = [];
    const warm: number[] = [];
    const warmOnline: number[] = [];
    const warmRounds = async () => {
      warm.push(await firstScreen());
      warmOnline.push(await openRound(warmDir));
    };
    for (let i = 0; i < 2; i++) {
      await openRound(path.join(root, `cold-${n++}`));
      await warmRounds();
    }
    warm.length = 0;
    warmOnline.length = 0;
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        cold.push(await openRound(path.join(root, `cold-${n++}`)));
        await warmRounds();
      } else {
        await warmRounds();
        cold.push(await openRound(path.join(root, `cold-${n++}`)));
      }
      log(`  round ${round + 1}: cold ${ms(cold.at(-1)!)}, warm first screen ${ms(warm.at(-1)!)}, warm confirmed by the server ${ms(warmOnline.at(-1)!)}`);
    }

    // Snapshot of the cache before the other connection changes the folder.
    const snapshot = path.join(root, 'snapshot');
    await cp(warmDir, snapshot, { recursive: true });
    const probe = await SummaryStore.open(snapshot, 'imap');
    const since = probe.folder('INBOX')!.highestModseq!;
    probe.close();

    const other = bareClient();
    await other.connect();
    const lock = await other.getMailboxLock('INBOX');
    try {
      const uids = (await other.search({ all: true }, { uid: true })) as number[];
      const targets = uids.slice(1_000, 1_000 + FLAG_CHANGES);
      for (let i = 0; i < NEW_MESSAGES; i++) {
        await other.append(
          'INBOX',
          `From: bench@example.org\r\nTo: alice@example.org\r\nSubject: new ${i}\r\nMessage-ID: <bench-new-${i}@example.org>\r\n\r\nnew mail ${i}\r\n`,
        );
      }
      if (!(await other.messageFlagsAdd(`${targets[0]}:${targets.at(-1)}`, ['\\Flagged'], { uid: true }))) throw new Error('STORE refused');
    } finally {
      lock.release();
      await other.logout();
    }

    const resync: number[] = [];
    const bare: number[] = [];
    let fetched = -1;
    const tmailResync = async () => {
      const dir = path.join(root, `resync-${n++}`);
      await cp(snapshot, dir, { recursive: true });
      const a = account(dir);
      await a.connect();
      const t = await timed(async () => {
        await a.openFolder('INBOX');
        const r = await a.headers!.resync('INBOX');
        if (!r) throw new Error('resync failed');
        fetched = r.fetched;
        if (r.fetched !== NEW_MESSAGES + FLAG_CHANGES || r.added.length !== NEW_MESSAGES || r.flagChanges.length !== FLAG_CHANGES) {
          throw new Error(
            `resync fetched ${r.fetched} (added ${r.added.length}, flag changes ${r.flagChanges.length}); expected exactly ${NEW_MESSAGES} + ${FLAG_CHANGES}`,
          );
        }
      });
      await a.close();
      return t;
    };
    const bareFetch = async () => {
      const client = bareClient();
      await client.connect();
      let got = 0;
      const t = await timed(async () => {
        await client.mailboxOpen('INBOX');
        got = (await client.fetchAll('1:*', { uid: true, flags: true }, { uid: true, changedSince: since })).length;
      });
      await client.logout();
      if (got !== NEW_MESSAGES + FLAG_CHANGES) throw new Error(`bare CONDSTORE fetch got ${got}`);
      return t;
    };
    await tmailResync();
    await bareFetch();
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        resync.push(await tmailResync());
        bare.push(await bareFetch());
      } else {
        bare.push(await bareFetch());
        resync.push(await tmailResync());
      }
      log(`  resync round ${round + 1}: tmail ${ms(resync.at(-1)!)}, bare CONDSTORE ${ms(bare.at(-1)!)}`);
    }
    const c = summarize(cold);
    const w = summarize(warm);
    const wo = summarize(warmOnline);
    const r = summarize(resync);
    const b = summarize(bare);
    return {
      fill,
      cold: c,
      warm: w,
      warmRatio: w.median / c.median,
      warmOnline: wo,
      warmOnlineRatio: wo.median / c.median,
      resync: r,
      bare: b,
      resyncRatio: r.median / b.median,
      fetched,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
