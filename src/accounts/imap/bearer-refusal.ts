// imapflow signs in with an access token by itself (AUTHENTICATE OAUTHBEARER when the server
// offers it, else XOAUTH2, with or without SASL-IR). What it does not do is say *why* a token
// sign-in failed in a way the SASL layer can act on; this turns its error into "the server offers
// no OAuth2 mechanism" or a TokenRejectedError (refresh once and retry).
import type { ImapFlow } from 'imapflow';
import type { AccountError } from '../../domain/index.js';
import { chooseBearerMechanism, noBearerMechanismError, TokenRejectedError, toStatus } from '../../auth/sasl.js';
import { serverText } from './errors.js';

interface AuthErrorLike {
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  oauthError?: unknown;
  responseText?: string;
  response?: unknown;
}

/** undefined when the failure was not about the sign-in (network, TLS…): the usual mapping applies. */
export function bearerRefusal(client: ImapFlow, err: unknown, where: string): AccountError | TokenRejectedError | undefined {
  const caps = [...client.capabilities.keys()];
  const offered = caps.filter((c) => /^AUTH=/i.test(c)).map((c) => c.slice(5));
  const mechanism = chooseBearerMechanism(offered.map((m) => (m.toUpperCase() === 'XOAUTH' ? 'XOAUTH2' : m)));
  // Capabilities are known once the greeting (or the post-STARTTLS CAPABILITY) was read.
  if (caps.length > 0 && !mechanism) return noBearerMechanismError(where, offered);
  const e = (err ?? {}) as AuthErrorLike;
  if (mechanism && (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED' || e.oauthError)) {
    return new TokenRejectedError(mechanism, toStatus(e.oauthError), serverText(e as Parameters<typeof serverText>[0]));
  }
  return undefined;
}
