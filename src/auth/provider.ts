// From an account's config to the Credentials its backend signs in with: a password (command, env
// or prompt, see config/password.ts) or an OAuth2 access token (a tokenCommand, or the tokens
// `tmail account login` stored, through an injected token source so this layer does not depend on
// how they are obtained).
import { makePasswordGetter, runSecretCommand, type PasswordCommandOptions, type PasswordContext } from '../config/password.js';
import type { AccountConfig, OAuth2Config } from '../config/types.js';
import { AccountError } from '../domain/index.js';
import { sanitizeLine } from '../text/sanitize.js';
import type { TraceSink } from '../trace/types.js';
import { type BearerCredentials, type Credentials, passwordCredentials } from './credentials.js';

/** Hands out access tokens for one account, refreshing them when needed. */
export interface TokenSource {
  getAccessToken(opts?: { forceRefresh?: boolean }): Promise<string>;
}

/** Stored-token sign-in (oauth2/token-source.ts `createStoredTokenSource`), injected by the caller. */
export type TokenSourceFactory = (opts: { account: AccountConfig; auth: OAuth2Config; dataDir: string; trace?: TraceSink }) => TokenSource;

export interface CredentialsContext extends PasswordContext {
  /** The account's data dir (where stored tokens live). */
  dataDir: string;
  tokenSourceFactory?: TokenSourceFactory;
  /** Timeout, cancel and "waiting" hooks for passwordCommand and tokenCommand. */
  commandOptions?: PasswordCommandOptions;
  trace?: TraceSink;
}

/** The credentials the account's own server (IMAP/POP3) gets. */
export function accountCredentials(account: AccountConfig, ctx: CredentialsContext): Credentials {
  const auth = account.auth;
  if (auth?.method === 'oauth2') return bearerCredentials(account, auth, account.user, account.name, ctx);
  return passwordCredentials(account.user, makePasswordGetter(account, ctx, ctx.commandOptions ?? {}));
}

/**
 * The credentials for the account's SMTP server: `smtp.auth` when set, else the account's method.
 * The same source is reused when nothing differs, so the user is asked (or a command run) once.
 */
export function smtpCredentials(account: AccountConfig, accountCreds: Credentials, ctx: CredentialsContext): Credentials {
  const smtp = account.smtp;
  const user = smtp?.user ?? account.user;
  const auth = smtp?.auth ?? account.auth;
  const name = `${account.name} (smtp)`;
  if (auth?.method === 'oauth2') {
    if (!smtp?.auth && accountCreds.kind === 'oauth2') return { ...accountCreds, user, getAccessToken: (o) => accountCreds.getAccessToken(o) };
    return bearerCredentials(account, auth, user, name, ctx);
  }
  if (smtp?.passwordCommand || smtp?.passwordEnv) {
    const source = { name, user, host: smtp.host, passwordCommand: smtp.passwordCommand, passwordEnv: smtp.passwordEnv };
    return passwordCredentials(user, makePasswordGetter(source, ctx, ctx.commandOptions ?? {}));
  }
  if (accountCreds.kind === 'password') return passwordCredentials(user, accountCreds.getPassword);
  // The account signs in with OAuth2 but its SMTP server with a password: the account's password sources.
  return passwordCredentials(user, makePasswordGetter({ ...account, name, user, host: smtp?.host ?? account.host }, ctx, ctx.commandOptions ?? {}));
}

function bearerCredentials(account: AccountConfig, auth: OAuth2Config, user: string, name: string, ctx: CredentialsContext): BearerCredentials {
  if (auth.tokenCommand) {
    return {
      kind: 'oauth2',
      user,
      getAccessToken: tokenCommandGetter(name, auth.tokenCommand, ctx),
      renewHint: `check that auth.tokenCommand prints a current access token for ${sanitizeLine(user)} (run it in a shell)`,
    };
  }
  const login = `run \`tmail account login ${account.name}\``;
  let source: TokenSource | undefined;
  return {
    kind: 'oauth2',
    user,
    getAccessToken(opts) {
      if (!ctx.tokenSourceFactory) {
        return Promise.reject(
          new AccountError('config', `account ${account.name}: signing in with stored OAuth2 tokens is not available here; set auth.tokenCommand`),
        );
      }
      source ??= ctx.tokenSourceFactory({ account, auth, dataDir: ctx.dataDir, ...(ctx.trace ? { trace: ctx.trace } : {}) });
      return source.getAccessToken(opts);
    },
    renewHint: `${login} to sign in again`,
  };
}

/**
 * A tokenCommand's token is kept for the process and the command run again only when the server
 * rejected it (forceRefresh): tools like oama and mutt_oauth2.py refresh by themselves when run.
 * Concurrent callers share one run.
 */
export function tokenCommandGetter(
  account: string,
  command: string,
  ctx: PasswordContext & { commandOptions?: PasswordCommandOptions },
): (opts?: { forceRefresh?: boolean }) => Promise<string> {
  let current: Promise<string> | undefined;
  const run = () =>
    runSecretCommand({ account, field: 'auth.tokenCommand', command, secret: 'access token' }, ctx, ctx.commandOptions ?? {}).catch((err: unknown) => {
      current = undefined; // a failed run (a typo, a timeout) is tried again next time
      throw err;
    });
  return (opts) => {
    if (opts?.forceRefresh || !current) current = run();
    return current;
  };
}
