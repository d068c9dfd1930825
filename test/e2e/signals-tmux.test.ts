// Ways out of tmail other than `q`, while a 5 MB one-line message loads (the heaviest moment for
// the UI thread): Ctrl-C pressed in the terminal, SIGINT / SIGTERM / SIGHUP sent by pid (`kill`),
// and the terminal closing under it. Each ends every tmail process (the `node bin/tmail.js`
// launcher and the capped child it starts) and, where a terminal remains, gives it back: the
// alternate screen left, the cursor shown, the shell prompt answering. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { childPids, dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { aliceImapAccount } from '../helpers/e2e-account.js';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

// The issue asks for "within a second". Measured here from the signal to the last tmail process
// gone, on a machine shared by many test runs; a busy moment can hold the event loop (Ink drawing
// the reader, the raw message handed to the parse worker) and the scheduler adds its own delay.
// 3 s is beyond any stall seen under load (under 1 s) and still fails a process that ignores the
// signal and waits for its work to end (the original bug: minutes).
const EXIT_BOUND_MS = 3_000;
// Ctrl-C is a quit like `q`: the screen is given back at once, then tmail logs out politely and
// waits up to 2 s for the server's answer (src/ui/run.tsx) before the process ends.
const QUIT_BOUND_MS = EXIT_BOUND_MS + 2_000;

const BIG = [
  'From: Mallory <mallory@example.org>',
  'To: Alice <alice@example.test>',
  'Subject: S01 five MB on one line',
  'Date: Mon, 1 Jan 2029 10:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  '漢字かな交じり文'.repeat(220_000),
  '',
].join('\r\n');

async function writeMailbox(server: DovecotServer): Promise<void> {
  const maildir = server.maildir('alice');
  for (const d of ['cur', 'new', 'tmp']) await mkdir(join(maildir, d), { recursive: true });
  const raw = Buffer.from(BIG);
  const date = new Date(Date.UTC(2029, 0, 1, 12));
  const file = join(maildir, 'cur', `${Math.floor(date.getTime() / 1000)}.s1.tmailtest,S=${raw.length}:2,`);
  await writeFile(file, raw, { mode: 0o600 });
  await utimes(file, date, date);
  await server.fixOwnership('alice');
}

const has = (s: string[], text: string) => s.some((l) => l.includes(text));

async function paneState(tmux: TmuxSession): Promise<{ alternate: boolean; cursor: boolean }> {
  const { stdout } = await run('tmux', ['-L', tmux.socket, 'display-message', '-p', '-t', 'e2e', '#{alternate_on} #{cursor_flag}']);
  const [alt, cursor] = stdout.trim().split(' ');
  return { alternate: alt === '1', cursor: cursor === '1' };
}

