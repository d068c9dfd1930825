// Maps whatever imapflow, Node's net/tls layer or DNS throws onto one AccountError with a single
// line a user can act on. Server text is sanitized (it reaches the terminal) and the password is
// never part of a message: only host, port and user are.
import { AccountError, type AccountErrorKind } from '../account.js';
import { sanitizeLine } from '../../mime/sanitize.js';

export interface ErrorContext {
  host: string;
  port: number;
  user: string;
  /** What was being done, e.g. "opening folder Archive"; omitted for connect/login. */
  action?: string;
}

interface ErrorLike {
  message?: string;
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
  mailboxMissing?: boolean;
  response?: unknown;
  cause?: unknown;
  _err?: unknown;
}

const CERT_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
const CERT_DATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed by the server',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS unavailable)',
  CONNECT_TIMEOUT: 'connection timed out',
  GREETING_TIMEOUT: 'the server sent no greeting in time',
  UPGRADE_TIMEOUT: 'the TLS upgrade timed out',
  ETIMEOUT: 'the server stopped answering',
  NoConnection: 'not connected',
  EConnectionClosed: 'connection closed unexpectedly',
  ClosedAfterConnectText: 'the server closed the connection right after connecting',
  ClosedAfterConnectTLS: 'the server closed the connection right after connecting (TLS)',
  StateLogout: 'connection closed',
};

function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let cur: unknown = err;
  while (cur && typeof cur === 'object' && out.length < 5) {
    out.push(cur as ErrorLike);
    const e = cur as ErrorLike;
    cur = e._err ?? e.cause;
  }
  return out;
}

export function serverText(err: ErrorLike): string {
  const text = err.responseText ?? (typeof err.response === 'string' ? err.response : '');
  return sanitizeLine(text).trim().slice(0, 200);
}

/** True when the error means the connection is gone (so a reconnect may help). */
export function isConnectionLoss(err: unknown): boolean {
  if (err instanceof AccountError) return err.kind === 'network';
  return chain(err).some((e) => e.code !== undefined && e.code in NETWORK_CODES);
}

export function toAccountError(err: unknown, ctx: ErrorContext): AccountError {
  if (err instanceof AccountError) return err;
  const where = `${ctx.host}:${ctx.port}`;
  const links = chain(err);
  const make = (kind: AccountErrorKind, msg: string) =>
    new AccountError(kind, ctx.action && kind !== 'auth' && kind !== 'tls' ? `${ctx.action}: ${msg}` : msg, { cause: err });

  for (const e of links) {
    if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
      return make('auth', `login failed for ${ctx.user} on ${where}: wrong user or password`);
    }
  }
  for (const e of links) {
    const code = e.code ?? '';
    if (CERT_UNTRUSTED.has(code)) {
      const why = code.includes('SELF_SIGNED') ? 'self-signed' : 'unknown issuer';
      return make('tls', `certificate for ${ctx.host} is not trusted (${why}) — set \`ca\` to the server's certificate`);
    }
    if (CERT_DATE.has(code)) {
      return make('tls', `certificate for ${ctx.host} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'}`);
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return make('tls', `certificate does not match ${ctx.host} (wrong host name in the certificate)`);
    }
    if (code === 'STARTTLS_INJECTION') {
      return make('tls', `${where} sent data before the TLS handshake (possible attack); not connecting`);
    }
  }
  for (const e of links) {
    const code = e.code ?? '';
    if (code in NETWORK_CODES) return make('network', `cannot reach ${where}: ${NETWORK_CODES[code]}`);
  }
  for (const e of links) {
    const msg = e.message ?? '';
    if (e.tlsFailed && /STARTTLS/i.test(msg)) {
      return make('tls', `${where} does not offer STARTTLS; refusing to continue without encryption`);
    }
    if (/wrong version number|packet length too long|unknown protocol/i.test(msg) || e.code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
      return make('tls', `${where} did not answer with TLS (wrong port? for a plain port use security "starttls")`);
    }
    if (e.tlsFailed || /SSL|TLS|handshake/i.test(msg)) {
      // OpenSSL messages carry a hex prefix and source paths; the reason is the part after them.
      const reason = sanitizeLine(msg.replace(/^[0-9A-F]+:error:[0-9A-F]+:/, '').replace(/:\.\.\/deps\/\S*/, '')).slice(0, 120);
      return make('tls', `TLS handshake with ${where} failed: ${reason}`);
    }
  }
  const first = links[0] ?? {};
  if (first.mailboxMissing || first.code === 'NotFound' || first.serverResponseCode === 'NONEXISTENT') {
    return make('not-found', `folder does not exist${serverText(first) ? ` (${serverText(first)})` : ''}`);
  }
  const text = serverText(first) || sanitizeLine(first.message ?? String(err)).slice(0, 200);
  return make('protocol', `${where}: ${text || 'unexpected server response'}`);
}
