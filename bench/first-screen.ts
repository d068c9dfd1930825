// Issue 13 bench: time from pressing Enter on the command line to the newest message of the 100k
// INBOX on screen, in a private tmux at 120x40: tmail warm (header cache from an earlier run),
// tmail cold (empty data dir), and aerc and NeoMutt when installed (a config in a temp HOME pointing
// at the same Dovecot over STARTTLS, certificate verified). Rounds are interleaved, the order
// rotating, so every client sees the same server and machine load; the figures and ratios printed
// come from this one run. The newest message is one appended here with a unique subject (so the
// section goes after those that count alice's INBOX). The screen is watched through a tmux control
// client that captures it after each write to the pane (bench/screen-watch.ts), not by a poll loop
// of new processes competing for the CPU with the client being timed. Needs `npm run build`.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import type { DovecotServer } from '../test/helpers/dovecot.js';
import { startTmux, type TmuxSession } from '../test/helpers/tmux.js';
import { watchScreen } from './screen-watch.js';
import { summarize } from './stats.js';
import { uiBenchCanRun } from './ui-prereqs.js';

const ROOT = new URL('../', import.meta.url).pathname;
const COLS = 120;
const ROWS = 40;
const TIMEOUT_MS = 120_000;

interface Client {
  name: string;
  /** Prepares a round (e.g. an empty data dir) and returns the command line and its environment. */
  prepare(): Promise<{ command: string; env: NodeJS.ProcessEnv }>;
  /** How to leave politely (tmail saves its cache on the way out); others are just killed. */
  quitKeys?: string[];
}

