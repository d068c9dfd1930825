// One line of a protocol conversation as the trace pane and --trace files show it. Entries are
// already redacted and summarised when they are created (see redact.ts / imap-wire.ts): nothing
// downstream ever sees a password or a message body.

/** C = client to server, S = server to client, '-' = a note from tmail (connecting, TLS…). */
export type TraceDirection = 'C' | 'S' | '-';

export interface TraceEntry {
  /** Milliseconds since the epoch. */
  time: number;
  /** The account whose connection this is ("Demo (IMAP)"). */
  account: string;
  protocol: 'imap' | 'pop3' | 'smtp';
  dir: TraceDirection;
  text: string;
}

/** What a backend is given: it reports lines, and never learns where they go. */
export interface TraceSink {
  add(entry: Omit<TraceEntry, 'time'> & { time?: number }): void;
}
