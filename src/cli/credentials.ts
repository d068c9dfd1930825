// The one place the program turns an account into Credentials (auth/provider.ts): passwords from
// passwordCommand/passwordEnv or the prompt, OAuth2 tokens from auth.tokenCommand or the tokens
// `tmail account login` stored.
import { accountCredentials, type CredentialsContext, type TokenSource, type TokenSourceFactory } from '../auth/provider.js';
import type { Credentials } from '../auth/credentials.js';
import type { PasswordCommandOptions } from '../config/password.js';
import type { AccountConfig } from '../config/types.js';
import type { CliContext } from './context.js';
import { secretPrompt } from './prompt.js';

/**
 * Stored-token sign-in: the tokens `tmail account login` (device grant / PKCE) stored, refreshed on
 * demand. The OAuth2 code loads on the first token asked for, not with every password account.
 */
const STORED_TOKEN_SOURCE: TokenSourceFactory = (opts) => {
  let source: Promise<TokenSource> | undefined;
  return {
    async getAccessToken(o) {
      source ??= import('../auth/oauth2/token-source.js').then((m) => m.createStoredTokenSource(opts));
      return (await source).getAccessToken(o);
    },
  };
};

export function credentialsContext(ctx: CliContext, dataDir: string, commandOptions?: PasswordCommandOptions): CredentialsContext {
  return {
    env: ctx.env,
    askSecret: secretPrompt(ctx),
    dataDir,
    tokenSourceFactory: STORED_TOKEN_SOURCE,
    ...(commandOptions ? { commandOptions } : {}),
    ...(ctx.trace ? { trace: ctx.trace } : {}),
  };
}

export function cliCredentials(ctx: CliContext, config: AccountConfig, dataDir: string): Credentials {
  return accountCredentials(config, credentialsContext(ctx, dataDir));
}