/** The launcher (`node bin/tmail.js`, a child of the pane's shell) and the capped tmail it started. */
async function tmailPids(tmux: TmuxSession): Promise<{ launcher: number; all: number[] }> {
  const { stdout } = await run('tmux', ['-L', tmux.socket, 'list-panes', '-t', 'e2e', '-F', '#{pane_pid}']);
  const shell = Number(stdout.trim());
  for (let i = 0; i < 100; i++) {
    const launcher = childPids(shell).find((c) => c.comm.startsWith('node'));
    const child = launcher && childPids(launcher.pid).find((c) => c.comm.startsWith('node'));
    if (launcher && child) return { launcher: launcher.pid, all: [launcher.pid, child.pid] };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('tmail processes not found');
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Milliseconds from `since` until none of `pids` runs (a zombie counts as gone); throws after 30 s. */
async function goneAfter(pids: number[], since: number): Promise<number> {
  const zombie = (pid: number) => {
    try {
      return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true;
    }
  };
  while (pids.some((p) => alive(p) && !zombie(p))) {
    if (performance.now() - since > 30_000) throw new Error(`tmail still running 30 s after the signal: ${pids.filter(alive).join(' ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - since;
}

test('Ctrl-C, SIGINT, SIGTERM, SIGHUP and a closed terminal end tmail while a big message loads', {
  ...dovecotTestOptions(),
  ...tmuxTestOptions(),
  timeout: 600_000,
}, async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const server = await startDovecot({ baseDir: existsSync('/dev/shm') ? '/dev/shm' : undefined });
  const work = await mkdtemp(join(tmpdir(), 'tmail-signals-'));
  let tmux: TmuxSession | undefined;
  t.after(async () => {
    await tmux?.kill();
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });
  await writeMailbox(server);
  const config = join(work, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      accounts: [aliceImapAccount(server, { name: 'signals' })],
    }),
    { mode: 0o600 },
  );
  const newTerminal = async () => {
    await tmux?.kill();
    tmux = await startTmux({ cols: 100, rows: 30, cwd: ROOT, env: { TMAIL_E2E_PW: 'alice-pw', TMAIL_DATA_DIR: join(work, 'data') } });
  };
  /** Starts tmail, opens the big message; resolves once its reader shows (still loading, mostly). */
  const openBig = async () => {
    await tmux!.type(`clear; node bin/tmail.js --config ${config}; echo "EXIT=$?"`);
    await tmux!.keys('Enter');
    await tmux!.waitFor((x) => has(x, 'S01 five MB') && has(x, '1/1'), 'the message list', 60_000);
    const pids = await tmailPids(tmux!);
    await tmux!.keys('Enter');
    await tmux!.waitFor((x) => has(x, 'Loading message') || has(x, 'Subject: S01'), 'reader opened', 15_000);
    return pids;
  };
  const assertRestored = async (code: number, what: string) => {
    const s = await tmux!.waitFor((x) => has(x, `EXIT=${code}`), `tmail ended by ${what} with status ${code}`, 15_000);
    assert.ok(!has(s, 'Loading message') && !has(s, 'Subject: S01'), `the alternate screen is gone after ${what}`);
    const state = await paneState(tmux!);
    assert.equal(state.alternate, false, 'alternate screen left');
    assert.equal(state.cursor, true, 'cursor shown');
    // Cooked mode again: the shell reads a line and runs it.
    await tmux!.type('echo "SHELL-$((40+2))"');
    await tmux!.keys('Enter');
    await tmux!.waitFor((x) => has(x, 'SHELL-42'), 'the shell answers after tmail ended', 15_000);
  };
  await newTerminal();

  await t.test('Ctrl-C is a key: it closes an open overlay first, then quits like q', async (st) => {
    const pids = await openBig();
    await tmux!.keys('?');
    await tmux!.waitFor((x) => has(x, 'Keys (any other key closes'), 'help opens while the message loads', 15_000);
    await tmux!.keys('C-c');
    await tmux!.waitFor((x) => !has(x, 'Keys (any other key closes'), 'Ctrl-C closed the help', 15_000);
    assert.ok(pids.all.every(alive), 'tmail still runs after Ctrl-C closed the overlay');
    const since = performance.now();
    await tmux!.keys('C-c');
    const ms = await goneAfter(pids.all, since);
    st.diagnostic(`Ctrl-C: all tmail processes gone after ${ms.toFixed(0)} ms`);
    assert.ok(ms < QUIT_BOUND_MS, `Ctrl-C ended tmail in ${ms.toFixed(0)} ms (bound ${QUIT_BOUND_MS})`);
    await assertRestored(0, 'Ctrl-C');
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    await t.test(`${signal} by pid (kill -${signal.slice(3)}) ends tmail within ${EXIT_BOUND_MS} ms, terminal restored`, async (st) => {
      const pids = await openBig();
      const loading = has(await tmux!.capture(), 'Loading message');
      const since = performance.now();
      process.kill(pids.launcher, signal);
      const ms = await goneAfter(pids.all, since);
      st.diagnostic(`${signal}${loading ? ' (message still loading)' : ''}: all tmail processes gone after ${ms.toFixed(0)} ms`);
      assert.ok(ms < EXIT_BOUND_MS, `${signal} ended tmail in ${ms.toFixed(0)} ms (bound ${EXIT_BOUND_MS})`);
      await assertRestored(code, signal);
    });
  }

  await t.test(`a closed terminal ends every tmail process within ${EXIT_BOUND_MS} ms`, async (st) => {
    const pids = await openBig();
    const since = performance.now();
    // The whole tmux server goes: the pty is closed under tmail (hangup, then EIO on read).
    await tmux!.kill();
    tmux = undefined;
    const ms = await goneAfter(pids.all, since);
    st.diagnostic(`closed terminal: all tmail processes gone after ${ms.toFixed(0)} ms`);
    assert.ok(ms < EXIT_BOUND_MS, `closing the terminal ended tmail in ${ms.toFixed(0)} ms (bound ${EXIT_BOUND_MS})`);
  });
});
