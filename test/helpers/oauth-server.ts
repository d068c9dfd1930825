// A real OAuth 2.0 authorization server for tests (oidc-provider, the certified implementation
// also used in production), on 127.0.0.1 with a random port. It offers what tmail needs: the
// device authorization grant (RFC 8628), authorization code + PKCE (RFC 7636), refresh tokens,
// revocation (RFC 7009) and token introspection (RFC 7662) for a mail server (Dovecot's oauth2
// passdb) to check the access tokens it is shown.
//
// The user's part is played by `approve...` helpers: a minimal cookie-keeping "browser" that
// fetches the provider's own pages and submits its own forms. Login and consent pages are
// replaced by an interaction route that signs in `accountId` and grants what was asked — or
// denies it, when the test says so.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Provider, type ProviderInstance } from 'oidc-provider';

export const TEST_CLIENT_ID = 'tmail-test';
/** The same client with a secret (as Google's desktop clients have): for clientSecretCommand. */
export const CONFIDENTIAL_CLIENT = { id: 'tmail-confidential', secret: 'not-so-secret-desktop-secret' };
/** A confidential client for the mail server's introspection requests. */
export const INTROSPECTION_CLIENT = { id: 'mail-server', secret: 'introspect-secret' };
/** The scope the mail resource grants (what tmail's config `scope` asks for, with offline_access). */
export const MAIL_SCOPE = 'mail';
const MAIL_RESOURCE = 'urn:tmail-test:mail';

export interface OAuthServerOptions {
  /** `sub` of the signed-in user, which introspection reports. Default "user@example.test". */
  accountId?: string;
  /**
   * 'opaque' (default): introspectable at introspectionEndpoint. 'jwt': signed RS256 with
   * `publicKeyPem` (kid "test"), for a mail server that validates tokens locally (Dovecot's
   * introspection_mode = local); oidc-provider refuses to introspect those.
   */
  accessTokenFormat?: 'opaque' | 'jwt';
  /** Access token lifetime in seconds (default 3600). */
  accessTokenTtl?: number;
  /** Device code lifetime in seconds (default 600). */
  deviceCodeTtl?: number;
}

export interface OAuthServer {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  deviceAuthorizationEndpoint: string;
  introspectionEndpoint: string;
  /**
   * The introspection address with the mail server's client credentials in it, the form Dovecot's
   * oauth2 passdb takes (`introspection_mode = post`, `introspection_url = ...`).
   */
  introspectionUrlWithCredentials: string;
  revocationEndpoint: string;
  clientId: string;
  /** The signing key of JWT access tokens, as PEM (SPKI), and the issuer's JWKS address. */
  publicKeyPem: string;
  jwksUri: string;
  /** What a client asks for to get mail access and a refresh token. */
  scope: string;
  /** The next interaction (login + consent) is denied instead of granted. */
  denyNext(): void;
  /** RFC 7662 introspection as the mail server would ask it. */
  introspect(token: string): Promise<Record<string, unknown>>;
  /** RFC 7009: revokes a token (e.g. the refresh token: the user removed the app's access). */
  revoke(token: string): Promise<void>;
  /** How many token endpoint requests of each grant type the server answered. */
  tokenRequests: Record<string, number>;
  close(): Promise<void>;
}

