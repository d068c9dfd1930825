// `tmail account logout NAME`: deletes the account's stored OAuth2 tokens.
import { findAccount, loadConfig } from '../../config/config.js';
import { accountDataDir } from '../../config/paths.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { parseCommand, UsageError } from '../args.js';
import type { CommandRun } from '../context.js';

const USAGE = `Usage: tmail account logout NAME

Deletes the OAuth2 tokens "tmail account login" stored for the account. The provider may still
list tmail as allowed: remove it there to revoke the access too.`;

export const run: CommandRun = async (args, ctx) => {
  const { positionals, help } = parseCommand<object>(args, {}, USAGE, 1);
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [name] = positionals;
  if (!name) throw new UsageError('give the name of the account to sign out of', USAGE);
  const account = findAccount(await loadConfig(ctx), name, ctx);
  const { logout } = await import('../../auth/oauth2/login.js');
  const { tokenFilePath } = await import('../../auth/oauth2/token-store.js');
  const dataDir = accountDataDir(ctx, account.name);
  const label = sanitizeLine(account.name);
  if (await logout(dataDir)) ctx.stdout.write(`Signed out of account ${label}: deleted ${tokenFilePath(dataDir)}.\n`);
  else ctx.stdout.write(`Account ${label} had no stored tokens; nothing to delete.\n`);
  return 0;
};
