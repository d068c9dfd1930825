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
    // Asked for while the server answers CAPA (a keyring or a prompt may take a while).
    const password = creds.getPassword();
    password.catch(() => undefined); // reported below, once awaited
    await capabilitiesBeforeLogin(client);
    await client.login({
      user: config.user,
      password: await password,
      apop: config.apop,
      allowUserPass: client.encrypted || config.allowInsecureAuth === true,
    });
    return;
  }
  await capabilitiesBeforeLogin(client);
  assertPasswordMayBeSent(config, client.encrypted, 'access token');
  const where = `POP3 ${config.host}:${config.port}`;
  const offered = client.saslMechanisms;
  const mechanism = chooseBearerMechanism(offered);
  if (!mechanism) throw noBearerMechanismError(where, offered);
  await withBearerToken(creds, { where }, (token) => client.authenticateBearer(mechanism, { user: creds.user, token }));
}

/**
 * What the server offers before login (after STLS, asked again over TLS): the SASL mechanisms,
 * and PIPELINING, which saves a round trip at login and two after it (see capabilitiesAndListings).
 */
async function capabilitiesBeforeLogin(client: Pop3Client): Promise<void> {
  if (!client.capabilitiesRead) await client.capabilities();
}
