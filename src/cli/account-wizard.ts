// The questions of `tmail account add`: the address first, then what discovery found (and where)
// as the defaults, the POP3 keep-on-server choice in plain words, the smtp block, and a login test
// that on failure keeps every answer and asks again only what failed.
import { AccountError } from '../domain/index.js';
import { DEFAULT_PORTS, type AccountConfig, type Protocol, type Security, type SmtpConfig } from '../config/types.js';
import type { PathContext } from '../config/paths.js';
import type { DiscoveryResult, Finding, ServerSetting } from '../discovery/types.js';
import type { ProbeTarget } from '../accounts/sign-in-probe.js';
import { offersOnlyOAuth2 } from '../auth/sasl.js';
import { sanitizeLine } from '../text/sanitize.js';
import {
  askValid,
  checkAddress,
  checkCaFile,
  checkEnvName,
  checkHost,
  checkName,
  checkPort,
  choice,
  guessHost,
  PROTOCOLS,
  SECURITIES,
  yesNo,
} from './account-answers.js';
import { UsageError } from './args.js';
import { oauth2Interview, oauth2OnlyQuestions } from './oauth2-offer.js';
import { providerForOAuth } from '../discovery/providers.js';
import type { Asker } from './prompt.js';

export interface WizardDeps {
  asker: Asker;
  out: { write(text: string): unknown };
  ctx: PathContext;
  existingNames: readonly string[];
  /** Looks up the servers of an address; absent with --no-lookup. */
  discover?: (email: string) => Promise<DiscoveryResult>;
  /** Resolves when the login works; rejects with an AccountError. Absent with --no-test. */
  testLogin?: (account: AccountConfig) => Promise<void>;
  /** The SASL mechanisms the server offers, asked without logging in (accounts/sign-in-probe.ts); absent with --no-test. */
  probeMechanisms?: (target: ProbeTarget) => Promise<string[] | undefined>;
}

/** 'oauth2': an OAuth2 account at a known provider; signing in (account-add) is its test. */
export type WizardResult = { account: AccountConfig; outcome: 'tested' | 'untested' | 'failed-saved' | 'oauth2' } | { outcome: 'gave-up' };

export async function runWizard(deps: WizardDeps, email?: string): Promise<WizardResult> {
  const { asker, out } = deps;
  out.write('Adding a mail account. Press Enter to accept the [default].\n');
  const address = email ?? (await askValid(asker, out, 'E-mail address', undefined, checkAddress));
  const findings = deps.discover ? await showDiscovery(deps, address) : [];
  const first = (p: 'imap' | 'pop3' | 'smtp') => findings.find((f) => f[p])?.[p];

  const a: Answers = { email: address } as Answers;
  const offered = first('imap') ? 'imap' : first('pop3') ? 'pop3' : 'imap';
  a.protocol = await askValid(asker, out, 'Protocol (imap or pop3)', offered, (x) => choice(x.toLowerCase(), PROTOCOLS, 'protocol'));
  const viaOAuth2 = await oauth2Interview({
    protocol: a.protocol,
    email: address,
    ...(oauthProviderOf(findings) ? { provider: oauthProviderOf(findings)! } : {}),
    out,
    ask: (q, d, check, optional) => askValid(asker, out, q, d, check, optional),
    checkName: (n) => void checkName(n, deps.existingNames, deps.ctx),
  });
  if (viaOAuth2) {
    // Sending signs in with the same tokens, so the provider's submission server is the default.
    const provider = viaOAuth2.auth?.method === 'oauth2' ? viaOAuth2.auth.provider : undefined;
    const smtp = await askSmtp(
      deps,
      { ...a, user: viaOAuth2.user, host: viaOAuth2.host },
      first('smtp') ?? (provider ? providerForOAuth(provider)?.smtp : undefined),
      true,
    );
    return { account: smtp ? { ...viaOAuth2, smtp } : viaOAuth2, outcome: 'oauth2' };
  }
  const found = first(a.protocol);
  await askServer(deps, a, found);
  a.user = await askValid(asker, out, 'User name', found?.user ?? address, (x) => x);
  const oauth2Only = await oauth2OnlyAccount(deps, a);
  if (oauth2Only) return oauth2Only;
  if (a.protocol === 'pop3') await askKeepOnServer(deps, a);
  await askPasswordSource(deps, a);
  a.ca = await askCa(deps, a.ca);
  a.smtp = await askSmtp(deps, a, first('smtp'));
  a.name = await askValid(asker, out, 'Account name', address, (x) => checkName(x, deps.existingNames, deps.ctx));

  if (!deps.testLogin) return { account: toConfig(a), outcome: 'untested' };
  for (;;) {
    const account = toConfig(a);
    out.write(`Testing login to ${sanitizeLine(account.host)}:${account.port} (${account.security})...\n`);
    let failure: AccountError;
    try {
      await deps.testLogin(account);
      out.write('Login OK.\n');
      return { account, outcome: 'tested' };
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      failure = err;
    }
    out.write(`Login test failed: ${sanitizeLine(failure.message)}\n`);
    out.write(
      '  1) change what failed and try again\n  2) try again unchanged\n  3) save anyway (the account will not work until this is fixed)\n  4) give up, save nothing\n',
    );
    const next = await askValid(asker, out, 'What now?', '1', (x) => choice(x, ['1', '2', '3', '4'], 'choice'));
    if (next === '3') {
      out.write('Saving the account although the login test failed.\n');
      return { account, outcome: 'failed-saved' };
    }
    if (next === '4') return { outcome: 'gave-up' };
    if (next === '1') await askAgain(deps, a, failure);
  }
}

