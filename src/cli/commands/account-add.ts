// `tmail account add [ADDRESS]`: finds the servers of the address (provider table, autoconfig,
// DNS), asks the rest with those as defaults, tests the login and only then saves (or saves after
// a failed test when the user says so). With options (for scripts) nothing is looked up or asked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAccount, loadConfig } from '../../config/config.js';
import { paths } from '../../config/paths.js';
import { DEFAULT_PORTS, type AccountConfig } from '../../config/types.js';
import { AccountError } from '../../domain/index.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { checkAddress, checkCaFile, checkName, choice, guessHost, PROTOCOLS, SECURITIES } from '../account-answers.js';
import type { ProbeTarget } from '../../accounts/sign-in-probe.js';
import { runWizard } from '../account-wizard.js';
import { intOption, parseCommand, UsageError } from '../args.js';
import type { CliContext, CommandRun } from '../context.js';
import { makeAsker } from '../prompt.js';
import { tmailCommand } from '../../domain/shell-quote.js';
import { cliCredentials } from '../credentials.js';

const USAGE = `Usage: tmail account add [ADDRESS] [options]

Without options, looks up the servers of ADDRESS (tmail's table of large providers, the
provider's autoconfig file over HTTPS, DNS SRV and MX records), shows what it found and where,
and asks for each setting with those as defaults. The login is tested before anything is saved;
when it fails, you can correct only what failed, or save anyway.
With options (for scripts) nothing is looked up or asked, except the password when it comes from
neither a command nor an environment variable.

Options:
  --name NAME                account name (default: the e-mail address, else the user)
  --protocol imap|pop3       default: imap
  --email ADDRESS            your e-mail address
  --host HOST                server (default: imap.<domain> or pop.<domain> of --email)
  --security tls|starttls|none   default: tls (implicit TLS)
  --port N                   default: 993/995 with tls, 143/110 with starttls or none
  --user USER                login name (default: the e-mail address)
  --password-command CMD     shell command that prints the password on its first line
  --password-env VAR         environment variable that holds the password
  --ca FILE                  PEM certificate to trust (self-signed servers)
  --allow-insecure-auth      allow sending the password without TLS
  --leave-on-server          pop3: keep downloaded mail on the server (otherwise it is deleted there)
  --no-lookup                ask without looking up the servers (no DNS or HTTPS queries)
  --no-test                  save without testing the login`;

interface AddOptions {
  name?: string;
  protocol?: string;
  email?: string;
  host?: string;
  security?: string;
  port?: string;
  user?: string;
  'password-command'?: string;
  'password-env'?: string;
  ca?: string;
  'allow-insecure-auth'?: boolean;
  'leave-on-server'?: boolean;
  'no-lookup'?: boolean;
  'no-test'?: boolean;
}

const WIZARD_FLAGS = new Set(['no-test', 'no-lookup']);

export const run: CommandRun = async (args, ctx) => {
  const { values, positionals, help } = parseCommand<AddOptions>(
    args,
    {
      name: { type: 'string' },
      protocol: { type: 'string' },
      email: { type: 'string' },
      host: { type: 'string' },
      security: { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string' },
      'password-command': { type: 'string' },
      'password-env': { type: 'string' },
      ca: { type: 'string' },
      'allow-insecure-auth': { type: 'boolean' },
      'leave-on-server': { type: 'boolean' },
      'no-lookup': { type: 'boolean' },
      'no-test': { type: 'boolean' },
    },
    USAGE,
    1,
  );
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [address] = positionals;
  if (address !== undefined && values.email !== undefined) throw new UsageError('give the address once: as ADDRESS or as --email', USAGE);
  if (address !== undefined) checkOption(() => checkAddress(address));
  const existing = (await loadConfig(ctx)).accounts.map((a) => a.name);
  const scripted = Object.keys(values).some((k) => !WIZARD_FLAGS.has(k));

  if (scripted) {
    const account = fromOptions({ ...values, ...(address !== undefined ? { email: address } : {}) }, existing, ctx);
    const ok = values['no-test'] || (account.auth?.method === 'oauth2' ? await signInFirst(account, ctx) : await checkLogin(account, ctx));
    if (!ok) {
      ctx.stderr.write('tmail: nothing was saved\n');
      return 1;
    }
    return save(account, ctx);
  }

  const result = await runWizard(
    {
      asker: makeAsker(ctx.stdin, ctx.stdout),
      out: ctx.stdout,
      ctx,
      existingNames: existing,
      ...(values['no-lookup'] ? {} : { discover: (email: string) => discoverServers(email, ctx) }),
      ...(values['no-test'] ? {} : { testLogin: (account: AccountConfig) => loginTest(account, ctx) }),
      ...(values['no-test']
        ? {}
        : { probeMechanisms: async (target: ProbeTarget) => (await import('../../accounts/sign-in-probe.js')).probeSaslMechanisms(target) }),
    },
    address,
  );
  if (result.outcome === 'gave-up' || (result.outcome === 'oauth2' && !values['no-test'] && !(await signInFirst(result.account, ctx)))) {
    ctx.stderr.write('tmail: nothing was saved\n');
    return 1;
  }
  const code = await save(result.account, ctx);
  if (result.outcome === 'failed-saved') {
    ctx.stderr.write(`tmail: warning: the login test failed; fix the account with: ${sanitizeLine(tmailCommand('account', 'edit', result.account.name))}\n`);
  }
  return code;
};

async function save(account: AccountConfig, ctx: CliContext): Promise<number> {
  await addAccount(ctx, account);
  ctx.stdout.write(`Saved account "${sanitizeLine(account.name)}" in ${paths(ctx).configFile}\n`);
  return 0;
}

async function discoverServers(email: string, ctx: CliContext) {
  const [{ discover }, { discoveryDepsFromEnv }] = await Promise.all([import('../../discovery/discover.js'), import('../../discovery/deps-from-env.js')]);
  return discover(email, discoveryDepsFromEnv(ctx.env));
}

function checkOption<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(err.message, USAGE);
    throw err;
  }
}

