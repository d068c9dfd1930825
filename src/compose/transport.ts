// Sending over SMTP with nodemailer, under the same TLS/password policy as IMAP and POP3
// (src/accounts/security.ts): certificates verified, `ca` honoured, no password without TLS unless
// allowInsecureAuth. An OAuth2 token goes as XOAUTH2 (nodemailer's only OAuth2 mechanism) and is
// refreshed once when refused. Failures become one AccountError line that says why (auth, network,
// TLS, rejected recipient); the password or token never appears in it.
import { createTransport } from 'nodemailer';
import type { Credentials } from '../auth/credentials.js';
import { TokenRejectedError, withBearerToken } from '../auth/sasl.js';
import { AccountError } from '../domain/index.js';
import { classifyByCode, classifyTlsMessage } from '../accounts/network-errors.js';
import { assertPasswordMayBeSent, isEncrypted, tlsOptions } from '../accounts/security.js';
import { NETWORK_TIMEOUTS } from '../accounts/timeouts.js';
import type { SmtpConfig } from '../config/types.js';
import { sanitizeLine } from '../text/sanitize.js';
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
   * How to sign in. A password is used only when smtp.user is set; an OAuth2 token (XOAUTH2, the
   * mechanism nodemailer speaks) always. Asked only after the TLS check.
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
    return withBearerToken(credentials, { where }, (accessToken) =>
      sendOnce(req, { type: 'OAuth2', user: credentials.user, accessToken }, accessToken, (err) => {
        const e = err as NodemailerError;
        if (e.code !== 'EAUTH') return undefined;
        // 504: the server does not know XOAUTH2 (the only OAuth2 mechanism nodemailer speaks).
        if (e.responseCode === 504) {
          return new AccountError(
            'auth',
            `${where}: the server does not accept XOAUTH2, the OAuth2 sign-in tmail uses for SMTP; use "auth": {"method": "password"} in the smtp block`,
          );
        }
        return new TokenRejectedError('XOAUTH2', undefined, scrubSecret(e.response ?? e.message ?? '', accessToken));
      }),
    );
  }
  let password: string | undefined;
  if (smtp.user) {
    assertPasswordMayBeSent(who, isEncrypted(smtp.security));
    password = await credentials.getPassword();
  }
  return sendOnce(req, smtp.user ? { user: smtp.user, pass: password! } : undefined, password);
}

type SmtpAuth = { user: string; pass: string } | { type: 'OAuth2'; user: string; accessToken: string };

async function sendOnce(
  req: SendRequest,
  auth: SmtpAuth | undefined,
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
  const t = { ...DEFAULT_SMTP_TIMEOUTS, ...req.timeouts };
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    tls,
    auth,
    connectionTimeout: t.connectionMs,
    greetingTimeout: t.greetingMs,
    socketTimeout: t.socketMs,
    disableFileAccess: true,
    disableUrlAccess: true,
    // Commands and replies only: `debug` would also log the message body.
    ...(req.trace ? { logger: smtpTraceLogger(req.trace, req.accountName), transactionLog: true } : {}),
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
