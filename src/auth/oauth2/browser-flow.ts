// Authorization code with PKCE (RFC 7636, S256) and a loopback redirect (RFC 8252 7.3): tmail
// listens on 127.0.0.1 on a random port, the browser comes back there with the code. Over SSH the
// browser runs elsewhere and that address fails to load; the user then pastes the address the
// browser ended on, and tmail takes the code from it. Either way `state` must match.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccountError } from '../../domain/index.js';
import { sanitizeLine } from '../../text/sanitize.js';
import type { FlowIO } from './device-flow.js';
import type { OAuth2Settings } from './providers.js';
import { clientRejected, describeOAuthError, OAuthError, parseTokenResponse, postForm, type TokenResponse } from './token-endpoint.js';

export interface BrowserFlowIO extends FlowIO {
  /** One line the user typed (the pasted address); null when input ended. */
  readLine?: () => Promise<string | null>;
  /** Shows the address in a browser; default: xdg-open / open, only when a display is there. */
  openBrowser?: (url: string) => void;
  /** How long to wait for the browser or a paste (default 15 minutes). */
  waitMs?: number;
}

const BROWSER_WAIT_MS = 15 * 60_000;

/** What came back, by redirect or by paste. */
type Callback = { code: string } | { error: string; description?: string };

export function pkcePair(): { verifier: string; challenge: string } {
  // 32 random bytes -> 43 characters, the minimum length RFC 7636 4.1 allows, with 256 bits of entropy.
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export async function runBrowserFlow(settings: OAuth2Settings, io: BrowserFlowIO): Promise<TokenResponse> {
  const endpoint = settings.authorizationEndpoint;
  if (!endpoint) throw new AccountError('config', `account ${settings.accountName}: no authorizationEndpoint for the browser sign-in`);
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  try {
    // The IP literal, not "localhost" (RFC 8252 8.3). Google accepts any loopback port; Microsoft
    // ignores the port of loopback redirect URIs but matches the host, so its app registration
    // needs `http://127.0.0.1` (README; https://learn.microsoft.com/en-us/entra/identity-platform/reply-url,
    // "Localhost exceptions", "Prefer 127.0.0.1 over localhost").
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const url = new URL(endpoint);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: settings.clientId,
      redirect_uri: redirectUri,
      scope: settings.scope,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(settings.loginHint ? { login_hint: settings.loginHint } : {}),
      ...settings.authorizationParams,
    })) {
      url.searchParams.set(k, v);
    }
    io.print(`To sign in to account ${sanitizeLine(settings.accountName)}, open this address in a browser:`);
    io.print(`  ${url.href}`);
    (io.openBrowser ?? ((u: string) => openInBrowser(u, io.env ?? process.env)))(url.href);
    io.print(`After you sign in, the browser returns to tmail at ${redirectUri}.`);
    io.print('If the browser runs on another computer (SSH), that page will not load: copy the address it');
    io.print('ended on from its address bar and paste it here, then press Enter. (Ctrl-C cancels)');

    const result = await new Promise<Callback>((resolve, reject) => {
      const waitMs = io.waitMs ?? BROWSER_WAIT_MS;
      const onAbort = () => {
        clearTimeout(timer);
        reject(io.signal!.reason);
      };
      io.signal?.addEventListener('abort', onAbort, { once: true });
      if (io.signal?.aborted) queueMicrotask(onAbort);
      // Nobody is coming back (input ended, the tab was closed): stop rather than wait forever.
      const timer = setTimeout(() => {
        io.signal?.removeEventListener('abort', onAbort);
        reject(new AccountError('auth', `account ${settings.accountName}: no sign-in within ${Math.round(waitMs / 60_000)} minutes; run the login again`));
      }, waitMs);
      const done = (cb: Callback) => {
        io.signal?.removeEventListener('abort', onAbort);
        clearTimeout(timer);
        resolve(cb);
      };
      listenForRedirect(server, state, done);
      if (io.readLine) readPasted(io, state, redirectUri, done);
    });
    if ('error' in result) {
      if (result.error === 'access_denied')
        throw new AccountError('auth', `account ${settings.accountName}: sign-in was declined in the browser; nothing was stored`);
      throw new AccountError(
        'auth',
        `account ${settings.accountName}: the sign-in failed (${result.description ? `${result.error}: ${result.description}` : result.error})`,
      );
    }
    try {
      const answer = await postForm(
        settings,
        settings.tokenEndpoint,
        { grant_type: 'authorization_code', code: result.code, redirect_uri: redirectUri, code_verifier: verifier },
        io,
      );
      return parseTokenResponse(settings, answer);
    } catch (err) {
      if (err instanceof OAuthError) {
        throw (
          clientRejected(err, settings) ??
          new AccountError('auth', `account ${settings.accountName}: the server did not accept the sign-in code (${describeOAuthError(err)}); try again`, {
            cause: err,
          })
        );
      }
      throw err;
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

// The browser's request to the loopback address. Only a request carrying our `state` ends the
// wait: anything else on this port (a stale tab, another local program) is answered and ignored.
function listenForRedirect(server: Server, state: string, done: (cb: Callback) => void): void {
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
      res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>tmail</title></head><body><p>${text}</p></body></html>`);
    };
    if (url.pathname !== '/' || url.searchParams.get('state') !== state) {
      page(400, 'This is not the sign-in tmail is waiting for. Start again with tmail account login.');
      return;
    }
    const cb = callbackFrom(url.searchParams);
    if (!cb) {
      page(400, 'The address has no sign-in code.');
      return;
    }
    page(200, 'error' in cb ? 'Sign-in did not complete; see the terminal.' : 'Signed in. You can close this tab and return to tmail.');
    done(cb);
  });
}

async function readPasted(io: BrowserFlowIO, state: string, redirectUri: string, done: (cb: Callback) => void): Promise<void> {
  for (;;) {
    const line = await io.readLine!().catch(() => null);
    if (line === null) return; // input ended: keep waiting for the browser
    const text = line.trim();
    if (!text) continue;
    const url = parseUrl(text);
    if (!url || !url.href.startsWith(redirectUri.replace(/\/$/, ''))) {
      io.print(`That is not the address the browser ended on; it starts with ${redirectUri}`);
      continue;
    }
    if (url.searchParams.get('state') !== state) {
      io.print('That address belongs to another sign-in attempt (its state does not match); paste the address from this one.');
      continue;
    }
    const cb = callbackFrom(url.searchParams);
    if (!cb) {
      io.print('That address has no code=... part; copy the whole address from the address bar.');
      continue;
    }
    done(cb);
    return;
  }
}

function callbackFrom(params: URLSearchParams): Callback | undefined {
  const error = params.get('error');
  if (error) {
    const description = params.get('error_description');
    return { error: error.slice(0, 100), ...(description ? { description: description.slice(0, 300) } : {}) };
  }
  const code = params.get('code');
  return code ? { code } : undefined;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Opens `url` with the desktop's opener when there is a desktop; never required, errors ignored. */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv): void {
  const command = process.platform === 'darwin' ? (env.SSH_CONNECTION ? undefined : 'open') : env.DISPLAY || env.WAYLAND_DISPLAY ? 'xdg-open' : undefined;
  if (!command) return;
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener: the address is printed anyway.
  }
}
