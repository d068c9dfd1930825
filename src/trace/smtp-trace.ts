// nodemailer → trace. With `transactionLog` nodemailer logs every SMTP command and reply (not the
// message itself) through a bunyan-style logger; we turn those into C:/S: lines, redact AUTH
// exchanges ourselves (nodemailer masks most, but the trace must stay safe if that changes) and
// show the message as an octet count, like the IMAP trace shows literals.
import { format } from 'node:util';
import { REDACTED } from './redact.js';
import type { TraceSink } from './types.js';

interface LogData {
  tnx?: string;
  outByteCount?: number;
}

/** nodemailer's logger shape (bunyan-compatible subset). */
export interface SmtpTraceLogger {
  trace(data: LogData, message?: unknown, ...args: unknown[]): void;
  debug(data: LogData, message?: unknown, ...args: unknown[]): void;
  info(data: LogData, message?: unknown, ...args: unknown[]): void;
  warn(data: LogData, message?: unknown, ...args: unknown[]): void;
  error(data: LogData, message?: unknown, ...args: unknown[]): void;
  fatal(data: LogData, message?: unknown, ...args: unknown[]): void;
}

/**
 * Stateful SMTP redactor for one connection: `AUTH mech [initial]` keeps only the mechanism; after
 * it every client line is a SASL response until the server answers with something other than 334.
 */
export class SmtpRedactor {
  private inSasl = false;

  client(line: string): string {
    if (this.inSasl) return REDACTED;
    const auth = /^AUTH\s+(\S+)(\s+\S)?/i.exec(line);
    if (auth) {
      this.inSasl = true;
      return `AUTH ${auth[1]}${auth[2] ? ` ${REDACTED}` : ''}`;
    }
    return line;
  }

  server(line: string): string {
    if (this.inSasl) {
      // 334 challenges can carry user names (AUTH LOGIN prompts) or tokens (XOAUTH2 errors).
      if (/^334[ -]?/.test(line)) return `334 ${REDACTED}`;
      this.inSasl = false;
    }
    return line;
  }
}

export function smtpTraceLogger(sink: TraceSink, account: string): SmtpTraceLogger {
  const redactor = new SmtpRedactor();
  const add = (dir: 'C' | 'S' | '-', text: string) => sink.add({ account, protocol: 'smtp', dir, text });
  const lines = (message: unknown, args: unknown[]) =>
    (typeof message === 'string' ? format(message, ...args) : String(message ?? '')).split(/\r?\n/).filter((l) => l !== '');
  const log = (data: LogData, message?: unknown, ...args: unknown[]) => {
    switch (data?.tnx) {
      case 'client':
        for (const l of lines(message, args)) add('C', redactor.client(l));
        break;
      case 'server':
        for (const l of lines(message, args)) add('S', redactor.server(l));
        break;
      case 'message':
        // The body itself is never logged (no `debug`); its size is.
        if (typeof data.outByteCount === 'number') add('C', `{${data.outByteCount} octets}`);
        break;
      case 'network':
        // "Connection established to …", "Connection upgraded with STARTTLS", "Connection closed".
        for (const l of lines(message, args)) add('-', l);
        break;
      default:
      // Other notes repeat what the lines above show, or quote the envelope: left out.
    }
  };
  return { trace: log, debug: log, info: log, warn: log, error: log, fatal: log };
}
