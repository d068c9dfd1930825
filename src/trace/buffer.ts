// Bounded in-memory trace: a ring buffer of the newest entries, so a session that runs for days
// (IDLE, polling) never grows. Listeners (the trace pane, a --trace file) hear every entry.
import { sanitizeLine } from '../text/sanitize.js';
import { ownString } from '../text/own-string.js';
import type { TraceEntry, TraceSink } from './types.js';

export const DEFAULT_TRACE_CAPACITY = 2000;
/** One line never holds more than this: a hostile server cannot fill memory through one line. */
export const MAX_TRACE_LINE = 400;

export type TraceListener = (entry: TraceEntry) => void;

export class TraceBuffer implements TraceSink {
  private readonly ring: TraceEntry[] = [];
  private start = 0;
  private readonly listeners = new Set<TraceListener>();
  /** Entries ever added; lets a view tell "new lines arrived" without comparing arrays. */
  added = 0;

  constructor(readonly capacity = DEFAULT_TRACE_CAPACITY) {
    if (capacity < 1) throw new RangeError('trace capacity must be at least 1');
  }

  add(input: Omit<TraceEntry, 'time'> & { time?: number }): void {
    // Sanitized here, once: the text reaches a terminal (pane) and files people `cat`.
    let text = sanitizeLine(input.text);
    if (text.length > MAX_TRACE_LINE) text = `${text.slice(0, MAX_TRACE_LINE)}… (${text.length} chars)`;
    // The ring holds 2,000 lines for the whole session: each must not pin the wire line it came from.
    text = ownString(text);
    const entry: TraceEntry = { time: input.time ?? Date.now(), account: sanitizeLine(input.account), protocol: input.protocol, dir: input.dir, text };
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else {
      this.ring[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
    this.added++;
    for (const l of this.listeners) {
      try {
        l(entry);
      } catch {
        // A failing listener (a full disk under --trace) must not break the connection that traced.
      }
    }
  }

  /** Oldest first; optionally only one account's lines. */
  entries(account?: string): TraceEntry[] {
    const all = this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
    return account === undefined ? all : all.filter((e) => e.account === account);
  }

  get size(): number {
    return this.ring.length;
  }

  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `12:03:04.567 C: A1 SELECT INBOX` — the one format used by the pane and by files. */
export function formatTraceEntry(e: TraceEntry, withAccount = false): string {
  const d = new Date(e.time);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const who = withAccount ? `[${e.account}] ` : '';
  const dir = e.dir === '-' ? '--' : `${e.dir}:`;
  return `${time} ${who}${dir} ${e.text}`;
}