export async function startOAuthServer(options: OAuthServerOptions = {}): Promise<OAuthServer> {
  const accountId = options.accountId ?? 'user@example.test';
  let deny = false;
  const tokenRequests: Record<string, number> = {};
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test' };

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider: ProviderInstance = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_name: 'tmail (test)',
        application_type: 'native', // loopback redirects on any port (RFC 8252 7.3)
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/'],
      },
      {
        client_id: CONFIDENTIAL_CLIENT.id,
        client_secret: CONFIDENTIAL_CLIENT.secret,
        application_type: 'native',
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/'],
      },
      {
        client_id: INTROSPECTION_CLIENT.id,
        client_secret: INTROSPECTION_CLIENT.secret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    scopes: ['openid', 'offline_access', MAIL_SCOPE],
    pkce: { required: () => true },
    // Every refresh gets a new refresh token; oidc-provider treats a used one presented again as
    // stolen and revokes the whole grant (what tmail's cross-process refresh lock must prevent).
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: options.accessTokenTtl ?? 3600,
      DeviceCode: options.deviceCodeTtl ?? 600,
      RefreshToken: 86400,
      Grant: 86400,
      Interaction: 600,
      Session: 86400,
    },
    // Introspection answers carry the mail user name as `email` and `username` too: Dovecot's
    // oauth2 passdb reads the user from `username_attribute` (default "email").
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string }) => (token.accountId ? { email: token.accountId, username: token.accountId } : undefined),
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id, email: id }) }),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      introspection: {
        enabled: true,
        // The mail server introspects tokens issued to tmail's client.
        allowedPolicy: (_ctx: unknown, client: { clientId: string }) => client.clientId === INTROSPECTION_CLIENT.id,
      },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => MAIL_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: MAIL_SCOPE,
          audience: MAIL_RESOURCE,
          accessTokenFormat: options.accessTokenFormat ?? 'opaque',
          accessTokenTTL: options.accessTokenTtl ?? 3600,
          ...(options.accessTokenFormat === 'jwt' ? { jwt: { sign: { alg: 'RS256' } } } : {}),
        }),
      },
    },
  });

  // Every token endpoint answer, successful or not, by grant type.
  const count = (ctx: { oidc?: { params?: { grant_type?: unknown } } }) => {
    const type = String(ctx.oidc?.params?.grant_type ?? '?');
    tokenRequests[type] = (tokenRequests[type] ?? 0) + 1;
  };
  provider.on('grant.success', count);
  provider.on('grant.error', count);
  const providerCallback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) {
      interact(provider, req, res, accountId, () => {
        const d = deny;
        deny = false;
        return d;
      }).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    providerCallback(req, res);
  });

  const basic = `Basic ${Buffer.from(`${INTROSPECTION_CLIENT.id}:${INTROSPECTION_CLIENT.secret}`).toString('base64')}`;
  return {
    issuer,
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    deviceAuthorizationEndpoint: `${issuer}/device/auth`,
    introspectionEndpoint: `${issuer}/token/introspection`,
    introspectionUrlWithCredentials: `http://${INTROSPECTION_CLIENT.id}:${INTROSPECTION_CLIENT.secret}@${issuer.slice('http://'.length)}/token/introspection`,
    revocationEndpoint: `${issuer}/token/revocation`,
    clientId: TEST_CLIENT_ID,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwksUri: `${issuer}/jwks`,
    scope: `${MAIL_SCOPE} offline_access`,
    tokenRequests,
    denyNext() {
      deny = true;
    },
    async introspect(token) {
      const res = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
      return (await res.json()) as Record<string, unknown>;
    },
    async revoke(token) {
      const res = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: TEST_CLIENT_ID }).toString(),
      });
      if (!res.ok) throw new Error(`revocation failed: ${res.status} ${await res.text()}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Stands in for the provider's login and consent pages: the user signs in and grants everything asked.
async function interact(provider: ProviderInstance, req: IncomingMessage, res: ServerResponse, accountId: string, denied: () => boolean): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (denied()) {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the user said no' });
    return;
  }
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
  grant.addOIDCScope((missing.missingOIDCScope ?? []).join(' '));
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/** A browser reduced to what the flows need: cookies per host and manual redirects. */
export class TestBrowser {
  private readonly cookies = new Map<string, string>();
  /** The address the browser ended on after the last navigation. */
  url = '';

  /** GET `url`, following redirects up to a page (or until `stopAt` says an address should not be fetched). */
  async open(url: string, stopAt?: (url: URL) => boolean): Promise<{ status: number; body: string }> {
    return this.navigate(url, { method: 'GET' }, stopAt);
  }

  /** Submits the first form of `html` with its hidden fields (plus `extra`). */
  async submitForm(html: string, base: string, extra: Record<string, string> = {}, stopAt?: (url: URL) => boolean): Promise<{ status: number; body: string }> {
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
    if (!form) throw new Error(`no form on the page: ${html.slice(0, 300)}`);
    const fields: Record<string, string> = {};
    for (const [tag] of form[2]!.matchAll(/<input[^>]*>/gi)) {
      const name = /\bname="([^"]+)"/.exec(tag)?.[1];
      if (name) fields[name] = unescapeHtml(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
    }
    const body = new URLSearchParams({ ...fields, ...extra }).toString();
    return this.navigate(
      new URL(unescapeHtml(form[1]!), base).href,
      { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      stopAt,
    );
  }

  private async navigate(url: string, init: RequestInit, stopAt?: (url: URL) => boolean): Promise<{ status: number; body: string }> {
    let current = new URL(url);
    let request: RequestInit = init;
    for (let hops = 0; hops < 20; hops++) {
      this.url = current.href;
      if (process.env.BROWSER_DEBUG) console.error('browser:', request.method ?? 'GET', current.href);
      if (stopAt?.(current)) return { status: 0, body: '' };
      const headers = new Headers(request.headers);
      const cookie = this.cookieHeader(current);
      if (cookie) headers.set('cookie', cookie);
      const res = await fetch(current, { ...request, headers, redirect: 'manual' });
      for (const set of res.headers.getSetCookie()) this.store(current, set);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        current = new URL(location, current);
        request = { method: 'GET' };
        continue;
      }
      return { status: res.status, body: await res.text() };
    }
    throw new Error('too many redirects');
  }

  private store(url: URL, header: string): void {
    const [pair] = header.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    const key = `${url.host} ${name}`;
    if (!value || /expires=Thu, 01 Jan 1970/i.test(header)) this.cookies.delete(key);
    else this.cookies.set(key, value);
  }

  private cookieHeader(url: URL): string {
    return [...this.cookies]
      .filter(([k]) => k.startsWith(`${url.host} `))
      .map(([k, v]) => `${k.slice(url.host.length + 1)}=${v}`)
      .join('; ');
  }
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/**
 * The user's part of the device flow: opens verification_uri_complete (or verification_uri and
 * types the code), confirms, signs in and consents. Resolves with the final page's text.
 */
export async function approveDeviceCode(browser: TestBrowser, verification: { uri: string; complete?: string; userCode: string }): Promise<string> {
  let page = await browser.open(verification.complete ?? verification.uri);
  let codeEntered = false;
  for (let step = 0; step < 8; step++) {
    // The code entry page again after entering it: the end (an error page, e.g. after a denial).
    if (codeEntered && page.body.includes('op.deviceInputForm')) return page.body;
    // The code entry page (filled in when opened from verification_uri_complete), then the
    // confirmation page ("is this the code shown on your device?"): Continue on each.
    if (page.body.includes('op.deviceInputForm')) {
      codeEntered = true;
      page = await browser.submitForm(page.body, browser.url, { user_code: verification.userCode });
    } else if (page.body.includes('op.deviceConfirmForm')) page = await browser.submitForm(page.body, browser.url);
    // A page that submits its own form on load (the provider's POST-back after sign-in).
    else if (page.body.includes('forms[0].submit()')) page = await browser.submitForm(page.body, browser.url);
    else return page.body;
  }
  throw new Error('the device pages did not end');
}

/**
 * The user's part of the browser flow: opens the authorization address and signs in; the browser
 * follows the redirect to tmail's loopback address unless `stopAtRedirect` (the SSH case, where
 * that address does not load): then the address it ended on is returned for pasting.
 */
export async function approveInBrowser(
  browser: TestBrowser,
  authorizationUrl: string,
  opts: { stopAtRedirect?: boolean; issuer: string },
): Promise<{ finalUrl: string; body: string }> {
  const issuerHost = new URL(opts.issuer).host;
  const page = await browser.open(authorizationUrl, (u) => opts.stopAtRedirect === true && u.host !== issuerHost);
  return { finalUrl: browser.url, body: page.body };
}