interface Answers {
  name: string;
  email: string;
  protocol: Protocol;
  host: string;
  security: Security;
  port: number;
  user: string;
  allowInsecureAuth?: boolean;
  passwordCommand?: string;
  passwordEnv?: string;
  ca?: string;
  leaveOnServer?: boolean;
  deleteAfterDays?: number;
  smtp?: SmtpConfig;
}

/** The OAuth2 preset of a provider hosting the domain (found by its MX records), if any. */
function oauthProviderOf(findings: Finding[]): string | undefined {
  return findings.find((f) => f.oauthProvider)?.oauthProvider;
}

/** When the server offers only OAuth2 mechanisms: the OAuth2 questions instead of the password ones. */
async function oauth2OnlyAccount(deps: WizardDeps, a: Answers): Promise<WizardResult | undefined> {
  if (!deps.probeMechanisms) return undefined;
  const offered = await deps.probeMechanisms({ protocol: a.protocol, host: a.host, port: a.port, security: a.security, ...(a.ca ? { ca: a.ca } : {}) });
  if (!offered || !offersOnlyOAuth2(offered)) return undefined;
  const ask: Parameters<typeof oauth2OnlyQuestions>[0]['ask'] = (q, d, check, optional) => askValid(deps.asker, deps.out, q, d, check, optional);
  const auth = await oauth2OnlyQuestions({ ask, out: deps.out, where: `${sanitizeLine(a.host)}:${a.port}`, offered: offered.map(sanitizeLine) });
  if (a.protocol === 'pop3') await askKeepOnServer(deps, a);
  a.smtp = await askSmtp(deps, a, undefined, true);
  a.name = await askValid(deps.asker, deps.out, 'Account name', a.email, (x) => checkName(x, deps.existingNames, deps.ctx));
  const account: AccountConfig = { ...toConfig(a), auth };
  // A token command can be tried now; tmail's own sign-in (`account login`) is account-add's next step.
  if (!auth.tokenCommand || !deps.testLogin) return { account, outcome: 'oauth2' };
  deps.out.write(`Testing sign-in to ${sanitizeLine(account.host)}:${account.port} (${account.security})...\n`);
  try {
    await deps.testLogin(account);
    deps.out.write('Login OK.\n');
    return { account, outcome: 'tested' };
  } catch (err) {
    if (!(err instanceof AccountError)) throw err;
    deps.out.write(`Login test failed: ${sanitizeLine(err.message)}\n`);
  }
  const keep = await askValid(deps.asker, deps.out, 'Save the account anyway? (yes or no)', 'no', yesNo);
  return keep ? { account, outcome: 'failed-saved' } : { outcome: 'gave-up' };
}

