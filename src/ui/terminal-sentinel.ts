// The terminal's last line of defence when tmail runs without its launcher (started through the
// shebang: `tmail`, `npx tmail`). A V8 fatal error in the main thread (out of memory) runs no
// JavaScript, so nothing in this process can leave the full screen. A tiny shell process started
// beside it can: it saves the terminal's settings (stty -g) before raw mode, waits for tmail's
// process to disappear, and if tmail did not dismiss it first (a normal end), puts the settings
// back, leaves the alternate screen, shows the cursor and says what happened. Cost: one /bin/sh
// start, asynchronous and overlapped with the login (not a second node start like the launcher),
// and a sleep per second.
import { spawn, type ChildProcess } from 'node:child_process';

/** Set by bin/heap-cap.js in a process it started: the launcher restores the terminal itself. */
const LAUNCHED = Symbol.for('tmail.underLauncher');

// $1: tmail's pid. The settings are read first, then "ready" tells tmail it may switch to raw
// mode; the terminal is written through stderr (stdout is the pipe to tmail).
const SCRIPT = [
  'saved=$(stty -g 2>/dev/null)',
  'echo ready',
  // Dismissed (a normal end): leave quietly. `exec sleep` is not used: the trap must run.
  "trap 'exit 0' TERM",
  'while kill -0 "$1" 2>/dev/null; do sleep 1 & wait $!; done',
  '[ -n "$saved" ] && stty "$saved" 2>/dev/null',
  "printf '\\033[m\\033[?7h\\033[?25h\\033[?1049l' >&2",
  "printf 'tmail: stopped unexpectedly (out of memory or killed); the terminal was restored.\\n' >&2",
].join('\n');

/** How long the UI waits for the sentinel to have read the settings before going on without. */
const READY_WAIT_MS = 2_000;

export interface Sentinel {
  /** Settles once the sentinel has read the terminal's settings: switch to raw mode after it. */
  ready: Promise<void>;
  /** tmail ends normally: the sentinel leaves without touching the terminal. */
  dismiss(): void;
}

/**
 * Starts the sentinel for this process, or returns undefined when one is not needed (a launcher
 * parent does the job, or stdin is not a terminal) or cannot be started.
 */
export function startSentinel(stdin: NodeJS.ReadStream = process.stdin, options: { force?: boolean } = {}): Sentinel | undefined {
  const launched = (globalThis as Record<symbol, unknown>)[LAUNCHED] === true;
  if (!options.force && (launched || !stdin.isTTY)) return undefined;
  let child: ChildProcess;
  try {
    // Same process group and terminal: stty works on it, and Ctrl-Z stops it with tmail. Started
    // early and not waited for: it reads the settings while tmail logs in.
    child = spawn('/bin/sh', ['-c', SCRIPT, 'tmail-terminal-sentinel', String(process.pid)], { stdio: ['inherit', 'pipe', 'inherit'] });
  } catch {
    return undefined;
  }
  const ready = new Promise<void>((resolve) => {
    // Both keep the process alive until the answer (or the time limit), then let go.
    const done = () => {
      clearTimeout(timer);
      (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
      resolve();
    };
    const timer = setTimeout(done, READY_WAIT_MS);
    child.stdout?.once('data', done);
    child.once('exit', done);
    child.once('error', done);
  });
  child.on('error', () => undefined);
  child.unref();
  let dismissed = false;
  const dismiss = () => {
    if (dismissed) return;
    dismissed = true;
    try {
      child.kill('SIGTERM');
    } catch {
      // already gone
    }
  };
  // Any ending that runs JavaScript (q, a signal handled by terminal-guard.ts, process.exit)
  // restores the terminal itself.
  process.once('exit', dismiss);
  return { ready, dismiss };
}
