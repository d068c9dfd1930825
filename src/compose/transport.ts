// Sending over SMTP with nodemailer, under the same TLS/password policy as IMAP and POP3
// (src/accounts/security.ts): certificates verified, `ca` honoured, no password without TLS unless
// allowInsecureAuth. Failures become one AccountError line that says why (auth, network, TLS,
// rejected recipient); the password never appears in it.
import { createTransport } from 'nodemailer';
import { AccountError } from '../domain/index.js';
import { classifyByCode, classifyTlsMessage } from '../accounts/network-errors.js';
import { assertPasswordMayBeSent, isEncrypted, tlsOptions } from '../accounts/security.js';
import { NETWORK_TIMEOUTS } from '../accounts/timeouts.js';
import type { SmtpConfig } from '../config/types.js';
import { sanitizeLine } from '../mime/sanitize.js';
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
  /** Called only when a password is needed and may be sent (after the TLS check). */
  getPassword: () => Promise<string>;
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
  const { smtp } = req;
  const who = { name: `${req.accountName} (SMTP)`, host: smtp.host, port: smtp.port, security: smtp.security, ca: smtp.ca, allowInsecureAuth: smtp.allowInsecureAuth };
  const tls = tlsOptions(who);
  let password: string | undefined;
  if (smtp.user) {
    assertPasswordMayBeSent(who, isEncrypted(smtp.security));
    password = await req.getPassword();
  }
  const t = { ...DEFAULT_SMTP_TIMEOUTS, ...req.timeouts };
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    tls,
    auth: smtp.user ? { user: smtp.user, pass: password! } : undefined,
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
      throw new AccountError('protocol', `the SMTP server refused ${rejected.length} recipient(s): ${sanitizeLine(rejected.join(', '))}; nothing was sent to them`);
    }
    return { accepted: (info.accepted ?? []).map(String), response: sanitizeLine(String(info.response ?? '')) };
  } catch (err) {
    if (err instanceof AccountError) throw err;
    throw smtpError(err, smtp, password);
  } finally {
    transport.close();
  }
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
  const scrub = (s: string) => {
    let out = sanitizeLine(s);
    if (password && password.length >= 3) out = out.split(password).join('***');
    return out.length > 200 ? `${out.slice(0, 200)}…` : out;
  };
  const server = `${smtp.host}:${smtp.port}`;
  const said = e.response ? ` (server said: ${scrub(e.response)})` : '';
  const code = e.code ?? '';
  const message = e.message ? scrub(e.message) : 'unknown error';
  if (code === 'EAUTH') return new AccountError('auth', `SMTP login to ${server} as ${sanitizeLine(smtp.user ?? '')} failed${said || ` (${message})`}`, { cause: err });
  if (code === 'EENVELOPE') {
    const who = e.rejected?.length ? `: ${scrub(e.rejected.join(', '))}` : '';
    return new AccountError('protocol', `the SMTP server ${server} refused the recipient(s)${who}${said}`, { cause: err });
  }
  if (code === 'EMESSAGE') return new AccountError('protocol', `the SMTP server ${server} refused the message${said}`, { cause: err });
  // Socket, DNS and TLS failures: the classifier shared with IMAP and POP3.
  const failure = classifyByCode(err, smtp.host) ?? classifyTlsMessage(err, server);
  if (failure?.kind === 'tls') return new AccountError('tls', `TLS with the SMTP server ${server} failed: ${failure.text}`, { cause: err, ...(failure.hint ? { hint: failure.hint } : {}) });
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
