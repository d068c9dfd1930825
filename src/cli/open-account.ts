// The path every account-using command takes: config → chosen account → backend → login.
import type { MailAccount } from '../accounts/account.js';
import { findAccount, loadConfig } from '../config/config.js';
import { accountDataDir } from '../config/paths.js';
import type { AccountConfig } from '../config/types.js';
import type { CliContext } from './context.js';
import { cliCredentials } from './credentials.js';

/** Connects the named (default: first) account, runs `fn`, and always logs out. */
export async function withAccount<T>(ctx: CliContext, name: string | undefined, fn: (account: MailAccount, config: AccountConfig) => Promise<T>): Promise<T> {
  const config = findAccount(await loadConfig(ctx), name, ctx);
  const { createAccount } = await import('../accounts/index.js');
  const dataDir = accountDataDir(ctx, config.name);
  const account = await createAccount(config, {
    credentials: cliCredentials(ctx, config, dataDir),
    dataDir,
    ...(ctx.trace ? { trace: ctx.trace } : {}),
  });
  try {
    await account.connect();
    return await fn(account, config);
  } finally {
    await account.close().catch(() => undefined);
  }
}
