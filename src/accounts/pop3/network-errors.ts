// Maps socket/TLS/protocol failures to one AccountError with a message a user can act on.
import { AccountError } from '../account.js';
import { sanitizeLine } from '../../mime/sanitize.js';
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

const NET_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'the connection timed out',
};

/** A short, user-facing description of where: "pop3 mail.example.org:995". */
export function describeError(err: unknown, where: string): AccountError {
  if (err instanceof AccountError) return err;
  if (err instanceof Pop3ServerError) return new AccountError('protocol', `${where}: the server refused: ${sanitizeLine(err.text)}`, { cause: err });
  if (err instanceof Pop3ProtocolError) return new AccountError('protocol', `${where}: ${err.message}`, { cause: err });
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && TLS_CODES[code]) return new AccountError('tls', `${where}: TLS failed: ${TLS_CODES[code]}`, { cause: err });
  if (code && NET_CODES[code]) return new AccountError('network', `${where}: ${NET_CODES[code]}`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  if (code?.startsWith('ERR_SSL') || code?.startsWith('ERR_TLS') || /SSL|TLS|certificate/i.test(message)) {
    return new AccountError('tls', `${where}: TLS failed: ${sanitizeLine(message)}`, { cause: err });
  }
  return new AccountError('network', `${where}: ${sanitizeLine(message)}`, { cause: err });
}
