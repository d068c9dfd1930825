// Drives a real terminal for end-to-end tests: a private tmux server (its own -L socket, so the
// user's tmux is never touched) running a shell; tests type into it and read the screen back.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
let counter = 0;

export function tmuxAvailable(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** For node:test: skip when tmux is missing locally, fail in CI. */
export function tmuxTestOptions(): { skip?: string } {
  if (tmuxAvailable()) return {};
  const what = 'tmux is not installed: apt-get install tmux';
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`CI: ${what}`);
  return { skip: what };
}

export interface TmuxSession {
  socket: string;
  /** Types literal text (no key names are interpreted). */
  type(text: string): Promise<void>;
  /** Sends tmux key names: 'Enter', 'Escape', 'C-d', 'NPage', 'Tab', 'j'… */
  keys(...names: string[]): Promise<void>;
  /** The visible screen as plain text, one string per row. */
  capture(): Promise<string[]>;
  resize(cols: number, rows: number): Promise<void>;
  size(): Promise<{ cols: number; rows: number }>;
  /** Polls the screen until `pred` holds; the error shows the last screen. */
  waitFor(pred: (screen: string[]) => boolean, what: string, timeoutMs?: number): Promise<string[]>;
  /** Kills this private tmux server and everything in it. */
  kill(): Promise<void>;
}

export async function startTmux(opts: { cols: number; rows: number; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<TmuxSession> {
  const socket = `tmail-e2e-${process.pid}-${++counter}`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, TERM: 'xterm-256color' };
  delete env.TMUX;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], { env, cwd: opts.cwd });
  // -f /dev/null: no user config; a plain shell so that quitting the app shows a prompt again.
  await run(
    'tmux',
    ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'e2e', '-x', String(opts.cols), '-y', String(opts.rows), 'bash --noprofile --norc'],
    { env, cwd: opts.cwd },
  );
  // A manual window size lets tests resize a detached session.
  await tmux('set-option', '-g', 'window-size', 'manual');
  await tmux('set-option', '-g', 'status', 'off');
  await tmux('resize-window', '-t', 'e2e', '-x', String(opts.cols), '-y', String(opts.rows));

  const session: TmuxSession = {
    socket,
    async type(text) {
      await tmux('send-keys', '-t', 'e2e', '-l', text);
    },
    async keys(...names) {
      for (const n of names) await tmux('send-keys', '-t', 'e2e', n);
    },
    async capture() {
      const { stdout } = await tmux('capture-pane', '-p', '-t', 'e2e');
      return stdout.replace(/\n$/, '').split('\n');
    },
    async resize(cols, rows) {
      await tmux('resize-window', '-t', 'e2e', '-x', String(cols), '-y', String(rows));
    },
    async size() {
      const { stdout } = await tmux('display-message', '-p', '-t', 'e2e', '#{window_width} #{window_height}');
      const [cols, rows] = stdout.trim().split(' ').map(Number);
      return { cols: cols!, rows: rows! };
    },
    async waitFor(pred, what, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      let screen: string[] = [];
      for (;;) {
        screen = await session.capture();
        if (pred(screen)) return screen;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${screen.join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async kill() {
      await tmux('kill-server').catch(() => undefined);
    },
  };
  return session;
}
