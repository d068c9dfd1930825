// Reads the lines tmail writes with TMAIL_KEY_LATENCY (src/ui/startup/key-latency-log.ts) and
// states the issue-18 goal from them: a key pressed while a message loads is answered within
// 100 ms. Such a key waits for the event loop (at most the longest stall) and then takes its own
// time to its frame, so the worst case is the longest stall plus the slowest key. On a loaded
// machine both are mostly time spent waiting for a CPU; the UI thread's own CPU time in them is
// what an idle machine would see, so the verdict gives both.

export interface KeyLine {
  ms: number;
  /** Frame written, µs on the monotonic clock (process.hrtime). */
  at: number;
  /** UI-thread CPU within the key's time; NaN when not logged. */
  cpu: number;
  /** UI-thread CPU so far. */
  total: number;
}

export interface BlockedLine {
  ms: number;
  /** Start, µs on the monotonic clock. */
  at: number;
  cpu: number;
}

export function parseLines(lines: string[]): { keys: KeyLine[]; blocked: BlockedLine[] } {
  const keys: KeyLine[] = [];
  const blocked: BlockedLine[] = [];
  for (const line of lines) {
    const field = (name: string) => {
      const m = new RegExp(`(?:^| )${name} (\\S+)`).exec(line);
      return m ? Number(m[1]) : Number.NaN;
    };
    if (line.startsWith('key ')) keys.push({ ms: field('key'), at: field('at'), cpu: field('cpu'), total: field('total') });
    else if (line.startsWith('blocked ')) blocked.push({ ms: field('blocked'), at: field('at'), cpu: field('cpu') });
  }
  return { keys, blocked };
}

/** Now on the monotonic clock tmail's log uses, in µs. */
export const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);

export interface Verdict {
  /** Longest stall and slowest key, wall clock. */
  wall: { stall: number; key: number };
  /** The same, UI-thread CPU only; undefined when the log has no cpu fields. */
  cpu: { stall: number; key: number } | undefined;
}

export function verdict(keys: KeyLine[], stalls: BlockedLine[]): Verdict {
  const hasCpu = keys.length > 0 && keys.every((k) => !Number.isNaN(k.cpu)) && stalls.every((s) => !Number.isNaN(s.cpu));
  return {
    wall: { stall: max(stalls.map((s) => s.ms)), key: max(keys.map((k) => k.ms)) },
    cpu: hasCpu ? { stall: max(stalls.map((s) => s.cpu)), key: max(keys.map((k) => k.cpu)) } : undefined,
  };
}

export const GOAL_MS = 100;

/** The verdict lines: what is compared with the goal, and whether it is met. */
export function verdictLines(v: Verdict, loadAverage: number, cores: number): string[] {
  const judged = (x: { stall: number; key: number }) => {
    const sum = x.stall + x.key;
    return `${x.stall.toFixed(1)} + ${x.key.toFixed(1)} = ${sum.toFixed(1)} ms${sum < GOAL_MS ? ' — met' : ' — ** above the goal **'}`;
  };
  return [
    `  goal (issue 18): a key pressed while a message loads is answered within ${GOAL_MS} ms; worst case = longest event-loop stall while loading (the key waits unread) + slowest key's own time (readable → frame):`,
    `    wall clock on this machine: ${judged(v.wall)}`,
    v.cpu
      ? `    UI-thread CPU time only (what an idle machine would see): ${judged(v.cpu)}`
      : '    UI-thread CPU time: not available (needs /proc/thread-self/schedstat)',
    `    machine load during the section: load average ${loadAverage.toFixed(1)} on ${cores} cores${loadAverage > cores ? ' — the wall figures are mostly waiting for a CPU' : ''}`,
  ];
}
