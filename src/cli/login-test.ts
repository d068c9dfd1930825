// "Does this account work?" before `account add` saves it: each backend knows how to check a
// login without changing anything (see the registry in accounts/index.ts).
import type { AccountDeps } from '../accounts/index.js';
import type { AccountConfig } from '../config/types.js';

/** Resolves when the server accepted the login; rejects with an AccountError otherwise. */
export async function testLogin(config: AccountConfig, deps: AccountDeps): Promise<void> {
  const { backendFor } = await import('../accounts/index.js');
  await backendFor(config.protocol).checkLogin(config, deps);
}
