// TMAIL_KEY_LATENCY=FILE (for the bench, bench/key-latency.ts): measures inside tmail how long a
// key waits for its answer, apart from the terminal's and tmux's own delays. Per key: the time
// from the input being readable to the next write to the terminal (the frame that answers it).
// A key that arrives while the event loop is blocked waits in the kernel, unseen by that clock,
// so the longest stall of the event loop since the previous key is logged with each key: a key
// waits at most a stall plus its own time. All in ms:
// - per key: "key 12.3 stall 45.6 at 123456789 cpu 3.1 total 2345.6": its time, the longest
//   stall since the previous key, when its frame was written (µs on the monotonic clock, the
//   clock of --cpu-prof profiles), the UI thread's CPU time within the key's own time, and the
//   thread's CPU time so far (the bench subtracts two of those: the cost of loading a message);
// - per stall of the event loop over 40 ms: "blocked 61.2 at 123456789 cpu 12.0": its length,
//   its start, and how much of it the UI thread was running rather than waiting for a CPU (on a
//   loaded machine most of a stall can be the latter; the cpu figure is what an idle machine
//   would see);
// - at exit: "stall max 45.6 p99 12.0 mean 1.2" for the whole run.
// The cpu fields are left out where the thread's CPU time cannot be read (not Linux).
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { threadCpuClock } from './thread-cpu-clock.js';

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
  const cpu = threadCpuClock();
  const cpuField = (label: string, value: number | undefined) => (value === undefined || Number.isNaN(value) ? '' : ` ${label} ${value.toFixed(1)}`);
  let pending: { at: number; cpu: number | undefined } | undefined;
  const onReadable = () => {
    pending ??= { at: performance.now(), cpu: cpu?.now() };
  };
  stdin.prependListener('readable', onReadable);
  const micros = () => Number(process.hrtime.bigint() / 1000n);
  let lastTick = micros();
  let lastTickCpu = cpu?.now();
  const ticker = setInterval(() => {
    const now = micros();
    const nowCpu = cpu?.now();
    if (now - lastTick > 40_000) {
      const used = nowCpu !== undefined && lastTickCpu !== undefined ? nowCpu - lastTickCpu : undefined;
      append(`blocked ${((now - lastTick) / 1000).toFixed(1)} at ${lastTick}${cpuField('cpu', used)}`);
    }
    lastTick = now;
    lastTickCpu = nowCpu;
  }, 5);
  ticker.unref();
  const write = stdout.write;
  stdout.write = ((...args: never[]) => {
    if (pending !== undefined) {
      const total = cpu?.now();
      const used = total !== undefined && pending.cpu !== undefined ? total - pending.cpu : undefined;
      append(`key ${(performance.now() - pending.at).toFixed(1)} stall ${ms(sinceKey.max)} at ${micros()}${cpuField('cpu', used)}${cpuField('total', total)}`);
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
    cpu?.close();
    sinceKey.disable();
    stdin.off('readable', onReadable);
    stdout.write = write;
    append(`stall max ${ms(stalls.max)} p99 ${ms(stalls.percentile(99))} mean ${ms(stalls.mean)}`);
  };
}
