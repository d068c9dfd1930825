// The one classifier of socket, DNS and TLS failures for IMAP, POP3 and SMTP: Node error codes
// (and the codes the protocol libraries add) → an AccountError kind, a line of text and, for an
// untrusted certificate, the `ca` hint. Each protocol frames the text its own way ("cannot reach
// HOST:PORT: …", "POP3 HOST:PORT: …", "… the SMTP server HOST:PORT …"); the words are only here.
import type { AccountErrorHint } from '../domain/index.js';
import { sanitizeLine } from '../text/sanitize.js';

export interface NetworkFailure {
  kind: 'tls' | 'network';
  /** One line without the server's address, e.g. "connection refused". */
  text: string;
  /** connect: no session came up; session: a session that was up ended (a reconnect may help). */
  phase: 'connect' | 'session';
  hint?: AccountErrorHint;
  /** The code that matched (or '' for a TLS failure recognised by its message). */
  code: string;
}

// A reset or an EOF is what a crashed or restarted server process looks like from here ("not
// connected" told the user nothing).
const CRASHED = '(the server process may have crashed or restarted)';
const CLOSED = `the server closed the connection ${CRASHED}`;
const UNTRUSTED = (why: string) => `certificate for {host} is not trusted (${why}) — set \`ca\` to the server's certificate`;

type Entry = Omit<NetworkFailure, 'code'>;
const connect = (text: string): Entry => ({ kind: 'network', text, phase: 'connect' });
const session = (text: string): Entry => ({ kind: 'network', text, phase: 'session' });
const tls = (text: string, hint?: AccountErrorHint): Entry => ({ kind: 'tls', text, phase: 'connect', ...(hint ? { hint } : {}) });

/** `{host}` in a text is replaced by the server's host name. */
const TABLE: Record<string, Entry> = {
  // Certificates (Node's tls codes).
  DEPTH_ZERO_SELF_SIGNED_CERT: tls(UNTRUSTED('self-signed'), 'ca'),
  SELF_SIGNED_CERT_IN_CHAIN: tls(UNTRUSTED('self-signed'), 'ca'),
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: tls(UNTRUSTED('unknown issuer'), 'ca'),
  UNABLE_TO_GET_ISSUER_CERT: tls(UNTRUSTED('unknown issuer'), 'ca'),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: tls(UNTRUSTED('unknown issuer'), 'ca'),
  CERT_HAS_EXPIRED: tls('certificate for {host} is expired'),
  CERT_NOT_YET_VALID: tls('certificate for {host} is not yet valid'),
  ERR_TLS_CERT_ALTNAME_INVALID: tls('certificate does not match {host} (wrong host name in the certificate)'),
  // imapflow: bytes after STARTTLS's OK but before the handshake.
  STARTTLS_INJECTION: tls('the server sent data before the TLS handshake (possible attack); not connecting'),
  // Reaching the server (Node's net/dns codes, and the timeouts of imapflow and our POP3 client).
  ECONNREFUSED: connect('connection refused'),
  EHOSTUNREACH: connect('host unreachable'),
  ENETUNREACH: connect('network unreachable'),
  ETIMEDOUT: connect('connection timed out'),
  ENOTFOUND: connect('host name not found'),
  EAI_AGAIN: connect('host name lookup failed (DNS unavailable)'),
  CONNECT_TIMEOUT: connect('connection timed out'),
  GREETING_TIMEOUT: connect('the server sent no greeting in time'),
  UPGRADE_TIMEOUT: connect('the TLS upgrade timed out'),
  ClosedAfterConnectText: connect(`the server closed the connection right after connecting ${CRASHED}`),
  ClosedAfterConnectTLS: connect(`the server closed the connection right after connecting (TLS) ${CRASHED}`),
  // A session that was up ended.
  ECONNRESET: session(`the server reset the connection ${CRASHED}`),
  EPIPE: session(CLOSED),
  ECONNCLOSED: session(CLOSED),
  NoConnection: session(CLOSED),
  EConnectionClosed: session(CLOSED),
  ETIMEOUT: session('the server stopped answering'),
  REPLY_TIMEOUT: session('the server stopped answering'),
  StateLogout: session('the server ended the session'),
};

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  /** imapflow wraps the socket error here. */
  _err?: unknown;
}

/** The error and what it wraps (imapflow's `_err`, `cause`), a few levels deep. */
export function errorChain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let cur: unknown = err;
  while (cur && typeof cur === 'object' && out.length < 5) {
    out.push(cur as ErrorLike);
    const e = cur as ErrorLike;
    cur = e._err ?? e.cause;
  }
  return out;
}

/** A failure recognised by its code anywhere in the chain; undefined when none is known. */
export function classifyByCode(err: unknown, host: string): NetworkFailure | undefined {
  const links = errorChain(err);
  // TLS codes first: a certificate failure often arrives wrapped in a generic socket error.
  for (const wantTls of [true, false]) {
    for (const e of links) {
      const code = typeof e.code === 'string' ? e.code : '';
      const entry = Object.hasOwn(TABLE, code) ? TABLE[code] : undefined;
      if (entry && (entry.kind === 'tls') === wantTls) return { ...entry, text: entry.text.replaceAll('{host}', sanitizeLine(host)), code };
    }
  }
  return undefined;
}

/** True when some link carries a code of a lost or unreachable connection. */
export function isNetworkCode(err: unknown): boolean {
  return errorChain(err).some((e) => typeof e.code === 'string' && Object.hasOwn(TABLE, e.code) && TABLE[e.code]!.kind === 'network');
}

/** The text for a session that ended without a known socket error (EOF). */
export const CONNECTION_CLOSED_TEXT = CLOSED;

/**
 * A TLS failure recognised by OpenSSL's words rather than a code: TLS spoken to a cleartext port
 * gets a hint instead of OpenSSL noise; other handshake failures keep the reason, cleaned.
 * `where` is "host:port".
 */
export function classifyTlsMessage(err: unknown, where: string): NetworkFailure | undefined {
  for (const e of errorChain(err)) {
    const msg = typeof e.message === 'string' ? e.message : '';
    const code = typeof e.code === 'string' ? e.code : '';
    if (/wrong version number|packet length too long|unknown protocol/i.test(msg) || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
      return { kind: 'tls', phase: 'connect', code, text: `${where} did not answer with TLS (wrong port? for a plain port use security "starttls")` };
    }
    if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /SSL|TLS|handshake|certificate/i.test(msg)) {
      return { kind: 'tls', phase: 'connect', code, text: tlsFailedText(where, msg) };
    }
  }
  return undefined;
}

/** OpenSSL messages carry a hex prefix and source paths; the reason is the part after them. */
export function tlsFailedText(where: string, message: string): string {
  const reason = sanitizeLine(message.replace(/^[0-9A-F]+:error:[0-9A-F]+:/, '').replace(/:\.\.\/deps\/\S*/, '')).slice(0, 120);
  return `TLS handshake with ${where} failed: ${reason}`;
}
