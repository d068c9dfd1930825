// Sending over SMTP with nodemailer, under the same TLS/password policy as IMAP and POP3
// (src/accounts/security.ts): certificates verified, `ca` honoured, no password without TLS unless
// allowInsecureAuth. An OAuth2 token goes as OAUTHBEARER or XOAUTH2, whichever the server offers
// (smtp-bearer-auth.ts), and is refreshed once when refused. Failures become one AccountError line that says why (auth, network,
// TLS, rejected recipient); the password or token never appears in it.
import { createTransport } from 'nodemailer';
import type { Credentials } from '../auth/credentials.js';
import { withBearerToken } from '../auth/sasl.js';
import { AccountError } from '../domain/index.js';
import { classifyByCode, classifyTlsMessage } from '../accounts/network-errors.js';
import { assertPasswordMayBeSent, isEncrypted, tlsOptions } from '../accounts/security.js';
import { NETWORK_TIMEOUTS } from '../accounts/timeouts.js';
import type { SmtpConfig } from '../config/types.js';
import { sanitizeLine } from '../text/sanitize.js';
import { bearerAuthHandler, type CustomAuthContext, ehloAuthWatcher, TMAIL_BEARER_METHOD } from './smtp-bearer-auth.js';
import { smtpTraceLogger } from '../trace/smtp-trace.js';
import type { TraceSink } from '../trace/types.js';

export interface SmtpTimeouts {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
}

export const DEFAULT_SMTP_TIMEOUTS: SmtpTimeouts = {
  connectionMs: NETWORK_TIMEOUTS.connectMs,
  greetingMs: NETWORK_TIMEOUTS.greetingMs,
  socketMs: NETWORK_TIMEOUTS.replyMs,
};

export interface SendRequest {
  smtp: SmtpConfig;
  /** Account name, for messages. */
  accountName: string;
  /**
   * How to sign in. A password is used only when smtp.user is set; an OAuth2 token (OAUTHBEARER or
   * XOAUTH2) always. Asked only after the TLS check.
   */
  credentials: Credentials;
  envelope: { from: string; to: string[] };
  raw: Buffer;
  timeouts?: Partial<SmtpTimeouts>;
  /** Receives the SMTP conversation (AUTH redacted, the message as an octet count). */
  trace?: TraceSink;
}

export interface SendResult {
  accepted: string[];
  response: string;
}

export async function sendRaw(req: SendRequest): Promise<SendResult> {
  const { smtp, credentials } = req;
  const who = {
    name: `${req.accountName} (SMTP)`,
    host: smtp.host,
    port: smtp.port,
    security: smtp.security,
    ca: smtp.ca,
    allowInsecureAuth: smtp.allowInsecureAuth,
  };
  if (credentials.kind === 'oauth2') {
    assertPasswordMayBeSent(who, isEncrypted(smtp.security), 'access token');
    const where = `SMTP ${smtp.host}:${smtp.port}`;
    return withBearerToken(credentials, { where }, (accessToken) => {
      let failure: Error | undefined;
      const bearer: BearerAuth = {
        user: credentials.user,
        handler: (offered) => {
          const run = bearerAuthHandler({ user: credentials.user, token: accessToken, host: smtp.host, port: smtp.port, where, offered });
          return (ctx) =>
            run(ctx).catch((err: unknown) => {
              failure = err instanceof Error ? err : new Error(String(err));
              throw failure;
            });
        },
      };
      // What the handler found out (a refused token, no OAuth2 mechanism) wins over nodemailer's wrapping of it.
      return sendOnce(req, bearer, accessToken, () => failure);
    });
  }
  let password: string | undefined;
  if (smtp.user) {
    assertPasswordMayBeSent(who, isEncrypted(smtp.security));
    password = await credentials.getPassword();
  }
  return sendOnce(req, smtp.user ? { user: smtp.user, pass: password! } : undefined, password);
}

type SmtpAuth = { user: string; pass: string };

/** OAuth2: a customAuth handler built once the EHLO watcher exists. */
interface BearerAuth {
  user: string;
  handler: (offered: () => string[]) => (ctx: CustomAuthContext) => Promise<void>;
}

