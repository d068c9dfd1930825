// Where to get tokens for an account signing in with OAuth2: the provider presets, overridden by
// whatever the account's `auth` block spells out. tmail ships no client id: each user registers
// one (README "Signing in with OAuth2").
import { AccountError } from '../../domain/index.js';
import type { AccountConfig, OAuth2Config } from '../../config/types.js';

export interface ProviderPreset {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Only when the provider's device grant allows the mail scopes. */
  deviceAuthorizationEndpoint?: string;
  scope: string;
  /** Extra parameters of the authorization request. */
  authorizationParams?: Record<string, string>;
  /** Mail domains served by this provider, for `account add`. */
  domains: string[];
}

export const PRESETS: Record<string, ProviderPreset> = {
  // Google: "OAuth 2.0 for Mobile & Desktop Apps" (developers.google.com/identity/protocols/oauth2/native-app):
  // loopback redirect on 127.0.0.1 with any port, PKCE S256; desktop clients get a client secret
  // that is not secret but still required (clientSecretCommand). The mail scope is
  // https://mail.google.com/ (developers.google.com/gmail/imap/xoauth2-protocol). Google's device
  // grant ("OAuth 2.0 for TV and Limited-Input Device Applications") allows only a short list of
  // scopes that excludes mail, so there is no device endpoint here. access_type=offline and
  // prompt=consent make Google return a refresh token on every sign-in.
  google: {
    authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenEndpoint: 'https://oauth2.googleapis.com/token',
    scope: 'https://mail.google.com/',
    authorizationParams: { access_type: 'offline', prompt: 'consent' },
    domains: ['gmail.com', 'googlemail.com'],
  },
  // Microsoft identity platform v2.0 (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
  // and v2-oauth2-device-code: /devicecode, 15 minutes to sign in), tenant "common" for work and
  // personal accounts. Scopes from "Authenticate an IMAP, POP or SMTP connection using OAuth"
  // (learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth):
  // the full Outlook resource URL on each, plus offline_access for a refresh token.
  microsoft: {
    authorizationEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    deviceAuthorizationEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/devicecode',
    scope:
      'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access',
    domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'office365.com', 'onmicrosoft.com'],
  },
};

/** Everything a grant needs, presets and config merged and checked. */
export interface OAuth2Settings {
  accountName: string;
  clientId: string;
  clientSecretCommand?: string;
  authorizationEndpoint?: string;
  tokenEndpoint: string;
  deviceAuthorizationEndpoint?: string;
  scope: string;
  authorizationParams: Record<string, string>;
  /** The user, sent as login_hint so the provider preselects the account. */
  loginHint?: string;
}

/** The provider whose mail domain `email` is in, if any (gmail.com -> google). */
export function providerForAddress(email: string): string | undefined {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  for (const [name, preset] of Object.entries(PRESETS)) {
    if (preset.domains.some((d) => domain === d || domain.endsWith(`.${d}`))) return name;
  }
  return undefined;
}

export function resolveSettings(account: Pick<AccountConfig, 'name' | 'user'>, auth: OAuth2Config): OAuth2Settings {
  const fail = (why: string) => new AccountError('config', `account ${account.name}: ${why}`);
  let preset: ProviderPreset | undefined;
  if (auth.provider !== undefined) {
    preset = PRESETS[auth.provider];
    if (!preset) throw fail(`unknown OAuth2 provider "${auth.provider}" (known: ${Object.keys(PRESETS).join(', ')}); or leave it out and give the endpoints`);
  }
  if (!auth.clientId) {
    throw fail(
      'OAuth2 needs a "clientId" in the account\'s "auth" block: tmail ships none; register one with your provider (see README "Signing in with OAuth2")',
    );
  }
  const tokenEndpoint = auth.tokenEndpoint ?? preset?.tokenEndpoint;
  if (!tokenEndpoint) throw fail('OAuth2 needs a "tokenEndpoint" (or a "provider" preset)');
  const authorizationEndpoint = auth.authorizationEndpoint ?? preset?.authorizationEndpoint;
  const deviceAuthorizationEndpoint = auth.deviceAuthorizationEndpoint ?? preset?.deviceAuthorizationEndpoint;
  for (const [field, url] of [
    ['tokenEndpoint', tokenEndpoint],
    ['authorizationEndpoint', authorizationEndpoint],
    ['deviceAuthorizationEndpoint', deviceAuthorizationEndpoint],
  ] as const) {
    if (url !== undefined) checkEndpoint(url, field, fail);
  }
  const scope = auth.scope ?? preset?.scope;
  if (!scope) throw fail('OAuth2 needs a "scope" (or a "provider" preset)');
  // Without a preset, offline_access alone does not bring a refresh token from OpenID providers:
  // they honour it only together with prompt=consent (OpenID Connect Core 11).
  const authorizationParams = preset?.authorizationParams ?? (/(^| )offline_access( |$)/.test(scope) ? { prompt: 'consent' } : {});
  return {
    accountName: account.name,
    clientId: auth.clientId,
    ...(auth.clientSecretCommand ? { clientSecretCommand: auth.clientSecretCommand } : {}),
    ...(authorizationEndpoint ? { authorizationEndpoint } : {}),
    tokenEndpoint,
    ...(deviceAuthorizationEndpoint ? { deviceAuthorizationEndpoint } : {}),
    scope,
    authorizationParams,
    ...(account.user ? { loginHint: account.user } : {}),
  };
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

// Tokens and codes travel through these: HTTPS, except to this machine (a local test server or proxy).
function checkEndpoint(url: string, field: string, fail: (why: string) => AccountError): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail(`OAuth2 "${field}" is not a URL: "${url}"`);
  }
  if (parsed.protocol === 'https:') return;
  if (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)) return;
  throw fail(`OAuth2 "${field}" must be an https:// address (got "${url}")`);
}
