// Access tokens for the SASL layer from the tokens `tmail account login` stored: the stored one
// while it has more than a minute left, else a new one from the refresh token (RFC 6749 6), under
// a lock file shared with other tmail processes (refresh-lock.ts).
import { AccountError } from '../../domain/index.js';
import type { AccountConfig, OAuth2Config } from '../../config/types.js';
import type { TraceSink } from '../../trace/types.js';
import { resolveSettings, type OAuth2Settings } from './providers.js';
import { clientRejected, describeOAuthError, OAuthError, parseTokenResponse, postForm, type TokenResponse } from './token-endpoint.js';
import { acquireRefreshLock, type RefreshLockOptions } from './refresh-lock.js';
import { readTokens, type StoredTokens, writeTokens } from './token-store.js';
import { tmailCommand } from '../../domain/shell-quote.js';

/** A token with less than this left is refreshed first: it must outlive the SASL exchange. */
export const MIN_TOKEN_LIFE_MS = 60_000;

export interface TokenSourceOptions {
  account: AccountConfig;
  auth: OAuth2Config;
  /** The account's data dir (config/paths.ts accountDataDir), as backends get it in AccountDeps. */
  dataDir: string;
  fetchImpl?: typeof fetch;
  now?: () => number;
  /** For clientSecretCommand; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** For tests: how long to wait for another process's refresh. */
  lock?: RefreshLockOptions;
  /** Receives the token endpoint requests and answers, redacted (token-trace.ts). */
  trace?: TraceSink;
}

export interface TokenSource {
  getAccessToken(o?: { forceRefresh?: boolean }): Promise<string>;
}

/** `tmail account login NAME`, quoted for a shell when the name needs it. */
export function loginCommand(name: string): string {
  return tmailCommand('account', 'login', name);
}

export function createStoredTokenSource(opts: TokenSourceOptions): TokenSource {
  const now = opts.now ?? Date.now;
  const name = opts.account.name;
  let settings: OAuth2Settings | undefined;
  // Concurrent callers (IMAP and SMTP connecting at once) share one refresh: with rotating
  // refresh tokens a second refresh would use the token the first just spent.
  let refreshing: Promise<string> | undefined;

  const notSignedIn = () => new AccountError('auth', `account ${name} is not signed in: run "${loginCommand(name)}"`);

  // The access token last handed out: when the server rejected it (forceRefresh) and the file
  // already holds another one, another process refreshed meanwhile and that one is used.
  let handedOut: string | undefined;

  async function refresh(forced: boolean): Promise<string> {
    settings ??= resolveSettings(opts.account, opts.auth);
    const release = await acquireRefreshLock(opts.dataDir, opts.lock);
    try {
      return await refreshLocked(settings, forced);
    } finally {
      await release();
    }
  }

  async function refreshLocked(s: OAuth2Settings, forced: boolean): Promise<string> {
    // Read under the lock: another process may have refreshed while we waited for it.
    const stored = await readTokens(opts.dataDir);
    if (!stored || !usable(stored, s)) throw notSignedIn();
    const fresh = stored.expiresAt === undefined || stored.expiresAt - now() > MIN_TOKEN_LIFE_MS;
    if (fresh && (!forced || (handedOut !== undefined && stored.accessToken !== handedOut))) return stored.accessToken;
    if (!stored.refreshToken) {
      throw new AccountError('auth', `account ${name}: the access token expired and the server gave no refresh token; run "${loginCommand(name)}"`);
    }
    let answer: TokenResponse;
    let spent = stored.refreshToken;
    try {
      answer = await refreshWith(s, stored.refreshToken);
    } catch (err) {
      if (!(err instanceof OAuthError && err.code === 'invalid_grant')) throw explain(err, s);
      // A tmail without the lock (an older version) may have refreshed meanwhile.
      const again = await readTokens(opts.dataDir);
      if (again?.refreshToken && again.refreshToken !== stored.refreshToken && usable(again, s)) {
        if (again.expiresAt === undefined || again.expiresAt - now() > MIN_TOKEN_LIFE_MS) return again.accessToken;
        spent = again.refreshToken;
        answer = await refreshWith(s, again.refreshToken).catch((e: unknown) => {
          throw explain(e, s);
        });
      } else {
        throw explain(err, s);
      }
    }
    await writeTokens(opts.dataDir, toStored(s, answer, now(), spent));
    return answer.accessToken;
  }

  function refreshWith(s: OAuth2Settings, refreshToken: string): Promise<TokenResponse> {
    return postForm(
      s,
      s.tokenEndpoint,
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      {
        ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
        ...(opts.env ? { env: opts.env } : {}),
        ...(opts.trace ? { trace: { sink: opts.trace, account: name } } : {}),
      },
    ).then((obj) => parseTokenResponse(s, obj));
  }

  function explain(err: unknown, s: OAuth2Settings): unknown {
    if (!(err instanceof OAuthError)) return err;
    if (err.code === 'invalid_grant') {
      return new AccountError('auth', `account ${name}: the sign-in expired or was revoked; run "${loginCommand(name)}"`, { cause: err });
    }
    const client = clientRejected(err, s);
    if (client) return client;
    return new AccountError(
      'auth',
      `account ${name}: refreshing the access token failed (${describeOAuthError(err)}); if this persists, run "${loginCommand(name)}"`,
      { cause: err },
    );
  }

  return {
    async getAccessToken(o = {}) {
      if (!o.forceRefresh && !refreshing) {
        settings ??= resolveSettings(opts.account, opts.auth);
        const stored = await readTokens(opts.dataDir);
        if (!stored || !usable(stored, settings)) throw notSignedIn();
        if (stored.expiresAt === undefined || stored.expiresAt - now() > MIN_TOKEN_LIFE_MS) {
          handedOut = stored.accessToken;
          return stored.accessToken;
        }
      }
      refreshing ??= refresh(o.forceRefresh === true)
        .then((token) => {
          handedOut = token;
          return token;
        })
        .finally(() => {
          refreshing = undefined;
        });
      return refreshing;
    },
  };
}

// Tokens issued to another client or by another server (the config changed) cannot be refreshed here.
function usable(stored: StoredTokens, settings: OAuth2Settings): boolean {
  return stored.clientId === settings.clientId && stored.tokenEndpoint === settings.tokenEndpoint;
}

/** What to store after a grant; a refresh answer without a refresh token keeps the old one (RFC 6749 6). */
export function toStored(settings: OAuth2Settings, answer: TokenResponse, now: number, previousRefreshToken?: string): StoredTokens {
  const refreshToken = answer.refreshToken ?? previousRefreshToken;
  return {
    version: 1,
    accessToken: answer.accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    ...(answer.expiresIn !== undefined ? { expiresAt: now + answer.expiresIn * 1000 } : {}),
    ...(answer.scope !== undefined ? { scope: answer.scope } : {}),
    clientId: settings.clientId,
    tokenEndpoint: settings.tokenEndpoint,
  };
}
