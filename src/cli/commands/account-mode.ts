// `tmail account mode NAME pop3|imap`: switches how an account talks to its server, after saying
// plainly what that does to the mail on the server. Nothing is downloaded or deleted here; the
// next sync (POP3) or the next open (IMAP) acts on the new mode. No mail is lost either way: the
// local POP3 cache stays on disk when switching to IMAP, and switching back finds it again.
import { join } from 'node:path';
import { findAccount, loadConfig, updateAccount } from '../../config/config.js';
import { accountDataDir } from '../../config/paths.js';
import { DEFAULT_PORTS, type AccountConfig, type Protocol } from '../../config/types.js';
import { sanitizeLine } from '../../mime/sanitize.js';
import { UsageError, parseCommand } from '../args.js';
import type { CliContext, CommandRun } from '../context.js';
import { makeAsker } from '../prompt.js';

const USAGE = `Usage: tmail account mode NAME pop3|imap [--leave-on-server] [--yes]

Switches the account between IMAP (mail stays on the server, flags and folders shared with
other devices) and POP3 (the server INBOX is downloaded into a local Maildir).
  --leave-on-server   with pop3: keep downloaded messages on the server
  -y, --yes           do not ask for confirmation (required when stdin is not a terminal)`;

export const run: CommandRun = async (args, ctx) => {
  const { values, positionals, help } = parseCommand<{ 'leave-on-server'?: boolean; yes?: boolean }>(
    args,
    { 'leave-on-server': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } },
    USAGE,
    2,
  );
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [name, mode] = positionals;
  if (!name || !mode) throw new UsageError('give the account name and the mode (pop3 or imap)', USAGE);
  const target = mode.toLowerCase();
  if (target !== 'pop3' && target !== 'imap') throw new UsageError(`the mode must be pop3 or imap, got "${mode}"`, USAGE);
  if (values['leave-on-server'] && target !== 'pop3') throw new UsageError('--leave-on-server only applies to pop3', USAGE);

  const account = findAccount(await loadConfig(ctx), name, ctx);
  const label = sanitizeLine(account.name);
  const leaveOnServer = values['leave-on-server'] === true || account.leaveOnServer === true;
  if (account.protocol === target && !(values['leave-on-server'] && !account.leaveOnServer)) {
    ctx.stdout.write(`Account ${label} already uses ${target.toUpperCase()}; nothing changed.\n`);
    return 0;
  }

  const patch: Partial<AccountConfig> = { protocol: target };
  const port = switchedPort(account, target);
  if (port !== account.port) patch.port = port;
  if (values['leave-on-server']) patch.leaveOnServer = true;

  ctx.stdout.write(`${explain(account, target, leaveOnServer, accountDataDir(ctx, account.name), port)}\n`);
  if (!values.yes) {
    if (!ctx.stdin.isTTY) {
      throw new UsageError('not changed: add --yes to confirm when stdin is not a terminal', USAGE);
    }
    const answer = await makeAsker(ctx.stdin, ctx.stdout).ask('Switch now? (yes/no)', 'no');
    if (!/^y(es)?$/i.test(answer)) {
      ctx.stdout.write('Not changed.\n');
      return 1;
    }
  }
  await updateAccount(ctx, account.name, patch);
  ctx.stdout.write(`Account ${label} now uses ${target.toUpperCase()} on port ${port}.${target === 'pop3' ? ' Run "tmail sync" (or open tmail) to download.' : ''}\n`);
  return 0;
};

/** The new protocol's default port when the account used the old protocol's default; else unchanged. */
export function switchedPort(account: AccountConfig, target: Protocol): number {
  const from = DEFAULT_PORTS[account.protocol];
  const to = DEFAULT_PORTS[target];
  if (account.port === from[account.security]) return to[account.security];
  // e.g. 993 with security "starttls" (odd, but keep the mapping obvious): any default of the old protocol.
  for (const security of ['tls', 'starttls', 'none'] as const) if (account.port === from[security]) return to[security];
  return account.port;
}

export function explain(account: AccountConfig, target: Protocol, leaveOnServer: boolean, dataDir: string, port: number): string {
  const label = sanitizeLine(account.name);
  const maildir = join(dataDir, 'Maildir');
  const portLine = port !== account.port ? `\nThe port changes from ${account.port} to ${port} (the ${target.toUpperCase()} default).` : '';
  if (target === 'pop3') {
    const server = leaveOnServer
      ? account.deleteAfterDays !== undefined
        ? `Messages stay on the server and are deleted there ${account.deleteAfterDays} days after they were downloaded.`
        : 'Messages stay on the server (leaveOnServer); other devices still see them.'
      : 'Each message is then DELETED FROM THE SERVER once it is safely stored here, so other devices\nand webmail will no longer see it. Use --leave-on-server to keep the server copies.';
    return `Switching ${label} from IMAP to POP3:
The next sync downloads the server INBOX into ${maildir}.
${server}
Only the INBOX is downloaded; other server folders are left as they are. Read/unread, flags and
folders then live only on this computer.${portLine}`;
  }
  return `Switching ${label} from POP3 to IMAP:
tmail will show the server's folders again. Messages that POP3 already downloaded and deleted
from the server are no longer there; their local copies stay on disk in ${maildir}
and are not deleted (switch back to POP3 to see them in tmail, or open them with mutt/neomutt).${portLine}`;
}
