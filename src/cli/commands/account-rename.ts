// `tmail account rename OLD NEW`: renames the account in config.json and moves its local data
// (cache, POP3 Maildir) to the directory of the new name. The move is one rename(2) inside the
// data dir, done first and undone if the config cannot be written.
import { existsSync, renameSync } from 'node:fs';
import { findAccount, loadConfig, renameAccount } from '../../config/config.js';
import { accountDataDir } from '../../config/paths.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { checkName } from '../account-answers.js';
import { parseCommand, UsageError } from '../args.js';
import type { CommandRun } from '../context.js';

const USAGE = `Usage: tmail account rename OLD NEW

Renames the account and moves its local data (cache, downloaded mail) along.`;

export const run: CommandRun = async (args, ctx) => {
  const { positionals, help } = parseCommand(args, {}, USAGE, 2);
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [from, to] = positionals;
  if (!from || !to) throw new UsageError('give the old and the new name', USAGE);
  const config = await loadConfig(ctx);
  const account = findAccount(config, from, ctx);
  if (account.name === to) {
    ctx.stdout.write('Nothing changed: that is already its name.\n');
    return 0;
  }
  checkName(
    to,
    config.accounts.filter((a) => a !== account).map((a) => a.name),
    ctx,
  );
  const oldDir = accountDataDir(ctx, account.name);
  const newDir = accountDataDir(ctx, to);
  const moving = oldDir !== newDir && existsSync(oldDir);
  if (moving && existsSync(newDir)) {
    throw new UsageError(`not renamed: ${newDir} already exists (left over from an earlier account?); move it away first`, USAGE);
  }
  if (moving) renameSync(oldDir, newDir);
  try {
    await renameAccount(ctx, account.name, to);
  } catch (err) {
    if (moving) renameSync(newDir, oldDir);
    throw err;
  }
  ctx.stdout.write(
    `Renamed account "${sanitizeLine(account.name)}" to "${sanitizeLine(to)}".${moving ? ` Its local data is now in ${sanitizeLine(newDir)}.` : ''}\n`,
  );
  return 0;
};
