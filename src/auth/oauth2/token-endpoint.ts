// The one HTTP exchange every grant makes: a form POST to the token (or device authorization)
// endpoint and a JSON answer (RFC 6749 3.2, 5.1, 5.2). Hand-written on fetch: it is one request,
// and the callers need the exact `error` code (authorization_pending, slow_down, invalid_grant...)
// to say the right thing — see README "Design" for why no OAuth client library.
import { AccountError } from '../../domain/index.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { runSecretCommand } from '../../config/password.js';
import type { OAuth2Settings } from './providers.js';
import { type TokenTrace, traceTokenNote, traceTokenRequest, traceTokenResponse } from './token-trace.js';

/** How long one request may take (a token endpoint answers in well under a second). */
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_RESPONSE_BYTES = 256 * 1024;

export interface TokenResponse {
  accessToken: string;
  refreshToken?: string;
  /** Seconds, as the server said; absent when it did not say. */
  expiresIn?: number;
  scope?: string;
}

/** The server answered with an OAuth error (RFC 6749 5.2). */
export class OAuthError extends Error {
  constructor(
    readonly code: string,
    readonly description: string | undefined,
    readonly status: number,
  ) {
    super(description ? `${code}: ${description}` : code);
    this.name = 'OAuthError';
  }
}

export interface EndpointContext {
  fetchImpl?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Where the request and the answer are traced (redacted, see token-trace.ts). */
  trace?: TokenTrace;
}

/** POSTs `params` as a form (with client_id, and client_secret when configured); resolves to the JSON object. */
export async function postForm(settings: OAuth2Settings, url: string, params: Record<string, string>, ctx: EndpointContext): Promise<Record<string, unknown>> {
  const body = new URLSearchParams({ ...params, client_id: settings.clientId });
  if (settings.clientSecretCommand) body.set('client_secret', await clientSecret(settings, ctx));
  const host = safeHost(url);
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
  traceTokenRequest(ctx.trace, url, body);
  let res: Response;
  try {
    res = await (ctx.fetchImpl ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
      signal,
      redirect: 'error', // a token endpoint that redirects is misconfigured; never resend the secret elsewhere
    });
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    const why = timeout.aborted ? 'no answer within 30 s' : describeFetchError(err);
    traceTokenNote(ctx.trace, `no answer from ${host}: ${why}`);
    throw new AccountError('network', `account ${settings.accountName}: cannot reach the OAuth2 server ${host} (${why})`, { cause: err });
  }
  const text = await readCapped(res);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    traceTokenResponse(ctx.trace, res.status, undefined);
    throw new AccountError(
      'protocol',
      `account ${settings.accountName}: the OAuth2 server ${host} answered HTTP ${res.status} without JSON${res.ok ? '' : ' (is the endpoint address right?)'}`,
    );
  }
  if (typeof json !== 'object' || json === null)
    throw new AccountError('protocol', `account ${settings.accountName}: the OAuth2 server ${host} sent an answer that is not a JSON object`);
  traceTokenResponse(ctx.trace, res.status, json);
  const obj = json as Record<string, unknown>;
  if (typeof obj.error === 'string') {
    throw new OAuthError(obj.error, typeof obj.error_description === 'string' ? sanitizeLine(obj.error_description).slice(0, 300) : undefined, res.status);
  }
  if (!res.ok) throw new AccountError('protocol', `account ${settings.accountName}: the OAuth2 server ${host} answered HTTP ${res.status}`);
  return obj;
}

// The secret is read once per settings (one sign-in, one token source): a device flow polls every
// few seconds and a password manager would otherwise be asked on every poll and every refresh.
const secrets = new WeakMap<OAuth2Settings, Promise<string>>();

function clientSecret(settings: OAuth2Settings, ctx: EndpointContext): Promise<string> {
  let secret = secrets.get(settings);
  if (!secret) {
    secret = runSecretCommand(
      { account: settings.accountName, field: 'auth.clientSecretCommand', command: settings.clientSecretCommand!, secret: 'client secret' },
      { env: ctx.env ?? process.env },
      ctx.signal ? { signal: ctx.signal } : {},
    );
    secret.catch(() => secrets.delete(settings)); // a failed run (a typo, a cancelled pinentry) is tried again
    secrets.set(settings, secret);
  }
  return secret;
}

/** Reads a successful token response (RFC 6749 5.1). */
export function parseTokenResponse(settings: OAuth2Settings, obj: Record<string, unknown>): TokenResponse {
  const fail = (why: string) => new AccountError('protocol', `account ${settings.accountName}: the OAuth2 token answer ${why}`);
  if (typeof obj.access_token !== 'string' || !obj.access_token) throw fail('has no access_token');
  // Bearer is the only kind SASL XOAUTH2/OAUTHBEARER can carry; a missing token_type is tolerated (seen in the wild).
  if (typeof obj.token_type === 'string' && obj.token_type.toLowerCase() !== 'bearer')
    throw fail(`has token_type "${sanitizeLine(obj.token_type)}", not Bearer`);
  const expires = typeof obj.expires_in === 'number' ? obj.expires_in : typeof obj.expires_in === 'string' ? Number(obj.expires_in) : undefined;
  return {
    accessToken: obj.access_token,
    ...(typeof obj.refresh_token === 'string' && obj.refresh_token ? { refreshToken: obj.refresh_token } : {}),
    ...(expires !== undefined && Number.isFinite(expires) && expires > 0 ? { expiresIn: expires } : {}),
    ...(typeof obj.scope === 'string' ? { scope: obj.scope } : {}),
  };
}

/** The server does not know the client id or the secret: a config problem, whatever the grant. */
export function clientRejected(err: OAuthError, settings: OAuth2Settings): AccountError | undefined {
  if (err.code !== 'invalid_client' && err.code !== 'unauthorized_client') return undefined;
  return new AccountError(
    'config',
    `account ${settings.accountName}: the OAuth2 server does not accept client id "${sanitizeLine(settings.clientId)}" (${describeOAuthError(err)}); check clientId and clientSecretCommand`,
    { cause: err },
  );
}

/** "what the server said" for a message: the code, and its description when it has one. */
export function describeOAuthError(err: OAuthError): string {
  return err.description ? `${err.code}: ${err.description}` : err.code;
}

export function safeHost(url: string): string {
  try {
    return sanitizeLine(new URL(url).host);
  } catch {
    return '(invalid address)';
  }
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFetchError(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code) return code;
  return cause instanceof Error ? sanitizeLine(cause.message).slice(0, 120) : 'unknown error';
}
