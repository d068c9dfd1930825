// Maps socket/TLS/protocol failures to one AccountError with a message a user can act on.
import { AccountError } from '../../domain/index.js';
import { sanitizeLine } from '../../mime/sanitize.js';
import { cleanServerText, wrongProtocolText } from '../server-text.js';
import { Pop3ProtocolError, Pop3ServerError } from './response-reader.js';

const TLS_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed and not trusted (set `ca` to its PEM file to trust it)',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate chain ends in an untrusted self-signed CA (set `ca` to trust it)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate cannot be verified (unknown issuer; set `ca` to trust it)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server certificate cannot be verified (unknown issuer; set `ca` to trust it)',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  CERT_NOT_YET_VALID: 'the server certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate does not match the host name',
};

const CRASHED = '(the server process may have crashed or restarted)';
const NET_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: `the server reset the connection ${CRASHED}`,
  ECONNCLOSED: `the server closed the connection ${CRASHED}`,
  EPIPE: `the server closed the connection ${CRASHED}`,
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'the connection timed out',
  GREETING_TIMEOUT: 'the server sent no greeting in time',
  REPLY_TIMEOUT: 'the server stopped answering',
};

/** A short, user-facing description of where: "pop3 mail.example.org:995". */
export function describeError(err: unknown, where: string): AccountError {
  if (err instanceof AccountError) return err;
  if (err instanceof Pop3ServerError) return new AccountError('protocol', `${where}: the server refused: ${cleanServerText(err.text, 300)}`, { cause: err });
  if (err instanceof Pop3ProtocolError) {
    // An IMAP (or SMTP) server on the POP3 port greets in its own way: say what it is.
    const other = err.line === undefined ? undefined : wrongProtocolText(where.replace(/^POP3 /, ''), 'pop3', err.line);
    if (other) return new AccountError('config', other, { cause: err });
    return new AccountError('protocol', `${where}: ${err.message}`, { cause: err });
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && TLS_CODES[code]) return new AccountError('tls', `${where}: TLS failed: ${TLS_CODES[code]}`, { cause: err });
  if (code && NET_CODES[code]) return new AccountError('network', `${where}: ${NET_CODES[code]}`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  if (code?.startsWith('ERR_SSL') || code?.startsWith('ERR_TLS') || /SSL|TLS|certificate/i.test(message)) {
    return new AccountError('tls', `${where}: TLS failed: ${sanitizeLine(message)}`, { cause: err });
  }
  return new AccountError('network', `${where}: ${sanitizeLine(message)}`, { cause: err });
}
