// The CPU time this thread has run, in ms, from Linux's /proc/thread-self/schedstat (its first
// field: nanoseconds on a CPU). On a loaded machine a wall-clock stall of the event loop is
// mostly time spent waiting for a CPU; this tells how much of it was tmail's own work, which is
// what an idle machine would see. Reading it costs a few µs (one pread on a kept descriptor).
// Undefined where there is no such file (not Linux).
import { closeSync, openSync, readSync } from 'node:fs';

export interface ThreadCpuClock {
  /** CPU ms this thread has run so far. */
  now(): number;
  close(): void;
}

export function threadCpuClock(): ThreadCpuClock | undefined {
  let fd: number;
  try {
    // Opened on the thread it measures: thread-self resolves to that thread for the descriptor's life.
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(96);
  return {
    now() {
      try {
        const n = readSync(fd, buf, 0, buf.length, 0);
        const space = buf.indexOf(0x20);
        return Number(buf.toString('latin1', 0, space > 0 && space < n ? space : n)) / 1e6;
      } catch {
        return Number.NaN;
      }
    },
    close() {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    },
  };
}
