// Opening a file with the program the system has for its type: a mailcap entry (RFC 1524, see
// mailcap.ts) else the desktop's opener (xdg-open; `open` on macOS). planOpen() decides, runOpen()
// runs: a `needsterminal` program (less, w3m, mutt-style viewers) runs in the foreground with the
// terminal — the UI must give up the screen first and take it back after — while GUI programs
// are started detached, so tmail keeps answering keys.
import { spawn } from 'node:child_process';
import { expandCommand, findEntry, loadMailcap, type MailcapEntry } from './mailcap.js';

export interface OpenPlan {
  /** Program and arguments (a mailcap command runs as `sh -c COMMAND`). */
  argv: [string, ...string[]];
  /** The program needs the terminal: suspend the UI, run in the foreground, wait. */
  needsTerminal: boolean;
  /** What chose the program, for the status line. */
  via: 'mailcap' | 'system opener';
  /** The mailcap entry used, if any (e.g. for its nametemplate). */
  entry?: MailcapEntry;
}

export interface PlanOptions {
  /** Mailcap entries to use (default: read from $MAILCAPS or ~/.mailcap, /etc/mailcap). */
  entries?: readonly MailcapEntry[];
  platform?: NodeJS.Platform;
  runTest?: (command: string) => boolean;
}

export function planOpen(file: string, contentType: string, options: PlanOptions = {}): OpenPlan {
  const entries = options.entries ?? loadMailcap();
  const entry = findEntry(entries, contentType, file, { interactive: true, ...(options.runTest ? { runTest: options.runTest } : {}) });
  if (entry) {
    const { command, usesFile } = expandCommand(entry.command, file, contentType);
    // Without %s the program reads the data on stdin (RFC 1524).
    const shell = usesFile ? command : `${command} < ${expandCommand('%s', file, contentType).command}`;
    return { argv: ['sh', '-c', shell], needsTerminal: entry.needsTerminal, via: 'mailcap', entry };
  }
  const opener = (options.platform ?? process.platform) === 'darwin' ? 'open' : 'xdg-open';
  return { argv: [opener, file], needsTerminal: false, via: 'system opener' };
}

export interface OpenResult {
  /** Foreground runs: the exit code (null when killed by a signal). Detached runs: undefined. */
  exitCode?: number | null;
  /** Set when the program could not be started (e.g. no xdg-open): a sentence for the status line. */
  error?: string;
}

/** Runs a plan: in the foreground with the terminal (needsTerminal), else detached. */
export function runOpen(plan: OpenPlan): Promise<OpenResult> {
  const [cmd, ...args] = plan.argv;
  return new Promise((resolve) => {
    const child = plan.needsTerminal ? spawn(cmd, args, { stdio: 'inherit' }) : spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.once('error', (err: NodeJS.ErrnoException) => {
      resolve({ error: err.code === 'ENOENT' ? `${cmd} is not installed; set up a mailcap entry for this type` : `could not start ${cmd}: ${err.message}` });
    });
    if (plan.needsTerminal) {
      child.once('exit', (code) => resolve({ exitCode: code }));
    } else {
      child.once('spawn', () => {
        child.unref();
        resolve({});
      });
    }
  });
}

/** A link from extractUrls() (already checked to be http, https or mailto), to the desktop's opener. */
export function planOpenUrl(url: string, platform: NodeJS.Platform = process.platform): OpenPlan {
  return { argv: [platform === 'darwin' ? 'open' : 'xdg-open', url], needsTerminal: false, via: 'system opener' };
}
