// OAuth2 sign-in for SMTP (RFC 7628 OAUTHBEARER preferred, XOAUTH2 as fallback), through
// nodemailer's documented `customAuth` hook: nodemailer itself speaks only XOAUTH2. The initial
// responses and the error challenge come from auth/sasl.ts, shared with IMAP and POP3.
//
// nodemailer hands a custom handler only the mechanisms it knows itself (PLAIN, LOGIN, CRAM-MD5,
// XOAUTH2), so which ones the server offers is read from the EHLO reply in nodemailer's
// transaction log (the same log the SMTP trace is built from).
import {
  type BearerMechanism,
  bearerAbortResponse,
  bearerInitialResponseBase64,
  chooseBearerMechanism,
  noBearerMechanismError,
  parseOAuthErrorChallenge,
  TokenRejectedError,
} from '../auth/sasl.js';
import { sanitizeLine } from '../text/sanitize.js';
import type { SmtpTraceLogger } from '../trace/smtp-trace.js';

/** The name tmail registers its handler under; never sent to the server. */
export const TMAIL_BEARER_METHOD = 'TMAIL-OAUTH2';

type LogFn = SmtpTraceLogger['debug'];

/**
 * Wraps a logger (or none) so the AUTH mechanisms of the last EHLO reply are remembered. Needs
 * nodemailer's `transactionLog: true`.
 */
export function ehloAuthWatcher(inner?: SmtpTraceLogger): { logger: SmtpTraceLogger; offered: () => string[] } {
  let offered: string[] = [];
  let ehloSent = false;
  const watch =
    (next?: LogFn): LogFn =>
    (data, message, ...args) => {
      if (data?.tnx === 'client' && typeof message === 'string' && /^(EHLO|LHLO)\b/i.test(message)) ehloSent = true;
      else if (data?.tnx === 'server' && ehloSent && typeof message === 'string') {
        // The reply to the last EHLO (the one after STARTTLS replaces the one before).
        ehloSent = false;
        const auth = message
          .split(/\r?\n/)
          .map((l) => /^250[ -]AUTH[ =](.*)$/i.exec(l.trim()))
          .find(Boolean);
        offered = auth
          ? auth[1]!
              .split(/[\s=]+/)
              .filter(Boolean)
              .map((m) => m.toUpperCase())
          : [];
      }
      next?.(data, message, ...args);
    };
  const logger: SmtpTraceLogger = {
    trace: watch(inner?.trace),
    debug: watch(inner?.debug),
    info: watch(inner?.info),
    warn: watch(inner?.warn),
    error: watch(inner?.error),
    fatal: watch(inner?.fatal),
  };
  return { logger, offered: () => offered };
}

interface CommandResult {
  status: number;
  text?: string;
  response: string;
}

/** The part of nodemailer's customAuth context the handler uses. */
export interface CustomAuthContext {
  authMethods: string[];
  sendCommand(cmd: string): Promise<CommandResult>;
}

export interface BearerAuthParams {
  user: string;
  token: string;
  host: string;
  port: number;
  /** "SMTP host:port", for the error lines. */
  where: string;
  offered: () => string[];
}

/**
 * The customAuth handler. It throws TokenRejectedError when the server refused the token (the
 * caller refreshes once), an AccountError when no OAuth2 mechanism is offered.
 */
export function bearerAuthHandler(p: BearerAuthParams): (ctx: CustomAuthContext) => Promise<void> {
  return async (ctx) => {
    const offered = [...new Set([...p.offered(), ...ctx.authMethods.map((m) => m.toUpperCase())])];
    const mechanism = chooseBearerMechanism(offered);
    if (!mechanism) throw noBearerMechanismError(p.where, offered);
    const ir = bearerInitialResponseBase64(mechanism, { user: p.user, token: p.token, host: p.host, port: p.port });
    let reply = await ctx.sendCommand(`AUTH ${mechanism} ${ir}`);
    if (reply.status === 235) return;
    if (reply.status === 504)
      throw noBearerMechanismError(
        p.where,
        offered.filter((m) => m !== mechanism),
      );
    let status: ReturnType<typeof parseOAuthErrorChallenge>;
    if (reply.status === 334) {
      // The error challenge: answer so the server can finish with its failure reply.
      status = parseOAuthErrorChallenge(reply.text ?? '');
      reply = await ctx.sendCommand(bearerAbortResponse(mechanism));
    }
    throw new TokenRejectedError(mechanism, status, scrub(reply.response, p.token));
  };
}

function scrub(s: string, secret: string): string {
  let out = sanitizeLine(s);
  if (secret.length >= 3) out = out.split(secret).join('***');
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}

export type { BearerMechanism };