async function sendOnce(
  req: SendRequest,
  auth: SmtpAuth | BearerAuth | undefined,
  secret: string | undefined,
  authFailure?: (err: unknown) => Error | undefined,
): Promise<SendResult> {
  const { smtp } = req;
  const who = {
    name: `${req.accountName} (SMTP)`,
    host: smtp.host,
    port: smtp.port,
    security: smtp.security,
    ca: smtp.ca,
    allowInsecureAuth: smtp.allowInsecureAuth,
  };
  const tls = tlsOptions(who);
  const watcher = ehloAuthWatcher(req.trace ? smtpTraceLogger(req.trace, req.accountName) : undefined);
  const t = { ...DEFAULT_SMTP_TIMEOUTS, ...req.timeouts };
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    tls,
    ...(auth && 'handler' in auth
      ? {
          auth: { type: 'custom', method: TMAIL_BEARER_METHOD, user: auth.user },
          customAuth: { [TMAIL_BEARER_METHOD]: auth.handler(watcher.offered) },
          // Sign in even when the EHLO reply names no AUTH at all, so that case gets its clear line.
          forceAuth: true,
        }
      : { auth }),
    connectionTimeout: t.connectionMs,
    greetingTimeout: t.greetingMs,
    socketTimeout: t.socketMs,
    disableFileAccess: true,
    disableUrlAccess: true,
    // Commands and replies only: `debug` would also log the message body. The OAuth2 sign-in
    // reads the EHLO reply from this log.
    logger: watcher.logger,
    transactionLog: true,
  });
  try {
    const info = await transport.sendMail({ envelope: req.envelope, raw: req.raw });
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length) {
      throw new AccountError(
        'protocol',
        `the SMTP server refused ${rejected.length} recipient(s): ${sanitizeLine(rejected.join(', '))}; nothing was sent to them`,
      );
    }
    return { accepted: (info.accepted ?? []).map(String), response: sanitizeLine(String(info.response ?? '')) };
  } catch (err) {
    if (err instanceof AccountError) throw err;
    throw authFailure?.(err) ?? smtpError(err, smtp, secret);
  } finally {
    transport.close();
  }
}

/** Server text for an error line: sanitized, shortened, and without the secret if it was echoed. */
function scrubSecret(s: string, secret?: string): string {
  let out = sanitizeLine(s);
  if (secret && secret.length >= 3) out = out.split(secret).join('***');
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}
interface NodemailerError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  rejected?: string[];
}

export function smtpError(err: unknown, smtp: SmtpConfig, password?: string): AccountError {
  const e = (err ?? {}) as NodemailerError;
  const scrub = (s: string) => scrubSecret(s, password);
  const server = `${smtp.host}:${smtp.port}`;
  const said = e.response ? ` (server said: ${scrub(e.response)})` : '';
  const code = e.code ?? '';
  const message = e.message ? scrub(e.message) : 'unknown error';
  if (code === 'EAUTH')
    return new AccountError('auth', `SMTP login to ${server} as ${sanitizeLine(smtp.user ?? '')} failed${said || ` (${message})`}`, { cause: err });
  if (code === 'EENVELOPE') {
    const who = e.rejected?.length ? `: ${scrub(e.rejected.join(', '))}` : '';
    return new AccountError('protocol', `the SMTP server ${server} refused the recipient(s)${who}${said}`, { cause: err });
  }
  if (code === 'EMESSAGE') return new AccountError('protocol', `the SMTP server ${server} refused the message${said}`, { cause: err });
  // Socket, DNS and TLS failures: the classifier shared with IMAP and POP3.
  const failure = classifyByCode(err, smtp.host) ?? classifyTlsMessage(err, server);
  if (failure?.kind === 'tls')
    return new AccountError('tls', `TLS with the SMTP server ${server} failed: ${failure.text}`, {
      cause: err,
      ...(failure.hint ? { hint: failure.hint } : {}),
    });
  if (failure) {
    const framing = failure.phase === 'connect' ? `cannot reach the SMTP server ${server}` : `connection to the SMTP server ${server} lost`;
    // nodemailer says which wait timed out ("Greeting never received"): worth keeping.
    const which = code === 'ETIMEDOUT' && e.message && !/^(ETIMEDOUT|timeout)$/i.test(e.message) ? ` (${message})` : '';
    return new AccountError('network', `${framing}: ${failure.text}${which}`, { cause: err });
  }
  // nodemailer's own codes for what Node did not name.
  if (code === 'ETLS') return new AccountError('tls', `TLS with the SMTP server ${server} failed: ${message}`, { cause: err });
  if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS') {
    return new AccountError('network', `cannot reach the SMTP server ${server}: ${message}`, { cause: err });
  }
  return new AccountError('protocol', `sending through ${server} failed: ${message}${said}`, { cause: err });
}
