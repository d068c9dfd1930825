// `tmail account add`: asks for an account (or takes it from options), tests the login, and only
// then saves it. A failed login saves nothing.
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountError } from '../../domain/index.js';
import { addAccount, loadConfig } from '../../config/config.js';
import { ConfigError } from '../../config/errors.js';
import { makePasswordGetter } from '../../config/password.js';
import { paths } from '../../config/paths.js';
import { DEFAULT_PORTS, type AccountConfig, type Protocol, type Security } from '../../config/types.js';
import { resolveUserPath } from '../../config/validate.js';
import { sanitizeLine } from '../../mime/sanitize.js';
import { intOption, parseCommand, UsageError } from '../args.js';
import type { CliContext, CommandRun } from '../context.js';
import { makeAsker, secretPrompt, type Asker } from '../prompt.js';
import { oauth2Interview } from '../oauth2-offer.js';

const USAGE = `Usage: tmail account add [options]

Without options, asks for each setting with sensible defaults. With options (for scripts) nothing
is asked, except the password when it comes from neither a command nor an environment variable.
The login is tested before anything is saved.

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
  'no-test'?: boolean;
}

const PROTOCOLS: Protocol[] = ['imap', 'pop3'];
const SECURITIES: Security[] = ['tls', 'starttls', 'none'];

export const run: CommandRun = async (args, ctx) => {
  const { values, help } = parseCommand<AddOptions>(
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
      'no-test': { type: 'boolean' },
    },
    USAGE,
  );
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const existing = (await loadConfig(ctx)).accounts.map((a) => a.name);
  const scripted = Object.keys(values).some((k) => k !== 'no-test');
  const account = scripted ? fromOptions(values, existing, ctx) : await interview(makeAsker(ctx.stdin, ctx.stdout), existing, ctx);

  if (!values['no-test']) {
    const ok = account.auth?.method === 'oauth2' ? await signInFirst(account, ctx) : await checkLogin(account, ctx);
    if (!ok) {
      ctx.stderr.write('tmail: nothing was saved\n');
      return 1;
    }
  }
  await addAccount(ctx, account);
  ctx.stdout.write(`Saved account "${sanitizeLine(account.name)}" in ${paths(ctx).configFile}\n`);
  return 0;
};

function fromOptions(o: AddOptions, existing: string[], ctx: CliContext): AccountConfig {
  const protocol = choice(o.protocol ?? 'imap', PROTOCOLS, '--protocol');
  const security = choice(o.security ?? 'tls', SECURITIES, '--security');
  const email = o.email;
  if (email !== undefined && !isAddress(email)) throw new UsageError(`--email must be an e-mail address, got "${email}"`, USAGE);
  const host = o.host ?? (email ? guessHost(protocol, email) : undefined);
  if (!host) throw new UsageError('--host is required (or --email, to guess the host from its domain)', USAGE);
  const user = o.user ?? email;
  if (!user) throw new UsageError('--user is required (or --email, used as the user name)', USAGE);
  if (o['password-command'] !== undefined && o['password-env'] !== undefined) {
    throw new UsageError('give --password-command or --password-env, not both', USAGE);
  }
  const name = o.name ?? email ?? user;
  checkName(name, existing, ctx);
  const ca = o.ca === undefined ? undefined : checkCaFile(o.ca, ctx);
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
  });
}

async function interview(asker: Asker, existing: string[], ctx: CliContext): Promise<AccountConfig> {
  const out = ctx.stdout;
  out.write('Adding a mail account. Press Enter to accept the [default].\n');
  const protocol = await askValid(asker, out, 'Protocol (imap or pop3)', 'imap', (a) => choice(a.toLowerCase(), PROTOCOLS, 'protocol'));
  const email = await askValid(asker, out, 'E-mail address', undefined, (a) => {
    if (!isAddress(a)) throw new UsageError(`"${a}" is not an e-mail address`);
    return a;
  });
  const viaOAuth2 = await oauth2Interview({ protocol, email, out, ask: (q, d, check, o) => askValid(asker, out, q, d, check, o), checkName: (n) => checkName(n, existing, ctx) });
  if (viaOAuth2) return viaOAuth2;
  const host = await askValid(asker, out, 'Server host name', guessHost(protocol, email), (a) => {
    if (/[\s/@]/.test(a)) throw new UsageError(`"${a}" is not a host name`);
    return a;
  });
  const security = await askValid(asker, out, 'Security (tls, starttls or none)', 'tls', (a) => choice(a.toLowerCase(), SECURITIES, 'security'));
  let allowInsecureAuth: boolean | undefined;
  if (security === 'none') {
    out.write('Without TLS, anyone on the network path can read your password and mail.\n');
    allowInsecureAuth = (await askValid(asker, out, 'Send the password without encryption anyway? (yes or no)', 'no', yesNo)) || undefined;
  }
  const port = await askValid(asker, out, 'Port', String(DEFAULT_PORTS[protocol][security]), (a) => intOption(a, 'port', 1, 65535)!);
  const user = await askValid(asker, out, 'User name', email, (a) => a);
  out.write('Where does the password come from?\n  1) a command that prints it (e.g. pass show mail)\n  2) an environment variable\n  3) ask me each time\n');
  const source = await askValid(asker, out, 'Choice', '3', (a) => choice(a, ['1', '2', '3'], 'choice'));
  let passwordCommand: string | undefined;
  let passwordEnv: string | undefined;
  if (source === '1') passwordCommand = await askValid(asker, out, 'Password command', undefined, (a) => a);
  if (source === '2') {
    passwordEnv = await askValid(asker, out, 'Environment variable name', undefined, (a) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(a)) throw new UsageError(`"${a}" is not an environment variable name`);
      return a;
    });
  }
  const ca = await askValid(asker, out, 'CA certificate file to trust, for a self-signed server (Enter for none)', undefined, (a) =>
    a ? checkCaFile(a, ctx) : '',
    true,
  );
  const name = await askValid(asker, out, 'Account name', email, (a) => {
    checkName(a, existing, ctx);
    return a;
  });
  return compact({ name, protocol, host, port, security, user, email, passwordCommand, passwordEnv, ca: ca || undefined, allowInsecureAuth });
}

const MAX_TRIES = 5;

// Re-asks after an invalid answer (saying why); a required question never accepts an empty answer.
async function askValid<T>(
  asker: Asker,
  out: CliContext['stdout'],
  question: string,
  defaultValue: string | undefined,
  check: (answer: string) => T,
  optional = false,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const answer = await asker.ask(question, defaultValue);
    try {
      if (!answer && !optional) throw new UsageError('an answer is required');
      return check(answer);
    } catch (err) {
      if (!(err instanceof UsageError || err instanceof ConfigError) || attempt >= MAX_TRIES) throw err;
      out.write(`  ${sanitizeLine(err.message)}\n`);
    }
  }
}

async function checkLogin(config: AccountConfig, ctx: CliContext): Promise<boolean> {
  ctx.stdout.write(`Testing login to ${sanitizeLine(config.host)}:${config.port} (${config.security})...\n`);
  const { testLogin } = await import('../login-test.js');
  // A throw-away data dir: a failed test must leave nothing behind, not even an empty cache.
  const dataDir = mkdtempSync(join(tmpdir(), 'tmail-login-test-'));
  try {
    await testLogin(config, { getPassword: makePasswordGetter(config, { env: ctx.env, askSecret: secretPrompt(ctx) }), dataDir, ...(ctx.trace ? { trace: ctx.trace } : {}) });
  } catch (err) {
    if (!(err instanceof AccountError)) throw err;
    ctx.stderr.write(`tmail: login test failed: ${sanitizeLine(err.message)}\n`);
    return false;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
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

function checkName(name: string, existing: string[], ctx: CliContext): void {
  if (!name.trim() || /[\u0000-\u001f\u007f-\u009f]/.test(name)) throw new UsageError(`"${sanitizeLine(name)}" cannot be used as an account name`);
  const clash = existing.find((n) => n.toLowerCase() === name.toLowerCase());
  if (clash) throw new ConfigError(`an account named "${clash}" already exists in ${paths(ctx).configFile}; choose another --name`);
}

function checkCaFile(file: string, ctx: CliContext): string {
  const path = resolveUserPath(file, process.cwd(), ctx.env.HOME || undefined);
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    accessSync(path, constants.R_OK);
  } catch {
    throw new UsageError(`CA file ${path} does not exist or cannot be read`, USAGE);
  }
  return path;
}

function choice<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${what} must be one of ${allowed.join(', ')}, got "${value}"`, USAGE);
}

function yesNo(answer: string): boolean {
  const a = answer.toLowerCase();
  if (a === 'y' || a === 'yes') return true;
  if (a === 'n' || a === 'no') return false;
  throw new UsageError('answer yes or no');
}

function isAddress(s: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) || /^[^\s@]+@[^\s@]+$/.test(s);
}

/** imap.<domain> / pop.<domain>: the most common naming; the user confirms or corrects it. */
export function guessHost(protocol: Protocol, email: string): string {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return `${protocol === 'imap' ? 'imap' : 'pop'}.${domain}`;
}

function compact(o: AccountConfig): AccountConfig {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as unknown as AccountConfig;
}
