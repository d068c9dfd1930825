// `tmail account login` and `logout` without the CLI: choose a flow, run it, store the tokens.
import { AccountError } from '../../domain/index.js';
import type { AccountConfig, OAuth2Config } from '../../config/types.js';
import { runBrowserFlow, type BrowserFlowIO } from './browser-flow.js';
import { runDeviceFlow } from './device-flow.js';
import { resolveSettings } from './providers.js';
import { toStored } from './token-source.js';
import { deleteTokens, tokenFilePath, writeTokens } from './token-store.js';
import { acquireRefreshLock } from './refresh-lock.js';

export type LoginFlow = 'device' | 'browser';

export interface LoginOptions extends BrowserFlowIO {
  account: AccountConfig;
  auth: OAuth2Config;
  /** The account's data dir (config/paths.ts accountDataDir). */
  dataDir: string;
  /** Forced by --device / --browser; default: the device grant when there is a device endpoint. */
  flow?: LoginFlow;
}

export interface LoginResult {
  flow: LoginFlow;
  tokenFile: string;
  /** False when the server gave no refresh token: the sign-in lasts only as long as the access token. */
  refreshable: boolean;
  /** Scopes asked for that the server says it did not grant (the user unticked one, or an admin policy). */
  notGranted: string[];
}

/** The account's OAuth2 block, or undefined for a password account. */
export function oauth2Of(account: AccountConfig): OAuth2Config | undefined {
  return account.auth?.method === 'oauth2' ? account.auth : undefined;
}

export function chooseFlow(
  settings: { accountName: string; authorizationEndpoint?: string; deviceAuthorizationEndpoint?: string },
  forced?: LoginFlow,
): LoginFlow {
  const name = settings.accountName;
  if (forced === 'device' && !settings.deviceAuthorizationEndpoint) {
    throw new AccountError(
      'config',
      `account ${name}: no device sign-in for this provider (set "deviceAuthorizationEndpoint" in the account's "auth" block, or leave out --device)`,
    );
  }
  if (forced === 'browser' && !settings.authorizationEndpoint) {
    throw new AccountError(
      'config',
      `account ${name}: no browser sign-in for this provider (set "authorizationEndpoint" in the account's "auth" block, or leave out --browser)`,
    );
  }
  if (forced) return forced;
  if (settings.deviceAuthorizationEndpoint) return 'device';
  if (settings.authorizationEndpoint) return 'browser';
  throw new AccountError(
    'config',
    `account ${name}: OAuth2 needs an "authorizationEndpoint" or a "deviceAuthorizationEndpoint" (or a "provider" preset) to sign in`,
  );
}

export async function login(opts: LoginOptions): Promise<LoginResult> {
  const settings = resolveSettings(opts.account, opts.auth);
  const flow = chooseFlow(settings, opts.flow);
  const answer = flow === 'device' ? await runDeviceFlow(settings, opts) : await runBrowserFlow(settings, opts);
  // Under the refresh lock: a running tmail must not be half-way through spending the old refresh token.
  const release = await acquireRefreshLock(opts.dataDir);
  try {
    await writeTokens(opts.dataDir, toStored(settings, answer, (opts.now ?? Date.now)()));
  } finally {
    await release();
  }
  return { flow, tokenFile: tokenFilePath(opts.dataDir), refreshable: answer.refreshToken !== undefined, notGranted: notGranted(settings.scope, answer.scope) };
}

// RFC 6749 5.1: `scope` in the answer lists what was granted when it differs from the request.
// Compared leniently (case, and by the part after the last "/": Microsoft may answer short names).
export function notGranted(asked: string, granted: string | undefined): string[] {
  if (granted === undefined) return [];
  const key = (s: string) => (s.split('/').pop() ?? s).toLowerCase();
  const have = new Set(granted.split(' ').filter(Boolean).map(key));
  // offline_access and openid show in the refresh token and ID token, not always in `scope`.
  return asked.split(' ').filter((s) => s && s !== 'offline_access' && s !== 'openid' && !have.has(key(s)));
}

/** Deletes the stored tokens; false when there were none. */
export function logout(dataDir: string): Promise<boolean> {
  return deleteTokens(dataDir);
}