async function showDiscovery(deps: WizardDeps, email: string): Promise<Finding[]> {
  const { out } = deps;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  out.write(`Looking up the mail servers of ${sanitizeLine(domain)}...\n`);
  let result: DiscoveryResult;
  try {
    result = await deps.discover!(email);
  } catch (err) {
    out.write(`  The lookup failed (${sanitizeLine((err as Error).message)}); enter the servers by hand.\n`);
    return [];
  }
  for (const f of result.findings) {
    out.write(`Found in ${sanitizeLine(f.source)}:\n`);
    for (const p of ['imap', 'pop3', 'smtp'] as const) {
      const s = f[p];
      if (s) out.write(`  ${p.toUpperCase().padEnd(5)} ${describeServer(s)}${s.user ? `, user ${sanitizeLine(s.user)}` : ''}\n`);
    }
    if (f.note) out.write(`  Note: ${sanitizeLine(f.note)}\n`);
  }
  for (const p of result.problems) out.write(`  (${sanitizeLine(p)})\n`);
  if (result.findings.length === 0) out.write(`Nothing found; the defaults below are guesses (imap.${sanitizeLine(domain)} etc.): check them.\n`);
  else if (result.findings[0]!.kind === 'srv') out.write('  DNS answers are not authenticated: check that the host names belong to your provider.\n');
  return result.findings;
}

function describeServer(s: ServerSetting): string {
  return `${sanitizeLine(s.host)}:${s.port} (${s.security})`;
}

async function askServer(deps: WizardDeps, a: Answers, found: ServerSetting | undefined): Promise<void> {
  const { asker, out } = deps;
  a.host = await askValid(asker, out, 'Server host name', a.host ?? found?.host ?? guessHost(a.protocol, a.email), checkHost);
  const before = a.security;
  const suggested = before ?? (found && found.host === a.host ? found.security : 'tls');
  a.security = await askValid(asker, out, 'Security (tls, starttls or none)', suggested, (x) => choice(x.toLowerCase(), SECURITIES, 'security'));
  // Asked again with another security: a default port of the old one becomes the new one's default.
  if (before !== undefined && before !== a.security && a.port === DEFAULT_PORTS[a.protocol][before]) a.port = DEFAULT_PORTS[a.protocol][a.security];
  a.allowInsecureAuth = undefined;
  if (a.security === 'none') {
    out.write('Without TLS, anyone on the network path can read your password and mail.\n');
    a.allowInsecureAuth = (await askValid(asker, out, 'Send the password without encryption anyway? (yes or no)', 'no', yesNo)) || undefined;
  }
  const port = a.port ?? (found && found.host === a.host && found.security === a.security ? found.port : DEFAULT_PORTS[a.protocol][a.security]);
  a.port = await askValid(asker, out, 'Port', String(port), checkPort);
}

async function askKeepOnServer(deps: WizardDeps, a: Answers): Promise<void> {
  const { asker, out } = deps;
  out.write(
    'POP3 downloads your mail into a folder on this computer. Unless you keep it on the server,\n' +
      'every downloaded message is DELETED FROM THE SERVER: webmail, your phone and other programs\n' +
      'will no longer see it.\n',
  );
  a.leaveOnServer = await askValid(asker, out, 'Keep mail on the server? (yes or no)', a.leaveOnServer === false ? 'no' : 'yes', yesNo);
  a.deleteAfterDays = undefined;
  if (a.leaveOnServer) {
    const days = await askValid(
      asker,
      out,
      'Delete it from the server after how many days? (Enter: never)',
      undefined,
      (x) => (x === '' ? undefined : Number(checkDays(x))),
      true,
    );
    if (days !== undefined) a.deleteAfterDays = days;
  }
}

function checkDays(x: string): string {
  if (!/^\d+$/.test(x) || Number(x) < 1 || Number(x) > 36500) throw new UsageError(`days must be a whole number from 1, got "${x}"`);
  return x;
}

