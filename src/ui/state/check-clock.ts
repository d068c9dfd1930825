// Time for the periodic POP3 check (periodic-check.ts), replaceable in tests, and how a time is shown.

/** Time for the planner; tests pass a fake one (no waiting in unit tests). */
export interface CheckClock {
  now(): number;
  /** Runs `fn` after `ms`; returns a cancel function. */
  schedule(fn: () => void, ms: number): () => void;
}

export const SYSTEM_CLOCK: CheckClock = {
  now: () => Date.now(),
  schedule: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref(); // a planned check never keeps the process alive
    return () => clearTimeout(timer);
  },
};

/** Local wall-clock time, "14:05". */
export function clockText(at: Date | number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
