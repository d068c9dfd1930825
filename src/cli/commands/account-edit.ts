// `tmail account edit NAME [field=value ...]`: with assignments, changes exactly those fields;
// without, asks for each setting with the current value as the default. Either way the result is
// validated as a whole (config/validate.ts) before config.json is written.
import { editAccount, findAccount, loadConfig } from '../../config/config.js';
import type { AccountConfig } from '../../config/types.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { askValid, checkAddress, checkCaFile, checkEnvName, checkHost, checkPort, choice, SECURITIES, yesNo } from '../account-answers.js';
import { EDITABLE_FIELDS, parseAssignments, type Change } from '../account-fields.js';
import { parseCommand, UsageError } from '../args.js';
import type { CliContext, CommandRun } from '../context.js';
import { makeAsker, type Asker } from '../prompt.js';

const USAGE = `Usage: tmail account edit NAME [field=value ...]

Without assignments, asks for each setting with the current value as the [default].
With assignments, sets exactly those fields; an empty value ("ca=") removes a field.
The whole account is checked before config.json is written.
Fields: ${EDITABLE_FIELDS.join(', ')}
The name and the protocol have their own commands: tmail account rename, tmail account mode.`;

export const run: CommandRun = async (args, ctx) => {
  const { positionals, help } = parseCommand(args, {}, USAGE, Number.MAX_SAFE_INTEGER);
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [name, ...assignments] = positionals;
  if (!name) throw new UsageError('give the name of the account to edit', USAGE);
  let changes: Change[];
  try {
    changes = assignments.length ? parseAssignments(assignments) : [];
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(err.message, USAGE);
    throw err;
  }
  const account = findAccount(await loadConfig(ctx), name, ctx);
  if (!assignments.length) changes = await interview(makeAsker(ctx.stdin, ctx.stdout), ctx, account);
  changes = changes.filter(([path, value]) => value !== undefined || valueAt(account, path) !== undefined);
  if (changes.length === 0) {
    ctx.stdout.write('Nothing changed.\n');
    return 0;
  }
  await editAccount(ctx, account.name, changes);
  const what = changes.map(([path, value]) => `${path.join('.')}${value === undefined ? ' removed' : `=${JSON.stringify(value)}`}`);
  ctx.stdout.write(`Account "${sanitizeLine(account.name)}" changed: ${sanitizeLine(what.join(', '))}\n`);
  return 0;
};

function valueAt(account: AccountConfig, path: string[]): unknown {
  let v: unknown = account;
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

async function interview(asker: Asker, ctx: CliContext, a: AccountConfig): Promise<Change[]> {
  const out = ctx.stdout;
  out.write(`Editing account "${sanitizeLine(a.name)}" (${a.protocol}). Press Enter to keep the [current value].\n`);
  const changes: Change[] = [];
  const set = (path: string[], value: unknown) => {
    if (value !== valueAt(a, path)) changes.push([path, value]);
  };
  const email = (await askValid(asker, out, 'E-mail address', a.email, (x) => (x ? checkAddress(x) : undefined), true)) ?? a.email;
  set(['email'], email);
  set(['host'], await askValid(asker, out, 'Server host name', a.host, checkHost));
  const security = await askValid(asker, out, 'Security (tls, starttls or none)', a.security, (x) => choice(x.toLowerCase(), SECURITIES, 'security'));
  set(['security'], security);
  if (security === 'none' && !a.allowInsecureAuth) {
    out.write('Without TLS, anyone on the network path can read your password and mail.\n');
    set(['allowInsecureAuth'], (await askValid(asker, out, 'Send the password without encryption anyway? (yes or no)', 'no', yesNo)) || undefined);
  }
  set(['port'], await askValid(asker, out, 'Port', String(a.port), checkPort));
  set(['user'], await askValid(asker, out, 'User name', a.user, (x) => x));
  out.write('Where does the password come from?\n  1) a command that prints it\n  2) an environment variable\n  3) ask me each time\n');
  const source = await askValid(asker, out, 'Choice', a.passwordCommand ? '1' : a.passwordEnv ? '2' : '3', (x) => choice(x, ['1', '2', '3'], 'choice'));
  set(['passwordCommand'], source === '1' ? await askValid(asker, out, 'Password command', a.passwordCommand, (x) => x) : undefined);
  set(['passwordEnv'], source === '2' ? await askValid(asker, out, 'Environment variable name', a.passwordEnv, checkEnvName) : undefined);
  const ca = await askValid(asker, out, 'CA certificate file to trust ("-" for none)', a.ca ?? '-', (x) => (x === '-' ? '' : checkCaFile(x, ctx)));
  set(['ca'], ca || undefined);
  if (a.protocol === 'pop3') {
    out.write('Unless mail is kept on the server, every message POP3 downloads is DELETED FROM THE SERVER.\n');
    const keep = await askValid(asker, out, 'Keep mail on the server? (yes or no)', a.leaveOnServer ? 'yes' : 'no', yesNo);
    set(['leaveOnServer'], keep);
    if (!keep) set(['deleteAfterDays'], undefined);
  }
  if (a.smtp) {
    const host = await askValid(asker, out, 'SMTP server host name ("-" to stop sending from this account)', a.smtp.host, (x) =>
      x === '-' ? x : checkHost(x),
    );
    if (host === '-') set(['smtp'], undefined);
    else {
      set(['smtp', 'host'], host);
      const smtpSecurity = await askValid(asker, out, 'SMTP security (tls, starttls or none)', a.smtp.security, (x) =>
        choice(x.toLowerCase(), SECURITIES, 'security'),
      );
      set(['smtp', 'security'], smtpSecurity);
      set(['smtp', 'port'], await askValid(asker, out, 'SMTP port', String(a.smtp.port), checkPort));
    }
  } else if (await askValid(asker, out, 'Set up sending mail (SMTP)? (yes or no)', 'no', yesNo)) {
    // The address's domain, else the server's without its first label (pop.example.org -> example.org).
    const domain =
      [email, a.user]
        .find((x) => x?.includes('@'))
        ?.split('@')
        .at(-1) ?? a.host.replace(/^[^.]+\.(?=.+\.)/, '');
    const host = await askValid(asker, out, 'SMTP server host name', `smtp.${domain}`, checkHost);
    const smtpSecurity = await askValid(asker, out, 'SMTP security (tls, starttls or none)', 'starttls', (x) =>
      choice(x.toLowerCase(), SECURITIES, 'security'),
    );
    const port = await askValid(asker, out, 'SMTP port', smtpSecurity === 'tls' ? '465' : '587', checkPort);
    set(['smtp'], { host, port, security: smtpSecurity });
  }
  return changes;
}