async function askPasswordSource(deps: WizardDeps, a: Answers): Promise<void> {
  const { asker, out } = deps;
  out.write('Where does the password come from?\n  1) a command that prints it (e.g. pass show mail)\n  2) an environment variable\n  3) ask me each time\n');
  const current = a.passwordCommand !== undefined ? '1' : a.passwordEnv !== undefined ? '2' : '3';
  const source = await askValid(asker, out, 'Choice', current, (x) => choice(x, ['1', '2', '3'], 'choice'));
  const command = a.passwordCommand;
  const env = a.passwordEnv;
  a.passwordCommand = undefined;
  a.passwordEnv = undefined;
  if (source === '1') a.passwordCommand = await askValid(asker, out, 'Password command', command, (x) => x);
  if (source === '2') a.passwordEnv = await askValid(asker, out, 'Environment variable name', env, checkEnvName);
}

async function askCa(deps: WizardDeps, current: string | undefined): Promise<string | undefined> {
  const ca = await askValid(
    deps.asker,
    deps.out,
    'CA certificate file to trust, for a self-signed server (Enter for none)',
    current,
    (x) => (x ? checkCaFile(x, deps.ctx) : ''),
    true,
  );
  return ca || undefined;
}

async function askSmtp(deps: WizardDeps, a: Answers, found: ServerSetting | undefined, oauth2 = false): Promise<SmtpConfig | undefined> {
  const { asker, out } = deps;
  const want = await askValid(asker, out, 'Set up sending mail (SMTP) too? (yes or no)', 'yes', yesNo);
  if (!want) return undefined;
  const host = await askValid(asker, out, 'SMTP server host name', found?.host ?? guessHost('smtp', a.email), checkHost);
  const same = found && found.host === host;
  const security = await askValid(asker, out, 'SMTP security (tls, starttls or none)', same ? found.security : 'starttls', (x) =>
    choice(x.toLowerCase(), SECURITIES, 'security'),
  );
  const port = await askValid(asker, out, 'SMTP port', String(same && found.security === security ? found.port : security === 'tls' ? 465 : 587), checkPort);
  const user = await askValid(asker, out, 'SMTP user name', found?.user ?? a.user, (x) => x);
  const smtp: SmtpConfig = { host, port, security };
  if (user !== a.user) smtp.user = user;
  if (security === 'none') smtp.allowInsecureAuth = a.allowInsecureAuth;
  if (a.ca && host === a.host) smtp.ca = a.ca;
  out.write(oauth2 ? '  (SMTP signs in with the same OAuth2 tokens.)\n' : '  (SMTP uses the same password as the account.)\n');
  return smtp;
}

/** After a failed login: only the questions about what failed, each with the previous answer as default. */
async function askAgain(deps: WizardDeps, a: Answers, failure: AccountError): Promise<void> {
  switch (failure.kind) {
    case 'auth':
      a.user = await askValid(deps.asker, deps.out, 'User name', a.user, (x) => x);
      await askPasswordSource(deps, a);
      return;
    case 'config':
      await askPasswordSource(deps, a);
      return;
    case 'tls':
      await askServer(deps, a, undefined);
      a.ca = await askCa(deps, a.ca);
      return;
    default:
      await askServer(deps, a, undefined);
  }
}

function toConfig(a: Answers): AccountConfig {
  const config: AccountConfig = { name: a.name, protocol: a.protocol, host: a.host, port: a.port, security: a.security, user: a.user, email: a.email };
  const optional: Partial<AccountConfig> = {
    passwordCommand: a.passwordCommand,
    passwordEnv: a.passwordEnv,
    ca: a.ca,
    allowInsecureAuth: a.allowInsecureAuth,
    smtp: a.smtp && { ...a.smtp, ...(a.smtp.security === 'none' && !a.allowInsecureAuth ? { allowInsecureAuth: undefined } : {}) },
    leaveOnServer: a.protocol === 'pop3' ? a.leaveOnServer : undefined,
    deleteAfterDays: a.protocol === 'pop3' ? a.deleteAfterDays : undefined,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (config as unknown as Record<string, unknown>)[k] = stripUndefined(v);
  return config;
}

function stripUndefined(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
}
