// Maps whatever imapflow, Node's net/tls layer or DNS throws onto one AccountError with a single
// line a user can act on. Server text is sanitized (it reaches the terminal) and the password is
// never part of a message: only host, port and user are.
import { AccountError, type AccountErrorHint, type AccountErrorKind } from '../../domain/index.js';
import { CONNECTION_CLOSED_TEXT, classifyByCode, classifyTlsMessage, errorChain, isNetworkCode, tlsFailedText } from '../network-errors.js';
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

function chain(err: unknown): ErrorLike[] {
  return errorChain(err) as ErrorLike[];
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
  const failure = classifyByCode(socketError, '');
  return failure?.kind === 'network' ? failure.text : CONNECTION_CLOSED_TEXT;
}

/** True when the error means the connection is gone (so a reconnect may help). */
export function isConnectionLoss(err: unknown): boolean {
  if (err instanceof AccountError) return err.kind === 'network';
  return isNetworkCode(err);
}

export function toAccountError(err: unknown, ctx: ErrorContext): AccountError {
  if (err instanceof AccountError) return err;
  const where = `${ctx.host}:${ctx.port}`;
  const links = chain(err);
  const make = (kind: AccountErrorKind, msg: string, hint?: AccountErrorHint) =>
    new AccountError(kind, ctx.action && kind !== 'auth' && kind !== 'tls' ? `${ctx.action}: ${msg}` : msg, { cause: err, ...(hint ? { hint } : {}) });

  for (const e of links) {
    if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
      return make('auth', `login failed for ${ctx.user} on ${where}: wrong user or password`);
    }
  }
  const failure = classifyByCode(err, ctx.host);
  if (failure?.kind === 'tls') {
    const text = failure.code === 'STARTTLS_INJECTION' ? `${where} ${failure.text.replace(/^the server /, '')}` : failure.text;
    return make('tls', text, failure.hint);
  }
  if (failure?.phase === 'connect') return make('network', `cannot reach ${where}: ${failure.text}`);
  if (failure) {
    // A BYE the server sent before closing says why (shutdown, idle timeout): worth showing.
    const bye = links.map(serverText).find(Boolean);
    return make('network', `connection to ${where} lost: ${failure.text}${bye ? ` (server said: ${bye})` : ''}`);
  }
  for (const e of links) {
    if (e.tlsFailed && /STARTTLS/i.test(e.message ?? '')) {
      return make('tls', `${where} does not offer STARTTLS; refusing to continue without encryption`);
    }
  }
  const tls = classifyTlsMessage(err, where);
  if (tls) return make('tls', tls.text);
  const flagged = links.find((e) => e.tlsFailed);
  if (flagged) return make('tls', tlsFailedText(where, flagged.message ?? ''));
  const first = links[0] ?? {};
  if (first.mailboxMissing || first.code === 'NotFound' || first.serverResponseCode === 'NONEXISTENT') {
    return make('not-found', `folder does not exist${serverText(first) ? ` (${serverText(first)})` : ''}`);
  }
  const text = serverText(first) || cleanServerText(first.message ?? String(err));
  return make('protocol', `${where}: ${text || 'unexpected server response'}`);
}
