// Keys answered while a big message loads: the time from a key sent to tmux until the screen
// shows its effect, with a message loading in the reader (5 MB of CJK on one line, the shape that
// once froze tmail for minutes; 4.8 MB of unclosed HTML tags; a 1 MB header name), beside the
// same keys on an idle list. The clock runs in this process and the screen is read through a tmux
// control client after each write to the pane (bench/screen-watch.ts), so those figures include
// one capture's delay (a millisecond or two idle, more on a loaded machine). tmail also measures itself (TMAIL_KEY_LATENCY, see
// src/ui/startup/key-latency-log.ts): from its input being readable to the frame that answers,
// every stall of its event loop over 40 ms (what a key could wait before being read), and the UI
// thread's CPU time in both; key-latency-lines.ts turns that into the verdict.
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { startDovecot } from '../test/helpers/dovecot.js';
import { generateMaildir } from '../test/helpers/maildir-generator.js';
import { startTmux } from '../test/helpers/tmux.js';
import { type BlockedLine, type KeyLine, monotonicMicros, parseLines, verdict, verdictLines } from './key-latency-lines.js';
import { type ScreenWatch, watchScreen } from './screen-watch.js';
import { summarize } from './stats.js';
import { uiBenchCanRun } from './ui-prereqs.js';

const ROOT = new URL('../', import.meta.url).pathname;
const ROUNDS = Number(process.env.BENCH_KEY_ROUNDS ?? 5);
const HELP = 'Keys (any other key closes';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const has = (s: string[], text: string) => s.some((l) => l.includes(text));

