// A 1,000,000-message INBOX (BENCH_BIG_MESSAGES picks another size, 0 skips): the time until the
// newest message is on screen, cold (no header cache) and warm (the cache of the cold run), `G`
// to the oldest message, and tmail's peak RSS (VmHWM) against its heap cap. Its own Dovecot on
// tmpfs (vsz_limit raised in test/helpers/dovecot.ts); messages are small and written directly
// into cur/ (no new/ → cur/ renames), then indexed once by a login + SELECT before any timing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { startDovecot, type DovecotServer } from '../test/helpers/dovecot.js';
import { STORE_FILE, SummaryStore } from '../src/store/summary-store.js';
import { startTmux, type TmuxSession } from '../test/helpers/tmux.js';
import { uiBenchCanRun } from './ui-prereqs.js';

const ROOT = new URL('../', import.meta.url).pathname;
const COLS = 120;
const ROWS = 40;
export const BIG_MESSAGES = Number(process.env.BENCH_BIG_MESSAGES ?? 1_000_000);
/** Bytes per message on disk and in Dovecot's index, generously; the check below uses it. */
const BYTES_PER_MESSAGE = 1_200;
const TIMEOUT_MS = 15 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const subject = (i: number) => `Big inbox message ${String(i).padStart(7, '0')}`;

/** Writes `count` small messages into `maildir`/cur, oldest first (Dovecot orders by the time prefix). */
function writeMessages(maildir: string, count: number): void {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true, mode: 0o700 });
  const start = Date.UTC(2020, 0, 1) / 1000;
  for (let i = 0; i < count; i++) {
    const t = start + i * 60;
    const body =
      `From: Sender ${i % 997} <s${i % 997}@example.org>\r\nTo: alice@example.test\r\nSubject: ${subject(i)}\r\n` +
      `Date: ${new Date(t * 1000).toUTCString()}\r\nMessage-ID: <big-${i}@example.org>\r\n\r\nMessage ${i}.\r\n`;
    writeFileSync(path.join(maildir, 'cur', `${t}.B${i}.bench,S=${Buffer.byteLength(body)}:2,S`), body);
  }
}

function imapClient(server: DovecotServer, password: string): ImapFlow {
  const client = new ImapFlow({
    host: server.host,
    port: server.ports.imap,
    secure: false,
    doSTARTTLS: true,
    auth: { user: 'alice', pass: password },
    tls: { ca: readFileSync(server.caFile, 'utf8') },
    logger: false,
    socketTimeout: TIMEOUT_MS,
  } as ConstructorParameters<typeof ImapFlow>[0]);
  client.on('error', () => undefined);
  return client;
}

