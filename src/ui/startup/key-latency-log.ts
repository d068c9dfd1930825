// TMAIL_KEY_LATENCY=FILE (for the bench, bench/key-latency.ts): measures inside tmail how long a
// key waits for its answer, apart from the terminal's and tmux's own delays. Per key: the time
// from the input being readable to the next write to the terminal (the frame that answers it).
// A key that arrives while the event loop is blocked waits in the kernel, unseen by that clock,
// so the longest stall of the event loop since the previous key is logged with each key: a key
// waits at most a stall plus its own time. One line per key ("key 12.3 stall 45.6"), and at exit
// "stall max 45.6 p99 12.0 mean 1.2" for the whole run (ms). Each stall over 40 ms also gets a
// line "blocked 61.2 at 123456789" (its start on the monotonic clock in µs, the clock of
// --cpu-prof profiles), to find in a CPU profile what blocked.
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
  const micros = () => Number(process.hrtime.bigint() / 1000n);
  let lastTick = micros();
  const ticker = setInterval(() => {
    const now = micros();
    if (now - lastTick > 40_000) append(`blocked ${((now - lastTick) / 1000).toFixed(1)} at ${lastTick}`);
    lastTick = now;
  }, 5);
  ticker.unref();
  const write = stdout.write;
  stdout.write = ((...args: never[]) => {
    if (pending !== undefined) {
      append(`key ${(performance.now() - pending).toFixed(1)} stall ${ms(sinceKey.max)} at ${micros()}`);
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
    clearInterval(ticker);
    sinceKey.disable();
    stdin.off('readable', onReadable);
    stdout.write = write;
    append(`stall max ${ms(stalls.max)} p99 ${ms(stalls.percentile(99))} mean ${ms(stalls.mean)}`);
  };
}