/** Seconds from sending `keys` until `done(screen)` holds. */
async function timeKeys(watch: ScreenWatch, keys: string[], done: (s: string[]) => boolean, what: string): Promise<number> {
  const started = performance.now();
  await watch.keys(...keys);
  const seen = await watch.until(done, `the screen change for ${what}`, 60_000);
  return (seen.at - started) / 1000;
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
    // The shapes of issue 18, newest first in the list (row 1, 2, 3): each about 5 MB or one huge header.
    const shapes = [
      { name: '5.0 MB of CJK text on one line', subject: `${mark} CJK`, type: 'text/plain', body: '漢字かな交じり文'.repeat(208_000) },
      { name: '4.8 MB of HTML, 300,000 unclosed tags', subject: `${mark} HTML`, type: 'text/html', body: `<p>START</p>${'<b><i><u><span>'.repeat(300_000)}` },
      { name: 'a 1 MB header name', subject: `${mark} header`, type: 'text/plain', body: 'BODY-AFTER-HUGE-HEADER', extra: `X-${'N'.repeat(1_000_000)}: v\r\n` },
    ];
    const now = Date.now();
    const raws = shapes.map(
      (m, i) =>
        `${m.extra ?? ''}From: Big <big@example.org>\r\nTo: alice@example.test\r\nSubject: ${m.subject}\r\nDate: ${new Date(now - i * 60_000).toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: ${m.type}; charset=utf-8\r\n\r\n${m.body}\r\n`,
    );
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
    // Oldest first, so arrival order and date order agree.
    for (const raw of [...raws].reverse()) await client.append('INBOX', raw);
    await client.logout().catch(() => undefined);

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
    const watch = watchScreen(tmux.socket, 'e2e');
    // The lines tmail logged since the last call.
    let seen = 0;
    const logged = async (): Promise<string[]> => {
      const lines = (await readFile(keyLog, 'utf8').catch(() => '')).split('\n').filter(Boolean);
      const fresh = lines.slice(seen);
      seen = lines.length;
      return fresh;
    };
    const loadBefore = os.loadavg()[0]!;
    const allKeysLoading: KeyLine[] = [];
    const allStallsLoading: BlockedLine[] = [];
    try {
      // BENCH_PROFILE_DIR=DIR: tmail writes CPU profiles into DIR/keys (one per thread: the UI's
      // and the parse worker's), to see what blocks.
      const profile = process.env.BENCH_PROFILE_DIR;
      // BENCH_TMAIL=PATH: another build's bin/tmail.js, for A/B runs of two trees.
      const bin = process.env.BENCH_TMAIL ?? './bin/tmail.js';
      const command = profile ? `node --max-old-space-size=192 --cpu-prof --cpu-prof-dir=${path.join(profile, 'keys')} ${bin}` : bin;
      await tmux.type(`${command} --config ${config}; echo "EXIT=$?"`);
      await tmux.keys('Enter');
      await tmux.waitFor((s) => has(s, mark), 'the message list', 120_000);
      await sleep(1_000);
      for (const [row, shape] of shapes.entries()) {
        const idle: number[] = [];
        const loading: number[] = [];
        const insideIdle: KeyLine[] = [];
        const keysLoading: KeyLine[] = [];
        const stallsLoading: BlockedLine[] = [];
        const loadCpu: number[] = [];
        let loadedInTime = 0;
        for (let round = 0; round < ROUNDS; round++) {
          // On the idle list: help opens, and closes.
          await logged();
          idle.push(await timeKeys(watch, ['?'], (s) => has(s, HELP), 'help on the list'));
          idle.push(await timeKeys(watch, ['Escape'], (s) => !has(s, HELP), 'closing help on the list'));
          insideIdle.push(...parseLines(await logged()).keys);
          // To the message's row, then Enter alone: the log from here on is the load's. `j k` move
          // the cursor for sure: a key that draws nothing (g on the top row) would stay pending in
          // tmail's log and make Enter look as slow as the time since it.
          await tmux.keys('g', 'j', 'k', ...Array.from({ length: row }, () => 'j'));
          await sleep(300);
          await logged();
          const opened = monotonicMicros();
          await tmux.keys('Enter');
          await sleep(50);
          const stillLoading = has(await tmux.capture(), 'Loading message');
          loading.push(await timeKeys(watch, ['?'], (s) => has(s, HELP), 'help while loading'));
          loading.push(await timeKeys(watch, ['Escape'], (s) => !has(s, HELP), 'closing help while loading'));
          await tmux.waitFor((s) => !has(s, 'Loading message') && has(s, shape.subject), 'the message to load', 120_000);
          const shown = monotonicMicros();
          await sleep(200); // a stall logs its line at the next tick after it
          const during = parseLines(await logged());
          await tmux.keys('h');
          await tmux.waitFor((s) => has(s, mark) && !has(s, 'Loading message'), 'back to the list', 30_000);
          await sleep(300);
          // Enter, and the keys pressed while loading (when it still was).
          keysLoading.push(...(stillLoading ? during.keys.filter((k) => k.at <= shown) : during.keys.slice(0, 1)));
          stallsLoading.push(...during.blocked.filter((b) => b.at >= opened && b.at <= shown));
          if (stillLoading) loadedInTime++;
          const first = during.keys[0];
          const last = during.keys.at(-1);
          if (first && last && first !== last) loadCpu.push(last.total - first.total + first.cpu);
        }
        allKeysLoading.push(...keysLoading);
        allStallsLoading.push(...stallsLoading);
        const i = { ...summarize(idle.map((s) => s * 1000)), max: Math.max(...idle) * 1000 };
        const l = { ...summarize(loading.map((s) => s * 1000)), max: Math.max(...loading) * 1000 };
        const inside = (xs: KeyLine[]) =>
          xs.length
            ? `median ${summarize(xs.map((k) => k.ms)).median.toFixed(1)} ms, max ${Math.max(...xs.map((k) => k.ms)).toFixed(1)} ms (UI CPU max ${Math.max(...xs.map((k) => k.cpu)).toFixed(1)} ms; ${xs.length} keys)`
            : 'no keys logged';
        const v = verdict(keysLoading, stallsLoading);
        log(`  ${shape.name} (${ROUNDS} rounds; still loading at the first key in ${loadedInTime}/${ROUNDS}):`);
        log(
          `    screen watch: idle list median ${i.median.toFixed(0)} ms, max ${i.max.toFixed(0)} ms; while loading median ${l.median.toFixed(0)} ms, max ${l.max.toFixed(0)} ms`,
        );
        log(`    inside tmail, keys (Enter and those while loading): ${inside(keysLoading)}; on the idle list: ${inside(insideIdle)}`);
        log(
          `    event-loop stalls over 40 ms from Enter to the message shown: ${stallsLoading.length}${stallsLoading.length ? `, longest ${v.wall.stall.toFixed(1)} ms wall${v.cpu ? `; most UI-thread CPU in one stall ${v.cpu.stall.toFixed(1)} ms` : ''}` : ''}`,
        );
        if (loadCpu.length) log(`    UI-thread CPU from Enter to the message shown and its frame: median ${summarize(loadCpu).median.toFixed(0)} ms`);
      }
      await tmux.keys('q');
      await tmux.waitFor((s) => has(s, 'EXIT='), 'tmail to quit', 30_000).catch(() => undefined);
      const stall = (await logged()).find((line) => line.startsWith('stall '));
      log(`  event-loop stalls over the whole run (start-up included): ${stall ? stall.replace(/^stall /, '').replace(/ (p99|mean) /g, ' ms, $1 ') : '?'} ms`);
      const load = (loadBefore + os.loadavg()[0]!) / 2;
      for (const line of verdictLines(verdict(allKeysLoading, allStallsLoading), load, os.cpus().length)) log(line);
    } finally {
      watch.close();
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
