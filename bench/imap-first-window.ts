// Issue 3 bench: time to the first window of a 100k-message INBOX through tmail's account layer
// (new ImapAccount → connect → openFolder → fetchWindow(0, 50)) against a bare imapflow
// login + SELECT + FETCH of the same 50 messages with the same fields, interleaved in one run.
import { ImapFlow } from 'imapflow';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DovecotServer } from '../test/helpers/dovecot.js';
import { accountConfig } from '../test/integration/support/imap-fixtures.js';
import { ImapAccount } from '../src/accounts/imap/imap-account.js';
import { SUMMARY_QUERY } from '../src/accounts/imap/summary.js';
import { summarize, timed, ms, type Timing } from './stats.js';

const WINDOW = 50;

export interface FirstWindowResult {
  tmail: Timing;
  baseline: Timing;
  /** Ratio of medians (the figure the goal is about). */
  ratio: number;
  /** Ratio of minimums: less sensitive to other load on a shared machine. */
  minRatio: number;
}

export async function imapFirstWindow(server: DovecotServer, rounds: number, log: (line: string) => void): Promise<FirstWindowResult> {
  const config = accountConfig(server, { name: 'bench' });
  const password = server.users.find((u) => u.user === 'alice')!.password;
  const ca = await readFile(server.caFile, 'utf8');
  const dataRoot = await mkdtemp(path.join(os.tmpdir(), 'tmail-bench-'));

  let round = 0;
  const tmailRound = async (): Promise<number> => {
    // A fresh data dir each round: this is the cold open (no header cache yet).
    const account = new ImapAccount(config, { getPassword: async () => password, dataDir: path.join(dataRoot, `data-${round++}`) });
    let got = 0;
    const t = await timed(async () => {
      await account.connect();
      await account.openFolder('INBOX');
      got = (await account.fetchWindow('INBOX', 0, WINDOW)).length;
    });
    await account.close();
    if (got !== WINDOW) throw new Error(`tmail fetched ${got} messages, expected ${WINDOW}`);
    return t;
  };

  const baselineRound = async (): Promise<number> => {
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
    let got = 0;
    const t = await timed(async () => {
      await client.connect();
      const mailbox = await client.mailboxOpen('INBOX');
      const lo = Math.max(1, mailbox.exists - WINDOW + 1);
      got = (await client.fetchAll(`${lo}:${mailbox.exists}`, SUMMARY_QUERY)).length;
    });
    await client.logout();
    if (got !== WINDOW) throw new Error(`baseline fetched ${got} messages, expected ${WINDOW}`);
    return t;
  };

  try {
    // Warm-up (not counted): Dovecot indexes the new folder on its first SELECT, and both code
    // paths get JIT-compiled.
    for (let i = 0; i < 2; i++) {
      await baselineRound();
      await tmailRound();
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first so neither always runs on a warmer server.
      if (round % 2 === 0) {
        a.push(await tmailRound());
        b.push(await baselineRound());
      } else {
        b.push(await baselineRound());
        a.push(await tmailRound());
      }
      log(`  round ${round + 1}: tmail ${ms(a.at(-1)!)}, imapflow ${ms(b.at(-1)!)}`);
    }
    const tmail = summarize(a);
    const baseline = summarize(b);
    return { tmail, baseline, ratio: tmail.median / baseline.median, minRatio: tmail.min / baseline.min };
  } finally {
    await rm(dataRoot, { recursive: true, force: true });
  }
}
