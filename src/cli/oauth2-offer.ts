// `tmail account add` for addresses at Google or Microsoft (by the address's domain, or by its MX
// records: Google Workspace, Microsoft 365 custom domains): those servers take no ordinary
// password (Microsoft switched basic auth off; Google wants app passwords), so the wizard offers
// OAuth2 and asks only what OAuth2 needs. Also for any server that offers only OAuth2 mechanisms
// (`oauth2OnlyQuestions`). Kept out of account-add.ts: the wizard calls these once.
import { PRESETS, providerForAddress } from '../auth/oauth2/providers.js';
import { DEFAULT_PORTS, type AccountConfig, type OAuth2Config, type Protocol } from '../config/types.js';
import { providerForOAuth } from '../discovery/providers.js';
import { yesNo } from './account-answers.js';
import { UsageError } from './args.js';

const REGISTER_HINT: Record<string, string> = {
  google:
    'Create one at console.cloud.google.com: APIs & Services > Credentials > Create credentials > OAuth client ID > "Desktop app". Google also gives a client secret: store it in a password manager and give a command that prints it.',
  microsoft:
    'Create one at entra.microsoft.com: App registrations > New registration, "Accounts in any organizational directory and personal Microsoft accounts"; then Authentication > "Allow public client flows" = Yes (device sign-in). For the browser sign-in add the redirect URI http://127.0.0.1 in Manifest > replyUrlsWithType, type InstalledClient (see the README).',
};

export interface OAuth2Answers {
  protocol: Protocol;
  email: string;
  /** The preset discovery found by the domain's MX records (a custom domain hosted by Google or Microsoft). */
  provider?: string;
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
  const byDomain = providerForAddress(a.email);
  const provider = byDomain ?? a.provider;
  if (!provider || !PRESETS[provider]) return undefined;
  const label = provider === 'google' ? 'Google' : 'Microsoft';
  const where = byDomain ? `${a.email} is at ${label}` : `The mail of ${a.email} is hosted by ${label} (its MX records say so)`;
  a.out.write(`${where}, which signs in with OAuth2 (a browser sign-in) rather than a password.\n`);
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
  // The providers' published settings come from the discovery table.
  const host = await a.ask('Server host name', providerForOAuth(provider)?.[a.protocol]?.host, (s) => s);
  const name = await a.ask('Account name', a.email, (s) => {
    a.checkName(s);
    return s;
  });
  const auth: OAuth2Config = { method: 'oauth2', provider, clientId, ...(clientSecretCommand ? { clientSecretCommand } : {}) };
  a.out.write(`Next, tmail signs you in (later, or again: tmail account login ${name}).\n`);
  return { name, protocol: a.protocol, host, port: DEFAULT_PORTS[a.protocol].tls, security: 'tls', user: a.email, email: a.email, auth };
}

type Ask = OAuth2Answers['ask'];

// Tokens and codes travel through these: https, except to this machine.
function checkEndpointAnswer(s: string): string {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new UsageError(`"${s}" is not an address (https://...)`);
  }
  if (u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname))) return s;
  throw new UsageError(`an OAuth2 endpoint must be an https:// address, got "${s}"`);
}

/**
 * The server offers only OAuth2 mechanisms (`offered`, from sign-in-probe.ts): a password cannot
 * work. Asks where tokens come from: a command (tokenCommand), or tmail signing in itself with a
 * client id and the provider's endpoints.
 */
export async function oauth2OnlyQuestions(a: { ask: Ask; out: OAuth2Answers['out']; where: string; offered: readonly string[] }): Promise<OAuth2Config> {
  a.out.write(
    `${a.where} offers only OAuth2 sign-in (${a.offered.join(' ')}), no password: tmail needs an access token from your provider.\n` +
      "  1) a command that prints an access token (e.g. oama, mutt_oauth2.py)\n  2) tmail signs in itself (you give a client id and the provider's endpoints)\n",
  );
  const how = await a.ask('Choice', '1', (s) => {
    if (s !== '1' && s !== '2') throw new UsageError(`answer 1 or 2, got "${s}"`);
    return s;
  });
  if (how === '1') return { method: 'oauth2', tokenCommand: await a.ask('Access token command', undefined, (s) => s) };
  const clientId = await a.ask('OAuth2 client id', undefined, (s) => s);
  const tokenEndpoint = await a.ask('Token endpoint', undefined, checkEndpointAnswer);
  const deviceAuthorizationEndpoint = await a.ask('Device authorization endpoint (Enter for none)', undefined, (s) => (s ? checkEndpointAnswer(s) : ''), true);
  const authorizationEndpoint = await a.ask(
    `Authorization endpoint (browser sign-in)${deviceAuthorizationEndpoint ? ' (Enter for none)' : ''}`,
    undefined,
    (s) => (s ? checkEndpointAnswer(s) : ''),
    deviceAuthorizationEndpoint !== '',
  );
  const scope = await a.ask('Scope', undefined, (s) => s);
  const clientSecretCommand = await a.ask('Command that prints the client secret (Enter for none)', undefined, (s) => s, true);
  return {
    method: 'oauth2',
    clientId,
    tokenEndpoint,
    ...(deviceAuthorizationEndpoint ? { deviceAuthorizationEndpoint } : {}),
    ...(authorizationEndpoint ? { authorizationEndpoint } : {}),
    scope,
    ...(clientSecretCommand ? { clientSecretCommand } : {}),
  };
}
