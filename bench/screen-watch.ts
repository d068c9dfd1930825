// Watches a private tmux session's screen without a poll loop: one control-mode client
// (`tmux -C`) is told of every write to the pane (%output) and only then asks for the screen
// (capture-pane on the same connection, no new process). A loop spawning `tmux capture-pane`
// every few ms kept one of this machine's two cores busy with process starts and slowed any
// client whose start-up needs the CPU: by hand, tmail's first frame was written ~450 ms after
// Enter alone and ~570-690 ms under such a loop. Every client is timed through the same watch.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ScreenWatch {
  /** Sends tmux key names (as `send-keys` does) and resolves once tmux has taken them. */
  keys(...names: string[]): Promise<void>;
  /**
   * Resolves with the first captured screen for which `pred` holds and when its capture
   * arrived (performance.now(): an upper bound on when it was drawn). Every write to the pane
   * is followed by a capture, so the screen's last state is always seen.
   */
  until(pred: (screen: string[]) => boolean, what: string, timeoutMs: number): Promise<{ at: number; screen: string[] }>;
  close(): void;
}

interface Pending {
  resolve(lines: string[]): void;
  reject(err: Error): void;
}

/** Attaches a control client to `session` on the private server `socket` (see test/helpers/tmux.ts). */
export function watchScreen(socket: string, session: string): ScreenWatch {
  // Outside any tmux the user may be in: the private server is named by -L alone.
  const env = { ...process.env };
  delete env.TMUX;
  const child: ChildProcessWithoutNullStreams = spawn('tmux', ['-L', socket, '-C', 'attach-session', '-t', session], { env, stdio: 'pipe' });
  const pending: Pending[] = [];
  let block: string[] | null = null;
  let blockIsOurs = false;
  let outputSeen = 0;
  let exited: Error | null = null;
  const wakers = new Set<() => void>();

  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (block) {
      // %end/%error close a command's block; the flags field is 1 for commands this client sent
      // (the attach itself is answered with 0).
      const close = /^%(end|error) \d+ \d+ (\d+)$/.exec(line);
      if (!close) {
        block.push(line);
        return;
      }
      const body = block;
      block = null;
      if (!blockIsOurs) return;
      const waiter = pending.shift();
      if (close[1] === 'end') waiter?.resolve(body);
      else waiter?.reject(new Error(`tmux: ${body.join(' ')}`));
      return;
    }
    const begin = /^%begin \d+ \d+ (\d+)$/.exec(line);
    if (begin) {
      block = [];
      blockIsOurs = (Number(begin[1]) & 1) === 1;
      return;
    }
    if (line.startsWith('%output ')) {
      outputSeen++;
      for (const wake of wakers) wake();
    }
  });
  child.on('exit', () => {
    exited = new Error('the tmux control client exited');
    for (const p of pending.splice(0)) p.reject(exited);
    for (const wake of wakers) wake();
  });
  child.stderr.resume();

  const command = (line: string) =>
    new Promise<string[]>((resolve, reject) => {
      if (exited) return reject(exited);
      pending.push({ resolve, reject });
      child.stdin.write(`${line}\n`);
    });
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

  return {
    async keys(...names) {
      await command(`send-keys -t ${quote(session)} ${names.map(quote).join(' ')}`);
    },
    async until(pred, what, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      let screen: string[] = [];
      for (;;) {
        const seenBefore = outputSeen;
        screen = await command(`capture-pane -p -t ${quote(session)}`);
        const at = performance.now();
        if (pred(screen)) return { at, screen };
        if (exited) throw exited;
        // Nothing written since that capture began: wait for the next write (or the deadline).
        if (outputSeen === seenBefore) {
          const left = deadline - performance.now();
          if (left <= 0) throw new Error(`timed out waiting for ${what}; screen:\n${screen.join('\n')}`);
          await new Promise<void>((resolve) => {
            const wake = () => {
              clearTimeout(timer);
              wakers.delete(wake);
              resolve();
            };
            const timer = setTimeout(wake, left);
            wakers.add(wake);
          });
        } else if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen.join('\n')}`);
      }
    },
    close() {
      child.stdin.end();
      child.kill();
    },
  };
}
