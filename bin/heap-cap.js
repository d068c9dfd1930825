// One memory cap however tmail is started. `tmail` and `npx tmail` run bin/tmail.js through its
// shebang, which passes --max-old-space-size; `node bin/tmail.js` (or any node with its own flags)
// does not, and would run with V8's default heap of several GB. Then tmail starts itself again
// as a child with the cap and passes the terminal, signals and exit status through.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

/** What the shebang passes; see the comment in bin/tmail.js. */
export const HEAP_CAP_MB = 192;
/** Set in the child: it never starts another one, even if the flag did not lower the limit. */
const CHILD_MARK = 'TMAIL_HEAP_CAPPED';
// heap_size_limit = old space (the flag) + young generation: 240 MB on Node 20 and 384 MB on
// Node 24 with the cap; 2 GB and more without it (the default depends on the machine's memory).
const CAPPED_LIMIT_BYTES = (HEAP_CAP_MB + 256) * 2 ** 20;
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

// Print a line and exit, allocating nothing: not worth a second node start (~0.05 s).
const PRINT_ONLY = /^(-V|--version|-h|--help)$/;

/** True when this process must start a capped child instead of running tmail itself. */
export function needsRelaunch(argv = process.argv.slice(2), env = process.env, limit = getHeapStatistics().heap_size_limit) {
  if (env[CHILD_MARK] === '1') {
    // Child processes tmail starts (the editor, a password command) must not inherit the mark.
    delete env[CHILD_MARK];
    // The launcher restores the terminal after a crash: no terminal sentinel (src/ui/terminal-sentinel.ts).
    globalThis[Symbol.for('tmail.underLauncher')] = true;
    return false;
  }
  if (argv.length > 0 && argv.every((a) => PRINT_ONLY.test(a))) return false;
  return limit > CAPPED_LIMIT_BYTES;
}

/**
 * Runs `script` again in a child node with the cap and ends this process the way the child
 * ended. The child shares the terminal (stdio inherited, same process group), so keys, raw mode,
 * window size changes and Ctrl-C from the terminal reach it directly; signals sent to this
 * process by pid (kill, a closing terminal, a process manager) are passed on.
 */
export function relaunch(script) {
  const args = [...process.execArgv, `--max-old-space-size=${HEAP_CAP_MB}`, script, ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, [CHILD_MARK]: '1' } });
  const forward = (signal) => {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  // Ctrl-Z at a prompt stops both (the terminal signals the whole process group); a SIGTSTP sent
  // to this process alone must stop tmail too, and a SIGCONT continue it.
  const suspend = () => {
    forward('SIGTSTP');
    // A process group with no parent in its session (a CI runner, a daemon) is "orphaned": the
    // kernel drops a SIGTSTP whose default action is to stop. tmail's UI handles SIGTSTP itself;
    // anything else (a CLI prompt) would keep running, so it is stopped outright.
    if (!stoppedSoon(child.pid)) forward('SIGSTOP');
    process.kill(process.pid, 'SIGSTOP');
  };
  const resume = () => forward('SIGCONT');
  process.on('SIGTSTP', suspend);
  process.on('SIGCONT', resume);
  child.on('error', (err) => {
    process.stderr.write(`tmail: could not start node with the memory cap: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    // Killed by a signal it could not handle (SIGKILL, or SIGABRT when V8 runs out of memory):
    // tmail had no chance to give the terminal back, so this process does it.
    restoreTerminal();
    // Die of the same signal, so a shell sees 130 for Ctrl-C, 143 for SIGTERM and so on.
    for (const s of FORWARDED) process.off(s, forward);
    process.off('SIGTSTP', suspend);
    process.off('SIGCONT', resume);
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(1), 1000).unref();
  });
}

/** Leaves the alternate screen, shows the cursor, turns autowrap and cooked mode back on. */
function restoreTerminal() {
  try {
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    if (process.stdout.isTTY) process.stdout.write('\u001b[m\u001b[?7h\u001b[?25h\u001b[?1049l');
  } catch {
    // the terminal is gone
  }
}

/**
 * True when process `pid` is stopped within ~300 ms (Linux: /proc/PID/stat), or when that cannot
 * be told. Also true when this process was itself stopped meanwhile (a gap in the clock: the
 * child stopped the whole group, and after `fg` it must not be stopped again).
 */
function stoppedSoon(pid) {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let last = Date.now();
  for (let i = 0; i < 30; i++) {
    let state;
    try {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
    } catch {
      return true;
    }
    if (state === 'T' || state === 't') return true;
    Atomics.wait(pause, 0, 0, 10);
    const now = Date.now();
    if (now - last > 200) return true;
    last = now;
  }
  return false;
}
