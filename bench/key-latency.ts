// Keys answered while a big message loads: the time from a key sent to tmux until the screen
// shows its effect, with a 5 MB message (one CJK line, the shape that once froze tmail for
// minutes) loading in the reader, beside the same keys on an idle list. The clock runs in this
// process and the screen is read with `tmux capture-pane` in a loop, so the figures include one
// capture's delay (a few ms idle, more on a loaded machine): compare the two rows, not the
// absolute numbers with a terminal's. tmail also measures itself (TMAIL_KEY_LATENCY, see
// src/ui/startup/key-latency-log.ts): from its input being readable to the frame that answers,
// and the longest stall of its event loop, which is what a key could wait before being read.
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { startDovecot } from '../test/helpers/dovecot.js';
import { generateMaildir } from '../test/helpers/maildir-generator.js';
import { startTmux, type TmuxSession } from '../test/helpers/tmux.js';
import { summarize } from './stats.js';
import { uiBenchCanRun } from './ui-prereqs.js';

const ROOT = new URL('../', import.meta.url).pathname;
const ROUNDS = Number(process.env.BENCH_KEY_ROUNDS ?? 5);
const HELP = 'Keys (any other key closes';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const has = (s: string[], text: string) => s.some((l) => l.includes(text));

/** Seconds from sending `keys` until `done(screen)` holds. */
async function timeKeys(tmux: TmuxSession, keys: string[], done: (s: string[]) => boolean, what: string): Promise<number> {
  const started = performance.now();
  await tmux.keys(...keys);
  for (;;) {
    if (done(await tmux.capture())) return (performance.now() - started) / 1000;
    if (performance.now() - started > 60_000) throw new Error(`no screen change for ${what} within 60 s`);
  }
}

