// Signing in on POP3 with the account's credentials: APOP or USER/PASS for a password (see
// client.ts `login`), SASL AUTH with OAUTHBEARER or XOAUTH2 for an OAuth2 token (RFC 5034, 7628),
// with one refresh and retry when the server rejects the token.
import type { Credentials } from '../../auth/credentials.js';
import { chooseBearerMechanism, noBearerMechanismError, withBearerToken } from '../../auth/sasl.js';
import type { AccountConfig } from '../../config/types.js';
import { assertPasswordMayBeSent } from '../security.js';
import type { Pop3Client } from './client.js';

export async function pop3SignIn(client: Pop3Client, config: AccountConfig, creds: Credentials): Promise<void> {
  if (creds.kind === 'password') {
    const password = await creds.getPassword();
    await client.login({ user: config.user, password, apop: config.apop, allowUserPass: client.encrypted || config.allowInsecureAuth === true });
    return;
  }
  assertPasswordMayBeSent(config, client.encrypted, 'access token');
  const where = `POP3 ${config.host}:${config.port}`;
  await client.capabilities();
  const offered = client.saslMechanisms;
  const mechanism = chooseBearerMechanism(offered);
  if (!mechanism) throw noBearerMechanismError(where, offered);
  await withBearerToken(creds, { where }, (token) => client.authenticateBearer(mechanism, { user: creds.user, token }));
}
