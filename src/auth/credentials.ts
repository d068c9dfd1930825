// What a backend needs to sign in, independent of where it comes from: a password (command, env,
// prompt) or an OAuth2 bearer token (token command, stored tokens refreshed on demand). Backends
// never read config fields about secrets; they ask a Credentials object, which the SASL layer
// (./sasl.ts) turns into the mechanism the server offers.

/** A password from passwordCommand, passwordEnv or a prompt. */
export interface PasswordCredentials {
  kind: 'password';
  user: string;
  /** Asks once per process and reuses the value (see config/password.ts makePasswordGetter). */
  getPassword(): Promise<string>;
}

/** An OAuth2 access token for SASL XOAUTH2 / OAUTHBEARER (RFC 7628). */
export interface BearerCredentials {
  kind: 'oauth2';
  user: string;
  /**
   * Returns a token valid for at least a minute. `forceRefresh` is set after the server rejected
   * the previous token: run the token command again / use the refresh token (one retry).
   * Rejects with AccountError('auth', ...) naming `tmail account login NAME` when no token can be had.
   */
  getAccessToken(opts?: { forceRefresh?: boolean }): Promise<string>;
  /**
   * What the user can do when the server keeps rejecting the token, ending the error line, e.g.
   * "run `tmail account login work`" or "check that tokenCommand prints a current access token".
   */
  renewHint?: string;
}

export type Credentials = PasswordCredentials | BearerCredentials;

/** Password credentials around a plain getter (the shape AccountDeps had before credentials). */
export function passwordCredentials(user: string, getPassword: () => Promise<string>): PasswordCredentials {
  return { kind: 'password', user, getPassword };
}