function fromOptions(o: AddOptions, existing: string[], ctx: CliContext): AccountConfig {
  const protocol = choice(o.protocol ?? 'imap', PROTOCOLS, '--protocol', USAGE);
  const security = choice(o.security ?? 'tls', SECURITIES, '--security', USAGE);
  const email = o.email;
  if (email !== undefined) checkOption(() => checkAddress(email));
  const host = o.host ?? (email ? guessHost(protocol, email) : undefined);
  if (!host) throw new UsageError('--host is required (or --email, to guess the host from its domain)', USAGE);
  const user = o.user ?? email;
  if (!user) throw new UsageError('--user is required (or --email, used as the user name)', USAGE);
  if (o['password-command'] !== undefined && o['password-env'] !== undefined) {
    throw new UsageError('give --password-command or --password-env, not both', USAGE);
  }
  if (o['leave-on-server'] && protocol !== 'pop3') throw new UsageError('--leave-on-server only applies to pop3', USAGE);
  const name = o.name ?? email ?? user;
  checkName(name, existing, ctx);
  const ca = o.ca === undefined ? undefined : checkCaFile(o.ca, ctx, USAGE);
  return compact({
    name,
    protocol,
    host,
    port: intOption(o.port, '--port', 1, 65535, USAGE) ?? DEFAULT_PORTS[protocol][security],
    security,
    user,
    email,
    passwordCommand: o['password-command'],
    passwordEnv: o['password-env'],
    ca,
    allowInsecureAuth: o['allow-insecure-auth'] || undefined,
    leaveOnServer: o['leave-on-server'] || undefined,
  });
}

/** Rejects with the backend's AccountError when the login does not work. */
async function loginTest(config: AccountConfig, ctx: CliContext): Promise<void> {
  const { testLogin } = await import('../login-test.js');
  // A throw-away data dir: a failed test must leave nothing behind, not even an empty cache.
  const dataDir = mkdtempSync(join(tmpdir(), 'tmail-login-test-'));
  try {
    await testLogin(config, { credentials: cliCredentials(ctx, config, dataDir), dataDir, ...(ctx.trace ? { trace: ctx.trace } : {}) });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function checkLogin(config: AccountConfig, ctx: CliContext): Promise<boolean> {
  ctx.stdout.write(`Testing login to ${sanitizeLine(config.host)}:${config.port} (${config.security})...\n`);
  try {
    await loginTest(config, ctx);
  } catch (err) {
    if (!(err instanceof AccountError)) throw err;
    ctx.stderr.write(`tmail: login test failed: ${sanitizeLine(err.message)}\n`);
    return false;
  }
  ctx.stdout.write('Login OK.\n');
  return true;
}

// OAuth2: signing in (and storing the tokens) is the test; a failed sign-in saves nothing.
async function signInFirst(config: AccountConfig, ctx: CliContext): Promise<boolean> {
  const { signIn } = await import('./account-login.js');
  try {
    await signIn(ctx, config);
  } catch (err) {
    if (!(err instanceof AccountError)) throw err;
    ctx.stderr.write(`tmail: sign-in failed: ${sanitizeLine(err.message)}\n`);
    return false;
  }
  return true;
}

function compact(o: AccountConfig): AccountConfig {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as unknown as AccountConfig;
}
