// TMAIL_KEY_LATENCY=FILE (for the bench, bench/key-latency.ts): measures inside tmail how long a
// key waits for its answer, apart from the terminal's and tmux's own delays. Per key: the time
// from the input being readable to the next write to the terminal (the frame that answers it).
// A key that arrives while the event loop is blocked waits in the kernel, unseen by that clock,
// so the longest stall of the event loop since the previous key is logged with each key: a key
// waits at most a stall plus its own time. One line per key ("key 12.3 stall 45.6"), and at exit
// "stall max 45.6 p99 12.0 mean 1.2" for the whole run (ms).
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

interface Input {
  prependListener(event: 'readable', listener: () => void): unknown;
  off(event: 'readable', listener: () => void): unknown;
}

interface Output {
  write: (...args: never[]) => boolean;
}

/** Starts the log when `file` is set; returns the function that writes the stall line and stops. */
export function startKeyLatencyLog(file: string | undefined, stdin: Input, stdout: Output): () => void {
  if (!file) return () => undefined;
  const append = (line: string) => {
    try {
      appendFileSync(file, `${line}\n`, { mode: 0o600 });
    } catch {
      // A measurement must never break the program.
    }
  };
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  const sinceKey = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  sinceKey.enable();
  // An empty histogram (no stall sampled yet) answers NaN.
  const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0).toFixed(1);
  let pending: number | undefined;
  const onReadable = () => {
    pending ??= performance.now();
  };
  stdin.prependListener('readable', onReadable);
  const write = stdout.write;
  stdout.write = ((...args: never[]) => {
    if (pending !== undefined) {
      append(`key ${(performance.now() - pending).toFixed(1)} stall ${ms(sinceKey.max)}`);
      sinceKey.reset();
      pending = undefined;
    }
    return write.apply(stdout, args);
  }) as Output['write'];
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    stalls.disable();
    sinceKey.disable();
    stdin.off('readable', onReadable);
    stdout.write = write;
    append(`stall max ${ms(stalls.max)} p99 ${ms(stalls.percentile(99))} mean ${ms(stalls.mean)}`);
  };
}
