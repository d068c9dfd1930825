// imapflow → trace. imapflow's `logRaw` reports every socket write and read (base64); we turn
// those into logical C:/S: lines (wire-lines.ts) and redact them (redact.ts). imapflow withholds
// the raw bytes of LOGIN/AUTHENTICATE writes (`hidden: true`); for those we show the masked
// command text it logged at debug level just before, redacted again by us.
import { ImapRedactor, REDACTED } from './redact.js';
import type { TraceSink } from './types.js';
import { WireLines } from './wire-lines.js';

interface LogEntry {
  src?: string;
  msg?: string;
  data?: string;
  hidden?: boolean;
}

/** imapflow's logger shape (subset): level methods plus isLevelEnabled. */
export interface ImapFlowTraceLogger {
  trace(entry: LogEntry): void;
  /** Bytes read from the server, handed over as they are (see traceReadsAsBuffers in connect-options.ts). */
  serverBytes(chunk: Buffer): void;
  debug(entry: LogEntry): void;
  error(): void;
  fatal(): void;
  isLevelEnabled(level: string): boolean;
}

/** One logger per connection (ImapFlow instance): the line assemblers keep per-socket state. */
export function imapTraceLogger(sink: TraceSink, account: string): ImapFlowTraceLogger {
  const client = new WireLines();
  const server = new WireLines();
  const redactor = new ImapRedactor();
  let lastCommand: string | undefined;
  const add = (dir: 'C' | 'S', text: string) => sink.add({ account, protocol: 'imap', dir, text });
  return {
    trace(entry) {
      if (entry.msg === 'write to socket' && entry.src === 'c') {
        if (entry.hidden) {
          // The credentials command itself, or a SASL continuation that follows it.
          add('C', lastCommand !== undefined ? redactor.client(lastCommand) : REDACTED);
          lastCommand = undefined;
          return;
        }
        for (const line of client.push(Buffer.from(entry.data ?? '', 'base64'))) add('C', redactor.client(line));
      } else if (entry.msg === 'read from socket' && entry.src === 's') {
        for (const line of server.push(Buffer.from(entry.data ?? '', 'base64'))) add('S', redactor.server(line));
      }
    },
    serverBytes(chunk) {
      for (const line of server.push(chunk)) add('S', redactor.server(line));
    },
    debug(entry) {
      // Only kept for hidden writes; it is imapflow's masked rendering (`"(* value hidden *)"`).
      if (entry.src === 'c' && typeof entry.msg === 'string') lastCommand = entry.msg;
    },
    // imapflow prints error/fatal entries to the console when the logger lacks them: that would
    // corrupt the full-screen UI. Connection errors reach the user through AccountError instead.
    error() {},
    fatal() {},
    // 'debug' only: then imapflow renders the (few) command lines, but not every FETCH response.
    isLevelEnabled: (level) => level === 'debug',
  };
}
