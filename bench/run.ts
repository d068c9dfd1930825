// `npm run bench`: starts a private Dovecot on tmpfs with a 100k-message INBOX, runs each bench
// section against it and prints the figures. Later issues add sections (POP3 sync, warm cache)
// to SECTIONS. Always stops the Dovecot it started.
import type { DovecotServer } from '../test/helpers/dovecot.js';
import { startBenchServer } from './mail-server.js';
import { imapFirstWindow } from './imap-first-window.js';
import { POP3_BENCH_MESSAGES, runPop3SyncSection } from './pop3-sync.js';
import { imapCacheBench } from './imap-cache.js';
import { printScroll, uiScrollBench } from './ui-scroll.js';
import { runTraceOverheadSection } from './trace-overhead.js';
import { runThreadSortSection } from './imap-thread-sort.js';
import { firstScreenBench, printFirstScreen } from './first-screen.js';
import { mb, ms } from './stats.js';
import { bytesPerKeyBench, printBytesPerKey } from './bytes-per-key.js';
import { BIG_MESSAGES, runMillionInboxSection } from './million-inbox.js';
import { runKeyLatencySection } from './key-latency.js';
import { runTriageBulkSection } from './triage-bulk.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const FIRST_SCREEN_ROUNDS = Number(process.env.BENCH_FIRST_SCREEN_ROUNDS ?? 5);
const log = (line: string) => process.stdout.write(line + '\n');

interface Section {
  title: string;
  run: (server: DovecotServer) => Promise<void>;
  /** Starts a server of its own: the shared 100k one is not needed for it. */
  ownServer?: boolean;
}

const SECTIONS: Section[] = [
  {
    title: `IMAP: time to first window (50 newest of 100,000), ${ROUNDS} interleaved rounds`,
    run: async (server) => {
      const r = await imapFirstWindow(server, ROUNDS, log);
      log(`  tmail (ImapAccount connect+openFolder+fetchWindow): median ${ms(r.tmail.median)}, min ${ms(r.tmail.min)}`);
      log(`  baseline (imapflow login+SELECT+FETCH):            median ${ms(r.baseline.median)}, min ${ms(r.baseline.min)}`);
      log(
        `  ratio tmail/baseline (medians): ${r.ratio.toFixed(2)} (goal <= 1.2)${r.ratio <= 1.2 ? '' : '  ** above goal **'}; ratio of minimums ${r.minRatio.toFixed(2)}`,
      );
    },
  },
  {
    // After the POP3 section would also do; it changes alice's INBOX (100 new, 1,000 flagged).
    title: `IMAP: header cache — warm vs cold open, resync after 100 new + 1,000 flag changes, ${ROUNDS} interleaved rounds`,
    run: async (server) => {
      const r = await imapCacheBench(server, ROUNDS, log);
      log(`  cold open (no cache):                          median ${ms(r.cold.median)}, min ${ms(r.cold.min)}`);
      log(`  warm open, first screen from the cache:        median ${ms(r.warm.median)}, min ${ms(r.warm.min)}`);
      log(`  warm open, confirmed by the server (login+SELECT): median ${ms(r.warmOnline.median)}, min ${ms(r.warmOnline.min)}`);
      log(
        `  ratio warm first screen/cold (medians): ${r.warmRatio.toFixed(2)} (goal <= 0.5)${r.warmRatio <= 0.5 ? '' : '  ** above goal **'}; warm confirmed/cold ${r.warmOnlineRatio.toFixed(2)}`,
      );
      log(`  resync fetched ${r.fetched} changes (expected exactly 1100)`);
      log(`  tmail resync:           median ${ms(r.resync.median)}, min ${ms(r.resync.min)}`);
      log(`  bare CONDSTORE fetch:   median ${ms(r.bare.median)}, min ${ms(r.bare.min)}`);
      log(`  ratio tmail/bare (medians): ${r.resyncRatio.toFixed(2)} (goal <= 2)${r.resyncRatio <= 2 ? '' : '  ** above goal **'}`);
    },
  },
  {
    title: `IMAP: first window in thread / date / sender / subject order (server THREAD and SORT) vs threading locally, ${ROUNDS} rounds`,
    run: (server) => runThreadSortSection(server, ROUNDS, log),
  },
  {
    // Leaves the INBOX as it found it (it undoes its flag change).
    title: 'Triage: tag about 10,000 messages by query and mark them read in the 100,000-message INBOX (IMAP commands per action, keys answered meanwhile)',
    run: (server) => runTriageBulkSection(server, log),
  },
  {
    title: 'UI: bin/tmail.js in tmux (100x30), PgDn from top to bottom of the 100k INBOX (needs npm run build)',
    run: async (server) => printScroll(await uiScrollBench(server, log), log),
  },
  {
    title: `POP3: sync of ${POP3_BENCH_MESSAGES.toLocaleString('en')} messages`,
    run: (server) => runPop3SyncSection(server, log),
  },
  {
    title: `Trace: cost of the protocol trace (connect + 500-message window + 20 downloads), ${ROUNDS} interleaved rounds`,
    run: (server) => runTraceOverheadSection(server, ROUNDS, log),
  },
  {
    // Near the end: it appends the newest message to alice's INBOX.
    title: `First screen: newest message of the 100k INBOX on screen (tmux 120x40), tmail warm/cold vs aerc and NeoMutt, ${FIRST_SCREEN_ROUNDS} interleaved rounds (needs npm run build)`,
    run: async (server) => printFirstScreen(await firstScreenBench(server, FIRST_SCREEN_ROUNDS, log), FIRST_SCREEN_ROUNDS, log),
  },
  {
    // Last: it adds a long newest message to INBOX and an Archive folder.
    title: 'UI: bytes per key written to the terminal (list step, reader page, folder switch), tmail beside aerc and NeoMutt',
    run: async (server) => printBytesPerKey(await bytesPerKeyBench(server, log), log),
  },
  {
    title:
      'UI: key latency while a big message loads in the reader (5 MB one-line CJK, 4.8 MB unclosed HTML, 1 MB header name), beside an idle list (needs npm run build)',
    run: () => runKeyLatencySection(log),
    ownServer: true,
  },
  {
    title: `Scale: a ${BIG_MESSAGES.toLocaleString('en')}-message INBOX in tmux (first screen cold/warm, G to the oldest, peak RSS; BENCH_BIG_MESSAGES=N or 0; needs npm run build)`,
    run: () => runMillionInboxSection(log),
    ownServer: true,
  },
];

async function main(): Promise<number> {
  let server: DovecotServer | undefined;
  try {
    // BENCH_ONLY=words runs just the sections whose title contains one of them, split by "|"
    // (e.g. BENCH_ONLY=UI, or BENCH_ONLY="first screen: newest|pop3: sync").
    const only = process.env.BENCH_ONLY?.toLowerCase().split('|').filter(Boolean);
    const sections = only ? SECTIONS.filter((s) => only.some((w) => s.title.toLowerCase().includes(w))) : SECTIONS;
    if (sections.some((s) => !s.ownServer)) server = await startBenchServer(log);
    for (const section of sections) {
      log(`\n${section.title}`);
      await section.run(server as DovecotServer);
    }
    const mem = process.memoryUsage();
    log(`\nprocess RSS ${mb(mem.rss)} (heap used ${mb(mem.heapUsed)})`);
    return 0;
  } catch (err) {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await server?.stop();
  }
}

process.exitCode = await main();
