// Maps POP3 failures to one AccountError with a message a user can act on: the server's -ERR and
// protocol errors here, socket/TLS failures through the shared classifier (../network-errors.ts).
import { AccountError } from '../../domain/index.js';
import { classifyByCode, classifyTlsMessage } from '../network-errors.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { cleanServerText, wrongProtocolText } from '../server-text.js';
import { Pop3ProtocolError, Pop3ServerError } from './response-reader.js';

/** A short, user-facing description of where: "pop3 mail.example.org:995". */
export function describeError(err: unknown, where: string): AccountError {
  if (err instanceof AccountError) return err;
  const server = where.replace(/^POP3 /, '');
  const host = server.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  if (err instanceof Pop3ServerError) return new AccountError('protocol', `${where}: the server refused: ${cleanServerText(err.text, 300)}`, { cause: err });
  if (err instanceof Pop3ProtocolError) {
    // An IMAP (or SMTP) server on the POP3 port greets in its own way: say what it is.
    const other = err.line === undefined ? undefined : wrongProtocolText(server, 'pop3', err.line);
    if (other) return new AccountError('config', other, { cause: err });
    return new AccountError('protocol', `${where}: ${err.message}`, { cause: err });
  }
  const failure = classifyByCode(err, host) ?? classifyTlsMessage(err, server);
  if (failure) return new AccountError(failure.kind, `${where}: ${failure.text}`, { cause: err, ...(failure.hint ? { hint: failure.hint } : {}) });
  const message = err instanceof Error ? err.message : String(err);
  return new AccountError('network', `${where}: ${sanitizeLine(message)}`, { cause: err });
}