export interface FirstScreenResult {
  seconds: Map<string, number[]>;
  /** Warm rounds in which the newest row was on screen while the login was still under way. */
  warmFromCache: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function appendMark(server: DovecotServer, password: string, mark: string): Promise<void> {
  const client = new ImapFlow({
    host: server.host,
    port: server.ports.imap,
    secure: false,
    doSTARTTLS: true,
    auth: { user: 'alice', pass: password },
    tls: { ca: await readFile(server.caFile, 'utf8') },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const raw = `From: Bench <bench@example.org>\r\nTo: alice@example.test\r\nSubject: ${mark}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${mark}@example.org>\r\n\r\nThe newest message.\r\n`;
    await client.append('INBOX', raw);
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** Runs one client once: seconds from Enter to the mark on screen (and the screen at that moment). */
async function measure(client: Client, mark: string): Promise<{ seconds: number; screen: string[] }> {
  const { command, env } = await client.prepare();
  const tmux: TmuxSession = await startTmux({ cols: COLS, rows: ROWS, cwd: ROOT, env });
  const watch = watchScreen(tmux.socket, 'e2e');
  try {
    await tmux.type(command);
    await sleep(200); // the shell has echoed the line; the clock starts at Enter
    const started = performance.now();
    await watch.keys('Enter');
    const seen = await watch.until((s) => s.some((l) => l.includes(mark)), `${client.name} to show the newest message`, TIMEOUT_MS);
    const seconds = (seen.at - started) / 1000;
    if (client.quitKeys) {
      await tmux.keys(...client.quitKeys);
      await tmux.waitFor((s) => s.some((l) => l.includes('EXIT=')), `${client.name} to quit`, 15_000).catch(() => undefined);
    }
    return { seconds, screen: seen.screen };
  } finally {
    watch.close();
    await tmux.kill();
  }
}

export async function firstScreenBench(server: DovecotServer, rounds: number, log: (line: string) => void): Promise<FirstScreenResult | null> {
  if (!uiBenchCanRun(log)) return null;
  const password = server.users.find((u) => u.user === 'alice')!.password;
  const mark = `First screen mark ${process.pid}${Date.now() % 100000}`;
  await appendMark(server, password, mark);
  const work = await mkdtemp(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'tmail-bench-first-'));
  try {
    const config = path.join(work, 'tmail.json');
    await writeFile(
      config,
      JSON.stringify({
        accounts: [
          {
            name: 'bench',
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
    const warmDir = path.join(work, 'warm-data');
    let coldRound = 0;
    // BENCH_TMAIL=PATH: another build's bin/tmail.js, for A/B runs of two trees.
    const bin = process.env.BENCH_TMAIL ?? './bin/tmail.js';
    const tmail = (name: string, dataDir: () => Promise<string>): Client => ({
      name,
      quitKeys: ['q'],
      prepare: async () => ({
        command: `${bin} --config ${config}; echo "EXIT=$?"`,
        env: { TMAIL_BENCH_PW: password, TMAIL_DATA_DIR: await dataDir() },
      }),
    });
    const clients: Client[] = [
      tmail('tmail warm', async () => warmDir),
      tmail('tmail cold', async () => {
        const dir = path.join(work, `cold-${coldRound++}`);
        await rm(dir, { recursive: true, force: true });
        return dir;
      }),
    ];
    const aerc = ['/usr/bin/aerc', '/usr/local/bin/aerc'].find((p) => existsSync(p));
    if (aerc) {
      const home = path.join(work, 'aerc-home');
      const dir = path.join(home, '.config', 'aerc');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(
        path.join(dir, 'accounts.conf'),
        `[alice]\nsource = imap://alice:${encodeURIComponent(password)}@${server.host}:${server.ports.imap}\noutgoing = /bin/true\ndefault = INBOX\nfrom = alice <alice@example.test>\n`,
        { mode: 0o600 },
      );
      await writeFile(path.join(dir, 'aerc.conf'), '', { mode: 0o600 });
      await writeFile(path.join(dir, 'binds.conf'), '', { mode: 0o600 });
      // aerc (Go) verifies the server certificate against SSL_CERT_FILE; imap:// is STARTTLS.
      clients.push({
        name: 'aerc',
        prepare: async () => ({ command: `exec ${aerc}`, env: { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), SSL_CERT_FILE: server.caFile } }),
      });
    } else log('  aerc is not installed: no aerc figures');
    const neomutt = ['/usr/bin/neomutt', '/usr/local/bin/neomutt'].find((p) => existsSync(p));
    if (neomutt) {
      const home = path.join(work, 'neomutt-home');
      await mkdir(home, { recursive: true, mode: 0o700 });
      const muttrc = path.join(home, 'muttrc');
      await writeFile(
        muttrc,
        [
          `set folder="imap://alice@${server.host}:${server.ports.imap}/"`,
          `set imap_pass="${password}"`,
          'set spoolfile="+INBOX"',
          'set ssl_starttls=yes',
          'set ssl_force_tls=yes',
          `set ssl_ca_certificates_file="${server.caFile}"`,
          `set certificate_file="${path.join(home, 'certificates')}"`,
          'set mail_check_stats=no',
          // Newest first, as tmail and aerc show it; no header cache (none of the others has one here).
          'set sort=reverse-date',
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      await chmod(home, 0o700);
      clients.push({ name: 'NeoMutt', prepare: async () => ({ command: `exec ${neomutt} -n -F ${muttrc}`, env: { HOME: home } }) });
    } else log('  NeoMutt is not installed: no NeoMutt figures');

    // The warm data dir: one full run, then time for the header cache to list the folder's UIDs.
    const prime = await startTmux({ cols: COLS, rows: ROWS, cwd: ROOT, env: { TMAIL_BENCH_PW: password, TMAIL_DATA_DIR: warmDir } });
    try {
      await prime.type(`${bin} --config ${config}; echo "EXIT=$?"`);
      await prime.keys('Enter');
      await prime.waitFor((s) => s.some((l) => l.includes(mark)), 'tmail to show the newest message (priming the cache)', TIMEOUT_MS);
      await sleep(8_000);
      await prime.keys('q');
      await prime.waitFor((s) => s.some((l) => l.includes('EXIT=')), 'tmail to quit', 15_000);
    } finally {
      await prime.kill();
    }

    const seconds = new Map<string, number[]>(clients.map((c) => [c.name, []]));
    let warmFromCache = 0;
    for (let round = 0; round < rounds; round++) {
      const parts: string[] = [];
      for (let k = 0; k < clients.length; k++) {
        const client = clients[(round + k) % clients.length]!;
        const r = await measure(client, mark);
        seconds.get(client.name)!.push(r.seconds);
        // The warm screen counts as "from the cache" when the login was still under way in it.
        if (client.name === 'tmail warm' && r.screen.some((l) => /connecting/.test(l))) warmFromCache++;
        parts.push(`${client.name} ${r.seconds.toFixed(2)} s`);
      }
      log(`  round ${round + 1}: ${parts.join(', ')}`);
    }
    return { seconds, warmFromCache };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function printFirstScreen(r: FirstScreenResult | null, rounds: number, log: (line: string) => void): void {
  if (!r) return;
  const median = (name: string) => {
    const s = r.seconds.get(name);
    return s && s.length ? summarize(s).median : undefined;
  };
  for (const [name, s] of r.seconds) log(`  ${name.padEnd(11)} median ${summarize(s).median.toFixed(2)} s, min ${summarize(s).min.toFixed(2)} s`);
  log(`  tmail warm: newest row drawn from the header cache while the login was under way in ${r.warmFromCache}/${rounds} rounds`);
  const aerc = median('aerc');
  const warm = median('tmail warm')!;
  const cold = median('tmail cold')!;
  if (aerc) {
    log(`  ratio tmail warm/aerc (medians): ${(warm / aerc).toFixed(2)} (goal <= 0.5)${warm / aerc <= 0.5 ? '' : '  ** above goal **'}`);
    log(`  ratio tmail cold/aerc (medians): ${(cold / aerc).toFixed(2)} (goal <= 0.9)${cold / aerc <= 0.9 ? '' : '  ** above goal **'}`);
  }
  const neomutt = median('NeoMutt');
  if (neomutt) log(`  ratio tmail warm/NeoMutt ${(warm / neomutt).toFixed(2)}, tmail cold/NeoMutt ${(cold / neomutt).toFixed(2)}`);
}
