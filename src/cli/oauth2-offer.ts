// `tmail account add` for addresses at Google or Microsoft: those servers take no ordinary
// password (Microsoft switched basic auth off; Google wants app passwords), so the wizard offers
// OAuth2 and asks only what OAuth2 needs. Kept out of account-add.ts: the wizard calls it once.
import { PRESETS, providerForAddress } from '../auth/oauth2/providers.js';
import { DEFAULT_PORTS, type AccountConfig, type OAuth2Config, type Protocol } from '../config/types.js';
import { yesNo } from './account-answers.js';

/** The providers' mail servers (their published IMAP/POP3 settings). */
const SERVERS: Record<string, Record<Protocol, string>> = {
  google: { imap: 'imap.gmail.com', pop3: 'pop.gmail.com' },
  microsoft: { imap: 'outlook.office365.com', pop3: 'outlook.office365.com' },
};

const REGISTER_HINT: Record<string, string> = {
  google:
    'Create one at console.cloud.google.com: APIs & Services > Credentials > Create credentials > OAuth client ID > "Desktop app". Google also gives a client secret: store it in a password manager and give a command that prints it.',
  microsoft:
    'Create one at entra.microsoft.com: App registrations > New registration, "Accounts in any organizational directory and personal Microsoft accounts", redirect URI "Mobile and desktop applications" http://localhost; then Authentication > "Allow public client flows" = Yes.',
};

export interface OAuth2Answers {
  protocol: Protocol;
  email: string;
  /** Asks a question again until `check` accepts the answer (account-add's askValid). */
  ask: <T>(question: string, defaultValue: string | undefined, check: (answer: string) => T, optional?: boolean) => Promise<T>;
  /** Checks an account name (free, valid). */
  checkName: (name: string) => void;
  out: { write(text: string): unknown };
}

/**
 * For an address at a known OAuth2 provider: explains, asks "use OAuth2?", and on yes asks the
 * client id (and secret command) and returns the account. Undefined: go on with a password.
 */
export async function oauth2Interview(a: OAuth2Answers): Promise<AccountConfig | undefined> {
  const provider = providerForAddress(a.email);
  if (!provider || !PRESETS[provider]) return undefined;
  const label = provider === 'google' ? 'Google' : 'Microsoft';
  a.out.write(`${a.email} is at ${label}, which signs in with OAuth2 (a browser sign-in) rather than a password.\n`);
  const use = await a.ask('Sign in with OAuth2? (yes or no)', 'yes', yesNo);
  if (!use) return undefined;
  a.out.write(`tmail has no client id of its own: you register one (free) with ${label}.\n${REGISTER_HINT[provider]}\n`);
  const clientId = await a.ask('OAuth2 client id', undefined, (s) => s);
  const clientSecretCommand = await a.ask(
    `Command that prints the client secret${provider === 'google' ? '' : ' (Enter for none)'}`,
    undefined,
    (s) => s,
    provider !== 'google',
  );
  const host = await a.ask('Server host name', SERVERS[provider]![a.protocol], (s) => s);
  const name = await a.ask('Account name', a.email, (s) => {
    a.checkName(s);
    return s;
  });
  const auth: OAuth2Config = { method: 'oauth2', provider, clientId, ...(clientSecretCommand ? { clientSecretCommand } : {}) };
  a.out.write(`Next, tmail signs you in (later, or again: tmail account login ${name}).\n`);
  return { name, protocol: a.protocol, host, port: DEFAULT_PORTS[a.protocol].tls, security: 'tls', user: a.email, email: a.email, auth };
}
