// `tmail account remove NAME`: takes the account out of config.json after saying what happens to
// its local data. Nothing on the server changes. A cache of server mail (IMAP) is deleted; mail
// POP3 downloaded may be the only copy left anywhere, so it is kept unless the user says otherwise.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findAccount, loadConfig, removeAccount } from '../../config/config.js';
import { accountDataDir } from '../../config/paths.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { askValid, yesNo } from '../account-answers.js';
import { parseCommand, UsageError } from '../args.js';
import type { CommandRun } from '../context.js';
import { makeAsker } from '../prompt.js';

const USAGE = `Usage: tmail account remove NAME [--yes] [--delete-mail]

Removes the account from config.json; nothing on the server changes. Its local cache is deleted.
Mail that POP3 downloaded (the local Maildir) is kept unless you say otherwise: it may be the only
copy left.
  -y, --yes        do not ask (required when stdin is not a terminal)
  --delete-mail    also delete the downloaded mail (Maildir)`;

// Kept with the Maildir: the POP3 state says which messages are already downloaded, so adding the
// account again later does not download (and duplicate) them again.
const KEPT_WITH_MAIL = new Set(['Maildir', 'pop3-state.json', 'pop3-state.json.journal']);

export const run: CommandRun = async (args, ctx) => {
  const { values, positionals, help } = parseCommand<{ yes?: boolean; 'delete-mail'?: boolean }>(
    args,
    { yes: { type: 'boolean', short: 'y' }, 'delete-mail': { type: 'boolean' } },
    USAGE,
    1,
  );
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [name] = positionals;
  if (!name) throw new UsageError('give the name of the account to remove', USAGE);
  const account = findAccount(await loadConfig(ctx), name, ctx);
  const label = sanitizeLine(account.name);
  const dataDir = accountDataDir(ctx, account.name);
  const maildir = join(dataDir, 'Maildir');
  const hasMail = existsSync(maildir);
  const out = ctx.stdout;

  out.write(`Removing account "${label}" from the config. Nothing on the server changes.\n`);
  if (existsSync(dataDir)) out.write(`Its local cache in ${sanitizeLine(dataDir)} is deleted.\n`);
  if (hasMail) out.write(`Mail downloaded by POP3 is in ${sanitizeLine(maildir)}; mail deleted from the server exists only there.\n`);
  const interactive = !values.yes;
  if (interactive && !ctx.stdin.isTTY) throw new UsageError('not removed: add --yes to confirm when stdin is not a terminal', USAGE);
  const asker = makeAsker(ctx.stdin, ctx.stdout);
  if (interactive && !(await askValid(asker, out, `Remove account "${label}"? (yes or no)`, 'no', yesNo))) {
    out.write('Not removed.\n');
    return 1;
  }
  let deleteMail = values['delete-mail'] === true;
  if (hasMail && interactive && !deleteMail) {
    deleteMail = await askValid(asker, out, 'Also DELETE the downloaded mail? (yes or no)', 'no', yesNo);
  }

  await removeAccount(ctx, account.name);
  if (existsSync(dataDir)) {
    if (deleteMail || !hasMail) rmSync(dataDir, { recursive: true, force: true });
    else for (const entry of readdirSync(dataDir)) if (!KEPT_WITH_MAIL.has(entry)) rmSync(join(dataDir, entry), { recursive: true, force: true });
  }
  out.write(`Removed account "${label}".`);
  if (hasMail) out.write(deleteMail ? ' Its downloaded mail was deleted.' : ` Its downloaded mail is kept in ${sanitizeLine(maildir)}.`);
  out.write('\n');
  return 0;
};
