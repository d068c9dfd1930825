// Maps whatever imapflow, Node's net/tls layer or DNS throws onto one AccountError with a single
// line a user can act on. Server text is sanitized (it reaches the terminal) and the password is
// never part of a message: only host, port and user are.
import { AccountError, type AccountErrorKind } from '../../domain/index.js';
import { sanitizeLine } from '../../mime/sanitize.js';
import { cleanServerText } from '../server-text.js';

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
// Failures while connecting say "cannot reach"; failures of a session that was up say the
// connection was lost, and how: a reset or an EOF is what a crashed or restarted server process
// looks like from here ("not connected" told the user nothing).
const CRASHED = '(the server process may have crashed or restarted)';
const NETWORK_CODES: Record<string, { text: string; phase: 'connect' | 'session' }> = {
  ECONNREFUSED: { text: 'connection refused', phase: 'connect' },
  EHOSTUNREACH: { text: 'host unreachable', phase: 'connect' },
  ENETUNREACH: { text: 'network unreachable', phase: 'connect' },
  ETIMEDOUT: { text: 'connection timed out', phase: 'connect' },
  ENOTFOUND: { text: 'host name not found', phase: 'connect' },
  EAI_AGAIN: { text: 'host name lookup failed (DNS unavailable)', phase: 'connect' },
  CONNECT_TIMEOUT: { text: 'connection timed out', phase: 'connect' },
  GREETING_TIMEOUT: { text: 'the server sent no greeting in time', phase: 'connect' },
  UPGRADE_TIMEOUT: { text: 'the TLS upgrade timed out', phase: 'connect' },
  ClosedAfterConnectText: { text: `the server closed the connection right after connecting ${CRASHED}`, phase: 'connect' },
  ClosedAfterConnectTLS: { text: `the server closed the connection right after connecting (TLS) ${CRASHED}`, phase: 'connect' },
  ECONNRESET: { text: `the server reset the connection ${CRASHED}`, phase: 'session' },
  EPIPE: { text: `the server closed the connection ${CRASHED}`, phase: 'session' },
  ETIMEOUT: { text: 'the server stopped answering', phase: 'session' },
  NoConnection: { text: `the server closed the connection ${CRASHED}`, phase: 'session' },
  EConnectionClosed: { text: `the server closed the connection ${CRASHED}`, phase: 'session' },
  StateLogout: { text: 'the server ended the session', phase: 'session' },
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
  return cleanServerText(text);
}

/**
 * Why a session that was up ended, for "connection to HOST lost: …": the socket error's meaning
 * when there was one, else the server closed it (EOF) — what a crashed server process looks like.
 */
export function connectionLossReason(socketError?: unknown): string {
  for (const e of chain(socketError)) {
    const net = e.code === undefined ? undefined : NETWORK_CODES[e.code];
    if (net) return net.text;
  }
  return NETWORK_CODES.EConnectionClosed!.text;
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
    const net = NETWORK_CODES[code];
    if (net?.phase === 'connect') return make('network', `cannot reach ${where}: ${net.text}`);
    if (net) {
      // A BYE the server sent before closing says why (shutdown, idle timeout): worth showing.
      const bye = links.map(serverText).find(Boolean);
      return make('network', `connection to ${where} lost: ${net.text}${bye ? ` (server said: ${bye})` : ''}`);
    }
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
  const text = serverText(first) || cleanServerText(first.message ?? String(err));
  return make('protocol', `${where}: ${text || 'unexpected server response'}`);
}