export async function runKeyLatencySection(log: (line: string) => void): Promise<void> {
  if (!uiBenchCanRun(log)) return;
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const server = await startDovecot({ baseDir: base });
  const work = await mkdtemp(path.join(base, 'tmail-bench-keys-'));
  try {
    await generateMaildir(server.maildir('alice'), { count: 1_000, seed: 3 });
    await server.fixOwnership('alice');
    const password = server.users.find((u) => u.user === 'alice')!.password;
    const mark = `Key latency ${process.pid}`;
    const body = '漢字かな交じり文'.repeat(220_000); // 5.3 MB of UTF-8 on one line
    const raw = `From: Big <big@example.org>\r\nTo: alice@example.test\r\nSubject: ${mark}\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
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
    await client.append('INBOX', raw);
    await client.logout().catch(() => undefined);
    log(`  message: ${(Buffer.byteLength(raw) / 2 ** 20).toFixed(1)} MB, one line of CJK text`);

    const config = path.join(work, 'tmail.json');
    await writeFile(
      config,
      JSON.stringify({
        accounts: [
          {
            name: 'keys',
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
    const keyLog = path.join(work, 'key-latency.log');
    const tmux = await startTmux({
      cols: 100,
      rows: 30,
      cwd: ROOT,
      env: { TMAIL_BENCH_PW: password, TMAIL_DATA_DIR: path.join(work, 'data'), TMAIL_KEY_LATENCY: keyLog },
    });
    // The lines tmail logged since the last call.
    let seen = 0;
    const logged = async (): Promise<string[]> => {
      const lines = (await readFile(keyLog, 'utf8').catch(() => '')).split('\n').filter(Boolean);
      const fresh = lines.slice(seen);
      seen = lines.length;
      return fresh;
    };
    // "key 12.3 stall 45.6": the key's own time, the longest event-loop stall since the last key.
    const keyField = (lines: string[], field: 1 | 3) => lines.flatMap((l) => (l.startsWith('key ') ? [Number(l.split(' ')[field])] : []));
    const keyTimes = (lines: string[]) => keyField(lines, 1);
    const insideIdle: number[] = [];
    const insideLoading: number[] = [];
    const stallsLoading: number[] = [];
    try {
      // BENCH_PROFILE_DIR=DIR: tmail writes CPU profiles into DIR/keys (one per thread: the UI's
      // and the parse worker's), to see what blocks.
      const profile = process.env.BENCH_PROFILE_DIR;
      const command = profile ? `node --max-old-space-size=192 --cpu-prof --cpu-prof-dir=${path.join(profile, 'keys')} ./bin/tmail.js` : './bin/tmail.js';
      await tmux.type(`${command} --config ${config}; echo "EXIT=$?"`);
      await tmux.keys('Enter');
      await tmux.waitFor((s) => has(s, mark), 'the message list', 120_000);
      await sleep(1_000);
      const idle: number[] = [];
      const loading: number[] = [];
      let loadedInTime = 0;
      for (let round = 0; round < ROUNDS; round++) {
        // On the idle list: help opens, and closes.
        await logged();
        idle.push(await timeKeys(tmux, ['?'], (s) => has(s, HELP), 'help on the list'));
        idle.push(await timeKeys(tmux, ['Escape'], (s) => !has(s, HELP), 'closing help on the list'));
        insideIdle.push(...keyTimes(await logged()));
        // The reader opens the big message; while it loads, the same keys.
        await tmux.keys('g', 'Enter');
        await sleep(50);
        const stillLoading = has(await tmux.capture(), 'Loading message');
        await logged();
        loading.push(await timeKeys(tmux, ['?'], (s) => has(s, HELP), 'help while loading'));
        loading.push(await timeKeys(tmux, ['Escape'], (s) => !has(s, HELP), 'closing help while loading'));
        const lines = await logged();
        if (stillLoading) {
          insideLoading.push(...keyTimes(lines));
          stallsLoading.push(...keyField(lines, 3));
        }
        if (stillLoading) loadedInTime++;
        await tmux.waitFor((s) => !has(s, 'Loading message'), 'the message to load', 120_000);
        await tmux.keys('h');
        await tmux.waitFor((s) => has(s, mark) && !has(s, 'Loading message'), 'back to the list', 30_000);
        await sleep(300);
      }
      const i = { ...summarize(idle.map((s) => s * 1000)), max: Math.max(...idle) * 1000 };
      const l = { ...summarize(loading.map((s) => s * 1000)), max: Math.max(...loading) * 1000 };
      log(`  idle list:              median ${i.median.toFixed(0)} ms, max ${i.max.toFixed(0)} ms (${idle.length} keys)`);
      log(
        `  while the message loads: median ${l.median.toFixed(0)} ms, max ${l.max.toFixed(0)} ms (${loading.length} keys; still loading at the key in ${loadedInTime}/${ROUNDS} rounds)`,
      );
      await tmux.keys('q');
      await tmux.waitFor((s) => has(s, 'EXIT='), 'tmail to quit', 30_000).catch(() => undefined);
      const stall = (await logged()).find((line) => line.startsWith('stall '));
      const inside = (xs: number[]) =>
        xs.length ? `median ${summarize(xs).median.toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} keys)` : 'no keys logged';
      log(`  inside tmail (input readable → answering frame written): idle ${inside(insideIdle)}; while loading ${inside(insideLoading)}`);
      log(
        `  event-loop stalls in tmail while the message loads: ${stallsLoading.length ? `longest ${Math.max(...stallsLoading).toFixed(1)} ms` : 'none logged'}`,
      );
      log(`  event-loop stalls over the whole run (start-up included): ${stall ? stall.replace(/^stall /, '').replace(/ (p99|mean) /g, ' ms, $1 ') : '?'} ms`);
      const worst = Math.max(0, ...insideLoading.map((t, i) => t + (stallsLoading[i] ?? 0)));
      log(
        `  goal: keys answered within 100 ms while a message loads${worst <= 100 && insideLoading.length > 0 ? ' (met inside tmail, stall included; the tmux figures add capture delay and machine load)' : `  ** above goal inside tmail: worst key + stall ${worst.toFixed(0)} ms **`}`,
      );
    } finally {
      await tmux.kill();
      // With the profiles goes tmail's own log: its "blocked … at" lines date each stall on the
      // profiles' clock.
      if (process.env.BENCH_PROFILE_DIR) await copyFile(keyLog, path.join(process.env.BENCH_PROFILE_DIR, 'keys', 'key-latency.log')).catch(() => undefined);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
    await server.stop();
  }
}
