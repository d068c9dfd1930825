// The account's OAuth2 tokens on disk: one JSON file in the account's data dir (never in
// config.json), mode 0600 in a 0700 directory, replaced atomically so a crash mid-write never
// leaves half a refresh token (which would mean signing in again).
import { chmod, mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AccountError } from '../../domain/index.js';
import { readJsonFile, writeFileAtomic } from '../../store/atomic-file.js';

export const TOKEN_FILE = 'oauth2-tokens.json';

export interface StoredTokens {
  version: 1;
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms; absent when the server did not say how long the token lives. */
  expiresAt?: number;
  scope?: string;
  /** Which client and server issued them: tokens of another client id are not used. */
  clientId: string;
  tokenEndpoint: string;
}

export function tokenFilePath(accountDataDir: string): string {
  return join(accountDataDir, TOKEN_FILE);
}

/** The stored tokens, or undefined when there are none (or they are unreadable as tokens). */
export async function readTokens(accountDataDir: string): Promise<StoredTokens | undefined> {
  const data = await readJsonFile<Partial<StoredTokens>>(tokenFilePath(accountDataDir)).catch((err: unknown) => {
    // A corrupt file is as good as none: the user signs in again, which rewrites it.
    if (err instanceof AccountError && /corrupt/.test(err.message)) return undefined;
    throw err;
  });
  if (!data || data.version !== 1 || typeof data.accessToken !== 'string' || typeof data.clientId !== 'string' || typeof data.tokenEndpoint !== 'string')
    return undefined;
  return data as StoredTokens;
}

export async function writeTokens(accountDataDir: string, tokens: StoredTokens): Promise<void> {
  await mkdir(accountDataDir, { recursive: true, mode: 0o700 });
  // mkdir's mode does not apply to a directory that already exists (e.g. made by an older tmail with the umask's mode).
  await chmod(accountDataDir, 0o700);
  await writeFileAtomic(tokenFilePath(accountDataDir), `${JSON.stringify(tokens, null, 2)}\n`);
}

/** Removes the tokens; resolves to false when there were none. */
export async function deleteTokens(accountDataDir: string): Promise<boolean> {
  try {
    await unlink(tokenFilePath(accountDataDir));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new AccountError('local', `cannot delete ${tokenFilePath(accountDataDir)}: ${(err as Error).message}`, { cause: err });
  }
}
