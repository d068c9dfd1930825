// Issue 6 bench: what the protocol trace costs. The UI always traces (the `t` view), which turns
// on imapflow's raw socket log; this measures ImapAccount connect + openFolder + a 500-message
// window + 20 raw downloads with and without a trace sink, interleaved in one run.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DovecotServer } from '../test/helpers/dovecot.js';
import type { AccountConfig } from '../src/config/types.js';
import { ImapAccount } from '../src/accounts/imap/imap-account.js';
import { TraceBuffer } from '../src/trace/buffer.js';
import { summarize, timed, ms, type Timing } from './stats.js';

const WINDOW = 500;
const DOWNLOADS = 20;

export interface TraceOverheadResult {
  traced: Timing;
  plain: Timing;
  ratio: number;
  minRatio: number;
  traceLines: number;
}

export async function traceOverhead(server: DovecotServer, rounds: number): Promise<TraceOverheadResult> {
  const config: AccountConfig = {
    name: 'bench',
    protocol: 'imap',
    host: server.host,
    port: server.ports.imap,
    security: 'starttls',
    user: 'alice',
    ca: server.caFile,
  };
  const password = server.users.find((u) => u.user === 'alice')!.password;
  const dataRoot = await mkdtemp(path.join(os.tmpdir(), 'tmail-bench-trace-'));
  let n = 0;
  let traceLines = 0;
  const round = async (traced: boolean): Promise<number> => {
    const trace = traced ? new TraceBuffer() : undefined;
    const account = new ImapAccount(config, { getPassword: async () => password, dataDir: path.join(dataRoot, `d${n++}`), ...(trace ? { trace } : {}) });
    const t = await timed(async () => {
      await account.connect();
      await account.openFolder('INBOX');
      const window = await account.fetchWindow('INBOX', 0, WINDOW);
      for (const m of window.slice(0, DOWNLOADS)) {
        for await (const chunk of await account.fetchRaw('INBOX', m.uid)) void chunk;
      }
    });
    await account.close();
    if (trace) traceLines = trace.added;
    return t;
  };
  try {
    for (let i = 0; i < 2; i++) {
      await round(true);
      await round(false);
    }
    const traced: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first so neither always runs on a warmer server.
      if (i % 2) {
        plain.push(await round(false));
        traced.push(await round(true));
      } else {
        traced.push(await round(true));
        plain.push(await round(false));
      }
    }
    const t = summarize(traced);
    const p = summarize(plain);
    return { traced: t, plain: p, ratio: t.median / p.median, minRatio: t.min / p.min, traceLines };
  } finally {
    await rm(dataRoot, { recursive: true, force: true });
  }
}

export async function runTraceOverheadSection(server: DovecotServer, rounds: number, log: (line: string) => void): Promise<void> {
  const r = await traceOverhead(server, rounds);
  log(`  with trace (UI default):  median ${ms(r.traced.median)}, min ${ms(r.traced.min)} (${r.traceLines} trace lines a round)`);
  log(`  without trace:            median ${ms(r.plain.median)}, min ${ms(r.plain.min)}`);
  log(`  ratio traced/plain (medians): ${r.ratio.toFixed(2)}; ratio of minimums ${r.minRatio.toFixed(2)}`);
}
