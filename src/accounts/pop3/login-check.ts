// "Does this account work?" for POP3: Pop3Account.connect() only opens the local cache (the
// server is contacted by sync), so the check logs in with the POP3 client directly and QUITs
// without touching any message.
import type { AccountConfig } from '../../config/types.js';
import type { AccountDeps } from '../account.js';
import { assertPasswordMayBeSent, isEncrypted, tlsOptions } from '../security.js';
import { pop3TraceFunction } from '../../trace/pop3-trace.js';
import { Pop3Client } from './client.js';
import { pop3SignIn } from './sign-in.js';
import { depsCredentials, secretName } from '../sign-in.js';

export async function checkPop3Login(config: AccountConfig, deps: AccountDeps): Promise<void> {
  const creds = depsCredentials(config.user, deps, config.name);
  // Refuse before asking for a password (or token) that could not be sent anyway.
  assertPasswordMayBeSent(config, isEncrypted(config.security), secretName(creds));
  const client = await Pop3Client.connect({
    host: config.host,
    port: config.port,
    security: config.security,
    tls: tlsOptions(config),
    ...(deps.trace ? { trace: pop3TraceFunction(deps.trace, config.name) } : {}),
  });
  try {
    assertPasswordMayBeSent(config, client.encrypted, secretName(creds));
    await pop3SignIn(client, config, creds);
    await client.quit();
  } finally {
    client.close();
  }
}