async function indexOnce(server: DovecotServer, password: string): Promise<number> {
  const client = imapClient(server, password);
  await client.connect();
  try {
    const box = await client.mailboxOpen('INBOX');
    return box.exists;
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/**
 * What the server alone costs a new session, measured with imapflow after tmail's runs: login,
 * SELECT, and FETCH of 50 envelopes it has not been asked for yet (Dovecot parses and caches them
 * on the first FETCH, with a cost that grows with the folder: not tmail's to cut). Seconds.
 */
async function serverCosts(server: DovecotServer, password: string, count: number): Promise<{ login: number; select: number; fetch: number }> {
  const client = imapClient(server, password);
  let t = performance.now();
  await client.connect();
  const login = (performance.now() - t) / 1000;
  try {
    t = performance.now();
    await client.mailboxOpen('INBOX');
    const select = (performance.now() - t) / 1000;
    const mid = Math.floor(count / 2);
    t = performance.now();
    await client.fetchAll(`${mid}:${mid + 49}`, { uid: true, flags: true, bodyStructure: true, envelope: true, internalDate: true, size: true });
    return { login, select, fetch: (performance.now() - t) / 1000 };
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** The pid of tmail's node process in the pane (the shell's child), or undefined. */
function tmailPid(tmux: TmuxSession): number | undefined {
  const shell = execFileSync('tmux', ['-L', tmux.socket, 'display-message', '-p', '-t', 'e2e', '#{pane_pid}'], { encoding: 'utf8' }).trim();
  const kids = execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
  return kids.length ? Number(kids[0]) : undefined;
}

function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface Run {
  firstScreen: number;
  oldest?: number;
  /** Seconds from the first screen until the header cache held the whole folder (cold run). */
  filled?: number;
  peakRssMb?: number;
}

/**
 * BENCH_PROFILE_DIR=DIR: each run writes CPU profiles (--cpu-prof, one per thread) into DIR/<run>
 * and the protocol trace (--trace) into DIR/<run>.trace, to see where the time goes and what the
 * server is asked.
 */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

function tmailCommand(config: string, run: string): string {
  if (!PROFILE_DIR) return `./bin/tmail.js --config ${config}`;
  mkdirSync(PROFILE_DIR, { recursive: true });
  return (
    `node --max-old-space-size=192 --cpu-prof --cpu-prof-dir=${path.join(PROFILE_DIR, run)} ` +
    `./bin/tmail.js --config ${config} --trace ${path.join(PROFILE_DIR, `${run}.trace`)}`
  );
}

/** Waits until the account's summary store marks INBOX complete; false after `timeoutMs`. */
async function cacheComplete(dataDir: string, timeoutMs: number): Promise<boolean> {
  const dir = path.join(dataDir, 'accounts', 'big');
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (existsSync(path.join(dir, STORE_FILE))) {
      const store = await SummaryStore.open(dir, 'imap');
      try {
        if (store.folder('INBOX')?.complete) return true;
      } finally {
        store.close();
      }
    }
    await sleep(500);
  }
  return false;
}

async function runTmail(
  label: string,
  config: string,
  dataDir: string,
  password: string,
  newest: string,
  oldest: string | undefined,
  waitForFill = false,
): Promise<Run> {
  const tmux = await startTmux({ cols: COLS, rows: ROWS, cwd: ROOT, env: { TMAIL_BENCH_PW: password, TMAIL_DATA_DIR: dataDir } });
  try {
    await tmux.type(`${tmailCommand(config, label)}; echo "EXIT=$?"`);
    await sleep(200);
    const started = performance.now();
    await tmux.keys('Enter');
    await tmux.waitFor((s) => s.some((l) => l.includes(newest)), 'the newest message', TIMEOUT_MS);
    const firstScreen = (performance.now() - started) / 1000;
    const run: Run = { firstScreen };
    if (oldest) {
      await sleep(1_000);
      const g = performance.now();
      await tmux.keys('G');
      await tmux.waitFor((s) => s.some((l) => l.includes(oldest)), 'the oldest message after G', TIMEOUT_MS);
      run.oldest = (performance.now() - g) / 1000;
    }
    // The cold run's header cache lists the folder's UIDs in the background: the warm run measures
    // a complete cache only if tmail is not quit before that is written.
    if (waitForFill) {
      const filled = await cacheComplete(dataDir, TIMEOUT_MS);
      if (filled) run.filled = (performance.now() - started) / 1000 - firstScreen;
    }
    run.peakRssMb = peakRssMb(tmailPid(tmux));
    await tmux.keys('q');
    await tmux.waitFor((s) => s.some((l) => l.includes('EXIT=')), 'tmail to quit', 30_000).catch(() => undefined);
    return run;
  } finally {
    await tmux.kill();
  }
}

export async function runMillionInboxSection(log: (line: string) => void): Promise<void> {
  const count = BIG_MESSAGES;
  if (!Number.isFinite(count) || count <= 0) return log('  skipped: BENCH_BIG_MESSAGES=0');
  if (!uiBenchCanRun(log)) return;
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const fs = statfsSync(base);
  const free = fs.bavail * fs.bsize;
  const need = count * BYTES_PER_MESSAGE * 2; // the files, Dovecot's index and cache
  if (free < need) {
    return log(
      `  skipped: ${(free / 2 ** 30).toFixed(1)} GB free in ${base}, ${(need / 2 ** 30).toFixed(1)} GB needed for ${count.toLocaleString('en')} messages (BENCH_BIG_MESSAGES picks a smaller INBOX)`,
    );
  }
  const server = await startDovecot({ baseDir: base });
  const work = await mkdtemp(path.join(base, 'tmail-bench-big-'));
  try {
    const password = server.users.find((u) => u.user === 'alice')!.password;
    let t = Date.now();
    writeMessages(server.maildir('alice'), count);
    await server.fixOwnership('alice');
    log(`  wrote ${count.toLocaleString('en')} messages in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    const exists = await indexOnce(server, password);
    log(`  Dovecot indexed them (first SELECT, ${exists.toLocaleString('en')} messages) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const config = path.join(work, 'tmail.json');
    await writeFile(
      config,
      JSON.stringify({
        accounts: [
          {
            name: 'big',
            protocol: 'imap',
            host: server.host,
            port: server.ports.imap,
            security: 'starttls',
            user: 'alice',
            passwordEnv: 'TMAIL_BENCH_PW',
            ca: server.caFile,
          },
        ],
      }),
      { mode: 0o600 },
    );
    const dataDir = path.join(work, 'data');
    const cold = await runTmail('cold', config, dataDir, password, subject(count - 1), subject(0), true);
    log(
      `  cold (no header cache): first screen ${cold.firstScreen.toFixed(2)} s, G to the oldest ${cold.oldest?.toFixed(2) ?? '?'} s, peak RSS ${cold.peakRssMb?.toFixed(0) ?? '?'} MB; header cache complete ${cold.filled === undefined ? 'never (timed out)' : `${cold.filled.toFixed(1)} s after the first screen`}`,
    );
    const warm = await runTmail('warm', config, dataDir, password, subject(count - 1), subject(0));
    log(
      `  warm (header cache):    first screen ${warm.firstScreen.toFixed(2)} s, G to the oldest ${warm.oldest?.toFixed(2) ?? '?'} s, peak RSS ${warm.peakRssMb?.toFixed(0) ?? '?'} MB`,
    );
    const costs = await serverCosts(server, password, count);
    log(
      `  the server alone (imapflow, a new session): login ${costs.login.toFixed(2)} s, SELECT ${costs.select.toFixed(2)} s, first FETCH of 50 envelopes not fetched before ${costs.fetch.toFixed(2)} s`,
    );
    const peak = Math.max(cold.peakRssMb ?? 0, warm.peakRssMb ?? 0);
    log(`  peak RSS ${peak.toFixed(0)} MB with the 192 MB heap cap (goal: under 250 MB)${peak < 250 ? '' : '  ** above goal **'}`);
  } finally {
    await rm(work, { recursive: true, force: true });
    await server.stop();
  }
}
