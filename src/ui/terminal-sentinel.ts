// The terminal's last line of defence when tmail runs without its launcher (started through the
// shebang: `tmail`, `npx tmail`). A V8 fatal error in the main thread (out of memory) runs no
// JavaScript, so nothing in this process can leave the full screen. A tiny shell process started
// beside it can: it saves the terminal's settings (stty -g) before raw mode, waits for tmail's
// process to disappear, and if tmail did not dismiss it first (a normal end), puts the settings
// back, leaves the alternate screen, shows the cursor and says what happened. Cost: an stty and a
// /bin/sh start (a few ms, not a second node start like the launcher) and a sleep per second.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

/** Set by bin/heap-cap.js in a process it started: the launcher restores the terminal itself. */
const LAUNCHED = Symbol.for('tmail.underLauncher');

// $1: tmail's pid, $2: the terminal's settings (stty -g) from before raw mode.
const SCRIPT = [
  'saved="$2"',
  // Dismissed (a normal end): leave quietly. `exec sleep` is not used: the trap must run.
  "trap 'exit 0' TERM",
  'while kill -0 "$1" 2>/dev/null; do sleep 1 & wait $!; done',
  '[ -n "$saved" ] && stty "$saved" 2>/dev/null',
  "printf '\\033[m\\033[?7h\\033[?25h\\033[?1049l'",
  "printf 'tmail: stopped unexpectedly (out of memory or killed); the terminal was restored.\\n' >&2",
].join('\n');

export interface Sentinel {
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
    // Read now, synchronously: the shell would race with the UI switching to raw mode.
    const saved = execFileSync('stty', ['-g'], { stdio: ['inherit', 'pipe', 'ignore'], encoding: 'utf8', timeout: 2_000 }).trim();
    // Same process group and terminal: stty works on it, and Ctrl-Z stops it with tmail.
    child = spawn('/bin/sh', ['-c', SCRIPT, 'tmail-terminal-sentinel', String(process.pid), saved], { stdio: ['inherit', 'inherit', 'inherit'] });
  } catch {
    return undefined;
  }
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
  return { dismiss };
}
