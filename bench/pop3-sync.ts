// Bench section: POP3 sync of 10,000 messages. tmail's full sync (RETR, Maildir delivery with
// fsync of each file and of the directory once per batch, durable state writes, DELE, QUIT) against a bare node-pop3 loop that only
// RETRs every message into memory — measured in the same run, on the same server, interleaved.
// Uses bob's INBOX on the bench server (alice's 100k INBOX belongs to the IMAP section).
//
// Hook into bench/run.ts:
//   import { pop3SyncBench } from './pop3-sync.js';
//   { title: 'POP3: sync of 10,000 messages', run: (server) => pop3SyncBench(server, log) }
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Pop3Command from 'node-pop3';
import { syncMailbox } from '../src/accounts/pop3/sync.js';
import type { AccountConfig } from '../src/config/types.js';
import { Maildir } from '../src/store/maildir.js';
import type { DovecotServer } from '../test/helpers/dovecot.js';
import { generateMaildir } from '../test/helpers/maildir-generator.js';
import { ms, summarize, timed, type Timing } from './stats.js';

export const POP3_BENCH_MESSAGES = Number(process.env.BENCH_POP3_MESSAGES ?? 10_000);
const USER = 'bob';
const PASSWORD = 'bob-pw';

export interface Pop3BenchResult {
  tmail: Timing;
  baseline: Timing;
  ratio: number;
  tmailRate: number;
  baselineRate: number;
}

/** Fills bob's INBOX with a fresh set of messages (the previous tmail round emptied it). */
async function fill(server: DovecotServer, round: number): Promise<void> {
  await generateMaildir(server.maildir(USER), { count: POP3_BENCH_MESSAGES, seed: 100 + round });
  await server.fixOwnership(USER);
}

/** The baseline: node-pop3 login, then RETR 1..N one after the other, then QUIT (nothing deleted). */
async function bareRetrLoop(server: DovecotServer, count: number): Promise<void> {
  const client = new Pop3Command({ host: server.host, port: server.ports.pop3, user: USER, password: PASSWORD, timeout: 30_000 });
  for (let i = 1; i <= count; i++) {
    // node-pop3 can hang forever on a terminator split across packets: bound each RETR.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.RETR(i),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`node-pop3 RETR ${i} hung (split terminator)`)), 10_000);
      }),
    ]).finally(() => clearTimeout(timer));
  }
  await client.QUIT();
}

export async function pop3SyncBench(server: DovecotServer, log: (line: string) => void, rounds = Number(process.env.BENCH_POP3_ROUNDS ?? 3)): Promise<Pop3BenchResult> {
  const base = await mkdtemp(join(server.dir, 'pop3-bench-'));
  const config: AccountConfig = {
    name: 'bench',
    protocol: 'pop3',
    host: server.host,
    port: server.ports.pop3,
    // Both sides on plain POP3 so the comparison is about the sync, not TLS (node-pop3 has no STLS).
    security: 'none',
    allowInsecureAuth: true,
    user: USER,
  };
  const tmail: number[] = [];
  const baseline: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      await fill(server, round);
      baseline.push(await timed(() => bareRetrLoop(server, POP3_BENCH_MESSAGES)));
      const dir = join(base, `round-${round}`);
      let downloaded = 0;
      tmail.push(
        await timed(async () => {
          const result = await syncMailbox({
            config,
            getPassword: async () => PASSWORD,
            maildir: new Maildir(join(dir, 'Maildir')),
            statePath: join(dir, 'pop3-state.json'),
          });
          downloaded = result.downloaded;
        }),
      );
      if (downloaded !== POP3_BENCH_MESSAGES) throw new Error(`tmail synced ${downloaded} of ${POP3_BENCH_MESSAGES} messages`);
      log(`  round ${round + 1}: tmail ${ms(tmail.at(-1)!)}, node-pop3 RETR loop ${ms(baseline.at(-1)!)}`);
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
  const t = summarize(tmail);
  const b = summarize(baseline);
  return { tmail: t, baseline: b, ratio: t.median / b.median, tmailRate: POP3_BENCH_MESSAGES / (t.median / 1000), baselineRate: POP3_BENCH_MESSAGES / (b.median / 1000) };
}

/** The lines run.ts prints for this section. */
export async function runPop3SyncSection(server: DovecotServer, log: (line: string) => void): Promise<void> {
  const r = await pop3SyncBench(server, log);
  log(`  tmail sync (RETR + Maildir fsync + state + DELE + QUIT): median ${ms(r.tmail.median)}, ${Math.round(r.tmailRate)} msg/s`);
  log(`  baseline (bare node-pop3 RETR loop):                     median ${ms(r.baseline.median)}, ${Math.round(r.baselineRate)} msg/s`);
  log(`  ratio tmail/baseline (medians): ${r.ratio.toFixed(2)} (goal <= 1.5)${r.ratio <= 1.5 ? '' : '  ** above goal **'}`);
}
