// `tmail account list`: one line per account. Shows where a password comes from, never a
// password; the password command is shown (it is a command, not a secret) but never run.
import { loadConfig } from '../../config/config.js';
import { paths } from '../../config/paths.js';
import type { AccountConfig } from '../../config/types.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { parseCommand } from '../args.js';
import type { CommandRun } from '../context.js';
import { formatTable } from '../table.js';

const USAGE = `Usage: tmail account list

Lists the configured accounts (no secrets): name, protocol, server, security, user, password source.`;

export const run: CommandRun = async (args, ctx) => {
  const { help } = parseCommand(args, {}, USAGE);
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = await loadConfig(ctx);
  if (!config.accounts.length) {
    ctx.stdout.write(`No accounts in ${paths(ctx).configFile}. Add one with: tmail account add\n`);
    return 0;
  }
  const header = ['Name', 'Protocol', 'Server', 'Security', 'User', 'Password', 'Notes'];
  const rows = config.accounts.map((a) => [a.name, a.protocol, `${a.host}:${a.port}`, a.security, a.user, passwordSource(a), notes(a)].map(sanitizeLine));
  ctx.stdout.write(`${formatTable([header, ...rows]).join('\n')}\n`);
  return 0;
};

export function passwordSource(a: AccountConfig): string {
  if (a.auth?.method === 'oauth2') {
    if (a.auth.tokenCommand) return `OAuth2 token command: ${a.auth.tokenCommand}`;
    return `OAuth2${a.auth.provider ? ` (${a.auth.provider})` : ''}: tmail account login ${a.name}`;
  }
  if (a.passwordCommand) return `command: ${a.passwordCommand}`;
  if (a.passwordEnv) return `env: $${a.passwordEnv}`;
  return 'asked when needed';
}

function notes(a: AccountConfig): string {
  const out: string[] = [];
  if (a.email && a.email !== a.user) out.push(`address ${a.email}`);
  if (a.ca) out.push(`trusts ${a.ca}`);
  if (a.allowInsecureAuth) out.push('password may be sent without TLS');
  if (a.protocol === 'pop3') {
    if (a.leaveOnServer) out.push(a.deleteAfterDays ? `leave on server ${a.deleteAfterDays} days` : 'leave on server');
    else out.push('delete from server after download');
  }
  return out.join('; ');
}
