// The SASL pieces IMAP, POP3 and SMTP share for OAuth2: which mechanism to use from what the
// server offers, the initial client responses (RFC 7628 OAUTHBEARER; Google's XOAUTH2, which
// Microsoft copies), the server's JSON error challenge turned into words, and the rule "a rejected
// token is refreshed once and tried once more". The wire itself stays with each protocol client.
import { AccountError } from '../domain/index.js';
import { sanitizeLine } from '../text/sanitize.js';
import type { BearerCredentials } from './credentials.js';

export type BearerMechanism = 'OAUTHBEARER' | 'XOAUTH2';

/** Preference order: the standard first. */
const BEARER_MECHANISMS: readonly BearerMechanism[] = ['OAUTHBEARER', 'XOAUTH2'];

/** The bearer mechanism to use among those the server offers (any case), or undefined. */
export function chooseBearerMechanism(offered: Iterable<string>): BearerMechanism | undefined {
  const set = new Set([...offered].map((m) => m.toUpperCase()));
  return BEARER_MECHANISMS.find((m) => set.has(m));
}

/** True when the server offers an OAuth2 mechanism and no password one (PLAIN, LOGIN). */
export function offersOnlyOAuth2(mechanisms: readonly string[]): boolean {
  const set = new Set(mechanisms.map((m) => m.toUpperCase()));
  return chooseBearerMechanism(set) !== undefined && !set.has('PLAIN') && !set.has('LOGIN');
}

/** The clear line when a server offers no OAuth2 mechanism at all. */
export function noBearerMechanismError(where: string, offered: Iterable<string>): AccountError {
  const list = [...offered].map((m) => sanitizeLine(m)).join(' ');
  return new AccountError(
    'auth',
    `${where}: the server offers no OAuth2 sign-in (neither OAUTHBEARER nor XOAUTH2; it offers ${list || 'no SASL mechanism'}); use "auth": {"method": "password"} for this server`,
  );
}

export interface BearerParams {
  user: string;
  token: string;
  /** The server as connected to (OAUTHBEARER names it; servers may check it). */
  host: string;
  port: number;
}

// The fields are framed with \x01, so a control character in a value would end a field early and
// could smuggle in fields of its own; RFC 7628 allows none there.
function assertSaslValue(value: string, what: string): void {
  if (/[\x00-\x1f\x7f]/.test(value)) throw new AccountError('auth', `the ${what} contains control characters and cannot be sent`);
}

/** RFC 5801 saslname: "," and "=" are escaped in the gs2 authzid. */
function saslName(user: string): string {
  return user.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** The unencoded initial client response for `mechanism`. */
export function bearerInitialResponse(mechanism: BearerMechanism, p: BearerParams): string {
  assertSaslValue(p.user, 'user name');
  assertSaslValue(p.token, 'access token');
  if (mechanism === 'OAUTHBEARER') {
    return `n,a=${saslName(p.user)},\x01host=${p.host}\x01port=${p.port}\x01auth=Bearer ${p.token}\x01\x01`;
  }
  return `user=${p.user}\x01auth=Bearer ${p.token}\x01\x01`;
}

export function bearerInitialResponseBase64(mechanism: BearerMechanism, p: BearerParams): string {
  return Buffer.from(bearerInitialResponse(mechanism, p), 'utf8').toString('base64');
}

/**
 * What the client answers to an error challenge so the server can finish with a failure
 * (base64): OAUTHBEARER a single %x01 (RFC 7628 §3.2.3), XOAUTH2 an empty line.
 */
export function bearerAbortResponse(mechanism: BearerMechanism): string {
  return mechanism === 'OAUTHBEARER' ? 'AQ==' : '';
}

/** The JSON a server sends in its error challenge (RFC 7628 §3.2.2); every field untrusted. */
export interface OAuthErrorStatus {
  status?: string;
  scope?: string;
  schemes?: string;
}

/** Decodes a base64 error challenge; undefined when it is not the JSON object it should be. */
export function parseOAuthErrorChallenge(base64: string): OAuthErrorStatus | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(base64.trim(), 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  return toStatus(value);
}

/** Accepts an already decoded object (imapflow hands one over as `oauthError`). */
export function toStatus(value: unknown): OAuthErrorStatus | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  const out: OAuthErrorStatus = {};
  for (const key of ['status', 'scope', 'schemes'] as const) {
    if (typeof o[key] === 'string' || typeof o[key] === 'number') out[key] = sanitizeLine(String(o[key])).slice(0, 200);
  }
  return out;
}

/** The server's verdict in words, e.g. "the server rejected the access token (invalid_token)". */
export function describeOAuthStatus(status: OAuthErrorStatus | undefined): string {
  if (status?.status === 'insufficient_scope') {
    return `the access token lacks a permission the server needs (insufficient_scope${status.scope ? `; it asks for scope "${status.scope}"` : ''})`;
  }
  return `the server rejected the access token${status?.status ? ` (${status.status})` : ''}`;
}

/**
 * A protocol client throws this when the server refused the token itself (as opposed to a broken
 * connection): the caller may fetch a fresh token and try once more.
 */
export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
  constructor(
    readonly mechanism: BearerMechanism,
    readonly status: OAuthErrorStatus | undefined,
    /** The server's final line (sanitized), e.g. "[AUTHENTICATIONFAILED] Authentication failed." */
    readonly serverText: string,
  ) {
    super(`${describeOAuthStatus(status)}${serverText ? `: ${serverText}` : ''}`);
  }

  /** A new token from the same source will not have other permissions: no point refreshing. */
  get refreshMayHelp(): boolean {
    return this.status?.status !== 'insufficient_scope';
  }
}

export interface BearerAttemptContext {
  /** "IMAP mail.example.org:993", for the error line. */
  where: string;
}

/**
 * Runs `attempt` with an access token; when the server rejects it, asks the source for a fresh one
 * (forceRefresh: the token command runs again, the refresh token is used) and tries exactly once
 * more. A second rejection becomes one AccountError('auth') line saying what to do.
 */
export async function withBearerToken<T>(creds: BearerCredentials, ctx: BearerAttemptContext, attempt: (token: string) => Promise<T>): Promise<T> {
  let rejected: TokenRejectedError;
  try {
    return await attempt(await creds.getAccessToken());
  } catch (err) {
    if (!(err instanceof TokenRejectedError)) throw err;
    rejected = err;
  }
  if (rejected.refreshMayHelp) {
    const fresh = await creds.getAccessToken({ forceRefresh: true });
    try {
      return await attempt(fresh);
    } catch (err) {
      if (!(err instanceof TokenRejectedError)) throw err;
      rejected = err;
    }
  }
  throw bearerRejectedError(creds, ctx.where, rejected);
}

export function bearerRejectedError(creds: BearerCredentials, where: string, rejected: TokenRejectedError): AccountError {
  const again = rejected.refreshMayHelp ? ', also after getting a fresh one' : '';
  const said = rejected.serverText ? ` (server said: ${rejected.serverText})` : '';
  const hint = creds.renewHint ? `; ${creds.renewHint}` : '';
  return new AccountError(
    'auth',
    `${where}: OAuth2 sign-in (${rejected.mechanism}) failed for ${sanitizeLine(creds.user)}: ${describeOAuthStatus(rejected.status)}${again}${said}${hint}`,
    { cause: rejected },
  );
}
