// Issue 8 bench: the first window of the 100k INBOX in each list order through ImapAccount
// (connect + openFolder + fetchWindow(0, 50, order): the server sorts/threads, UIDs only, then
// 50 envelopes), against what a client without server SORT/THREAD pays: every message's envelope
// and References fetched and threaded locally (tmail's own fallback, threadLocally).
import { ImapFlow } from 'imapflow';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DovecotServer } from '../test/helpers/dovecot.js';
import type { SortOrder } from '../src/domain/index.js';
import { ImapAccount } from '../src/accounts/imap/imap-account.js';
import { threadLocally } from '../src/accounts/imap/thread-command.js';
import { ms, summarize, timed } from './stats.js';

const WINDOW = 50;
const ORDERS: SortOrder[] = ['thread', 'date', 'from', 'subject'];

export async function runThreadSortSection(server: DovecotServer, rounds: number, log: (line: string) => void): Promise<void> {
  const password = server.users.find((u) => u.user === 'alice')!.password;
  const ca = await readFile(server.caFile, 'utf8');
  const dataRoot = await mkdtemp(path.join(os.tmpdir(), 'tmail-bench-thread-'));
  try {
    const firstWindow = async (order: SortOrder, i: number): Promise<number> => {
      const account = new ImapAccount(
        { name: 'bench', protocol: 'imap', host: server.host, port: server.ports.imap, security: 'starttls', user: 'alice', ca: server.caFile },
        { getPassword: async () => password, dataDir: path.join(dataRoot, `${order}-${i}`) },
        // The header cache's background fill would compete with the measured path.
        { headerCache: false },
      );
      let got = 0;
      const t = await timed(async () => {
        await account.connect();
        await account.openFolder('INBOX');
        got = (await account.fetchWindow('INBOX', 0, WINDOW, order)).length;
      });
      await account.close();
      if (got !== WINDOW) throw new Error(`${order}: got ${got} rows, expected ${WINDOW}`);
      return t;
    };
    // Warm-up: Dovecot builds its sort/thread indexes on first use.
    for (const order of ORDERS) await firstWindow(order, -1);
    const times = new Map<SortOrder, number[]>(ORDERS.map((o) => [o, []]));
    for (let r = 0; r < rounds; r++) for (const order of ORDERS) times.get(order)!.push(await firstWindow(order, r));

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
    await client.connect();
    const local: number[] = [];
    let rows = 0;
    try {
      await client.mailboxOpen('INBOX');
      // Slow by nature (every header of the folder): two rounds are enough to show the gap.
      for (let r = 0; r < 2; r++) local.push(await timed(async () => void (rows = (await threadLocally(client)).uids.length)));
    } finally {
      await client.logout();
    }
    const thread = summarize(times.get('thread')!);
    for (const order of ORDERS) {
      const s = summarize(times.get(order)!);
      log(`  ${order.padEnd(8)} first window (server ${order === 'thread' ? 'THREAD' : 'SORT'}): median ${ms(s.median)}, min ${ms(s.min)}`);
    }
    const l = summarize(local);
    log(`  local threading of all ${rows.toLocaleString('en')} (FETCH every envelope + References, JWZ): median ${ms(l.median)}`);
    log(`  ratio server thread/local thread (medians): ${(thread.median / l.median).toFixed(3)}`);
  } finally {
    await rm(dataRoot, { recursive: true, force: true });
  }
}
