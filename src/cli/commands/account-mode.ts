// `tmail account mode NAME pop3|imap`: switches how an account talks to its server, after saying
// plainly what that does to the mail on the server. Nothing is downloaded or deleted here; the
// next sync (POP3) or the next open (IMAP) acts on the new mode. No mail is lost either way: the
// local POP3 cache stays on disk when switching to IMAP, and switching back finds it again.
// The plan and the words live in config/mode-switch.ts, shared with the UI's switch key.
import { findAccount, loadConfig } from '../../config/config.js';
import { applySwitch, explainSwitch, isNoop, planSwitch } from '../../config/mode-switch.js';
import { accountDataDir } from '../../config/paths.js';
import { renderBody } from '../../mime/render-body.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { askValid, yesNo } from '../account-answers.js';
import { UsageError, parseCommand } from '../args.js';
import type { CommandRun } from '../context.js';
import { makeAsker } from '../prompt.js';
import { tmailCommand } from '../../domain/shell-quote.js';

const USAGE = `Usage: tmail account mode NAME pop3|imap [--leave-on-server] [--yes]

Switches the account between IMAP (mail stays on the server, flags and folders shared with
other devices) and POP3 (the server INBOX is downloaded into a local Maildir).
  --leave-on-server   with pop3: keep downloaded messages on the server
  -y, --yes           do not ask for confirmation (required when stdin is not a terminal)`;

/** Columns the explanation is wrapped to (readable in any terminal, and in a log). */
const WRAP = 78;

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
  const plan = planSwitch(account, target, { leaveOnServer: values['leave-on-server'] === true });
  if (isNoop(plan)) {
    ctx.stdout.write(`Account ${label} already uses ${target.toUpperCase()}; nothing changed.\n`);
    return 0;
  }

  const text = explainSwitch(plan, accountDataDir(ctx, account.name), 'Use --leave-on-server to keep the server copies.');
  ctx.stdout.write(`${renderBody(text, WRAP).join('\n')}\n`);
  if (!values.yes) {
    if (!ctx.stdin.isTTY) {
      throw new UsageError('not changed: add --yes to confirm when stdin is not a terminal', USAGE);
    }
    if (!(await askValid(makeAsker(ctx.stdin, ctx.stdout), ctx.stdout, 'Switch now? (yes or no)', 'no', yesNo))) {
      ctx.stdout.write('Not changed.\n');
      return 1;
    }
  }
  await applySwitch(ctx, plan);
  ctx.stdout.write(
    `Account ${label} now uses ${target.toUpperCase()} on port ${plan.port}.${target === 'pop3' ? ` Run ${sanitizeLine(tmailCommand('sync', '--account', account.name))} (or open tmail) to download.` : ''}\n`,
  );
  return 0;
};
