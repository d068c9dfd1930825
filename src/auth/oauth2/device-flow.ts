// The device authorization grant (RFC 8628), the natural sign-in over SSH: tmail shows an address
// and a short code, the user enters the code on any device with a browser, tmail polls.
import { AccountError } from '../../domain/index.js';
import { sanitizeLine } from '../../text/sanitize.js';
import type { OAuth2Settings } from './providers.js';
import {
  clientRejected,
  describeOAuthError,
  OAuthError,
  parseTokenResponse,
  postForm,
  safeHost,
  type EndpointContext,
  type TokenResponse,
} from './token-endpoint.js';

export interface FlowIO extends EndpointContext {
  /** Writes one line for the user. */
  print(line: string): void;
  /** Waits `ms` (injected so tests need not wait the provider's 5 s interval); rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 3.5: without an interval, poll every 5 s; slow_down adds 5 s. */
const DEFAULT_INTERVAL_S = 5;
const SLOW_DOWN_S = 5;
/** When the server does not say how long the code lives (RFC 8628 makes expires_in required). */
const DEFAULT_EXPIRES_S = 900;

export async function runDeviceFlow(settings: OAuth2Settings, io: FlowIO): Promise<TokenResponse> {
  const endpoint = settings.deviceAuthorizationEndpoint;
  if (!endpoint) throw new AccountError('config', `account ${settings.accountName}: no deviceAuthorizationEndpoint for the device flow`);
  const now = io.now ?? Date.now;
  const sleep = io.sleep ?? abortableSleep;
  let start: Record<string, unknown>;
  try {
    start = await postForm(settings, endpoint, { scope: settings.scope }, io);
  } catch (err) {
    if (err instanceof OAuthError) {
      throw (
        clientRejected(err, settings) ??
        new AccountError('auth', `account ${settings.accountName}: ${safeHost(endpoint)} refused to start the device sign-in (${describeOAuthError(err)})`, {
          cause: err,
        })
      );
    }
    throw err;
  }
  const deviceCode = str(start.device_code);
  const userCode = str(start.user_code);
  // Google spells it verification_url (pre-RFC drafts).
  const uri = webAddress(start.verification_uri) ?? webAddress(start.verification_url);
  if (!deviceCode || !userCode || !uri) {
    throw new AccountError(
      'protocol',
      `account ${settings.accountName}: the device authorization answer of ${safeHost(endpoint)} lacks device_code, user_code or verification_uri`,
    );
  }
  const complete = webAddress(start.verification_uri_complete);
  let interval = positive(start.interval) ?? DEFAULT_INTERVAL_S;
  const deadline = now() + (positive(start.expires_in) ?? DEFAULT_EXPIRES_S) * 1000;

  io.print(`To sign in to account ${sanitizeLine(settings.accountName)}, open this address in a browser (on any device):`);
  io.print(`  ${uri}`);
  io.print(`and enter the code:  ${sanitizeLine(userCode)}`);
  if (complete) io.print(`(or open ${complete} , which has the code filled in)`);
  io.print('Waiting for you to finish signing in there (Ctrl-C cancels)...');

  for (;;) {
    await sleep(interval * 1000, io.signal);
    if (now() >= deadline) throw expired(settings);
    try {
      const answer = await postForm(settings, settings.tokenEndpoint, { grant_type: DEVICE_GRANT, device_code: deviceCode }, io);
      return parseTokenResponse(settings, answer);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      switch (err.code) {
        case 'authorization_pending':
          continue;
        case 'slow_down':
          interval += SLOW_DOWN_S;
          continue;
        case 'expired_token':
          throw expired(settings);
        case 'access_denied':
        // Microsoft's name for it (learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code).
        case 'authorization_declined':
          throw new AccountError('auth', `account ${settings.accountName}: sign-in was declined in the browser; nothing was stored`, { cause: err });
        default:
          throw (
            clientRejected(err, settings) ??
            new AccountError('auth', `account ${settings.accountName}: the device sign-in failed (${describeOAuthError(err)})`, { cause: err })
          );
      }
    }
  }
}

function expired(settings: OAuth2Settings): AccountError {
  return new AccountError('auth', `account ${settings.accountName}: the code expired before sign-in was finished; run the login again for a new code`);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function positive(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

// Only http(s) addresses reach the terminal, and only printable ones: the server chose this text.
function webAddress(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    const url = new URL(v);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return sanitizeLine(url.href);
  } catch {
    return undefined;
  }
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
