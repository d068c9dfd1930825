// The credentials a backend signs in with, from its deps: `credentials` when given, else the
// older `getPassword` wrapped as password credentials.
import { type Credentials, passwordCredentials } from '../auth/credentials.js';
import { AccountError } from '../domain/index.js';
import type { AccountDeps } from './account.js';

export function depsCredentials(user: string, deps: Pick<AccountDeps, 'credentials' | 'getPassword'>, account: string): Credentials {
  if (deps.credentials) return deps.credentials;
  const getPassword = deps.getPassword;
  if (!getPassword) {
    return passwordCredentials(user, () => Promise.reject(new AccountError('config', `account ${account}: no way to get the password was given`)));
  }
  return passwordCredentials(user, getPassword);
}

/** What the credentials send, for "refusing to send the … without TLS". */
export function secretName(creds: Credentials): string {
  return creds.kind === 'oauth2' ? 'access token' : 'password';
}
