// Issue 8 bench: the real UI (bin/tmail.js, needs `npm run build`) in a private tmux against the
// 100k INBOX, scrolled from top to bottom with PgDn in bursts of keys. Every key must be answered:
// after each burst the status line must show exactly the position the keys lead to (a dropped or
// merged key would show another one). Peak RSS of the UI process comes from /proc (VmHWM).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DovecotServer } from '../test/helpers/dovecot.js';
import { startTmux, type TmuxSession } from '../test/helpers/tmux.js';
import { mb } from './stats.js';
import { uiBenchCanRun } from './ui-prereqs.js';

const ROOT = new URL('../', import.meta.url).pathname;
const BURST = 100;
const RSS_GOAL = 250 * 1024 * 1024;

export interface ScrollResult {
  keys: number;
  total: number;
  pageSize: number;
  seconds: number;
  peakRss: number;
}

function position(screen: string[]): { at: number; total: number } | undefined {
  for (const line of screen) {
    const m = /INBOX │ (\d+)\/(\d+)/.exec(line);
    if (m) return { at: Number(m[1]), total: Number(m[2]) };
  }
  return undefined;
}

async function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

export async function uiScrollBench(server: DovecotServer, log: (line: string) => void): Promise<ScrollResult | null> {
  if (!uiBenchCanRun(log)) return null;
  const work = await mkdtemp(path.join(os.tmpdir(), 'tmail-bench-ui-'));
  let tmux: TmuxSession | undefined;
  try {
    const config = path.join(work, 'config.json');
    const password = server.users.find((u) => u.user === 'alice')!.password;
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
    tmux = await startTmux({
      cols: 100,
      rows: 30,
      cwd: ROOT,
      env: {
        TMAIL_BENCH_PW: password,
        TMAIL_DATA_DIR: path.join(work, 'data'),
        ...(process.env.BENCH_UI_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_UI_NODE_OPTIONS } : {}),
      },
    });
    // exec: the pane's process is tmail itself, so its /proc entry is the UI process. Started
    // through its shebang, as the installed `tmail` command is (that is where its V8 flags live).
    await tmux.type(`exec ./bin/tmail.js --config ${config}`);
    await tmux.keys('Enter');
    const { execFileSync } = await import('node:child_process');
    const pid = Number(execFileSync('tmux', ['-L', tmux.socket, 'display-message', '-p', '-t', 'e2e', '#{pane_pid}']).toString().trim());

    let screen = await tmux.waitFor((s) => (position(s)?.total ?? 0) > 0 && position(s)?.at === 1, 'the INBOX', 60_000);
    const total = position(screen)!.total;
    log(`  RSS with the first screen: ${mb(await procStatus(pid, 'VmRSS'))}`);
    await new Promise((r) => setTimeout(r, 4_000));
    log(`  RSS 4 s later (header cache filled in the background): ${mb(await procStatus(pid, 'VmRSS'))}, peak ${mb(await procStatus(pid, 'VmHWM'))}`);
    await tmux.keys('NPage');
    screen = await tmux.waitFor((s) => (position(s)?.at ?? 1) > 1, 'one page down');
    const pageSize = position(screen)!.at - 1;
    let expected = 1 + pageSize;
    let keys = 1;
    let maxRss = await procStatus(pid, 'VmRSS');
    const started = Date.now();
    while (expected < total) {
      const burst = Math.min(BURST, Math.ceil((total - expected) / pageSize));
      await tmux.keys(...Array.from({ length: burst }, () => 'NPage'));
      keys += burst;
      expected = Math.min(total, expected + burst * pageSize);
      const want = expected;
      await tmux.waitFor((s) => position(s)?.at === want, `position ${want} after ${keys} PgDn (no key dropped)`, 60_000);
      const rss = await procStatus(pid, 'VmRSS');
      maxRss = Math.max(maxRss, rss);
      if (keys % 2_000 < burst) log(`  after ${keys} keys (position ${want}): RSS ${mb(rss)}, peak so far ${mb(await procStatus(pid, 'VmHWM'))}`);
    }
    // The last page must show real rows, not placeholders still waiting for the server.
    await tmux.waitFor((s) => !s.some((l) => /║\s+…\s+/.test(l)), 'the last page loaded', 60_000);
    log(`  at the bottom: RSS ${mb(await procStatus(pid, 'VmRSS'))}, peak so far ${mb(await procStatus(pid, 'VmHWM'))}`);
    // And back to the top in one key.
    await tmux.keys('g');
    await tmux.waitFor((s) => position(s)?.at === 1, 'back at the top');
    log(`  back at the top: RSS ${mb(await procStatus(pid, 'VmRSS'))}, peak so far ${mb(await procStatus(pid, 'VmHWM'))}`);
    const seconds = (Date.now() - started) / 1000;
    const peakRss = Math.max(maxRss, await procStatus(pid, 'VmHWM'));
    await tmux.keys('q');
    return { keys: keys + 1, total, pageSize, seconds, peakRss };
  } finally {
    await tmux?.kill();
    await rm(work, { recursive: true, force: true });
  }
}

export function printScroll(r: ScrollResult | null, log: (line: string) => void): void {
  if (!r) return;
  log(
    `  ${r.keys} keys (PgDn × ${r.keys - 1} of ${r.pageSize} rows, then g) through ${r.total.toLocaleString('en')} messages: every key answered, ${r.seconds.toFixed(1)} s (${((r.seconds * 1000) / r.keys).toFixed(1)} ms a key incl. tmux round trips)`,
  );
  log(`  peak RSS of the UI process (VmHWM): ${mb(r.peakRss)} (goal < ${mb(RSS_GOAL)})${r.peakRss < RSS_GOAL ? '' : '  ** above goal **'}`);
}
