// "Does this account work?" before `account add` saves it. IMAP: the backend's connect() logs in.
// POP3: Pop3Account.connect() only opens the local cache (the server is contacted by sync), so
// the test logs in with the POP3 client directly and QUITs without touching any message.
import type { AccountDeps } from '../accounts/index.js';
import type { AccountConfig } from '../config/types.js';

/** Resolves when the server accepted the login; rejects with an AccountError otherwise. */
export async function testLogin(config: AccountConfig, deps: AccountDeps): Promise<void> {
  if (config.protocol === 'pop3') return testPop3Login(config, deps);
  const { createAccount } = await import('../accounts/index.js');
  const account = await createAccount(config, deps);
  try {
    await account.connect();
  } finally {
    await account.close().catch(() => undefined);
  }
}

async function testPop3Login(config: AccountConfig, deps: AccountDeps): Promise<void> {
  const [{ Pop3Client }, { assertPasswordMayBeSent, isEncrypted, tlsOptions }, { pop3TraceFunction }] = await Promise.all([
    import('../accounts/pop3/client.js'),
    import('../accounts/security.js'),
    import('../trace/pop3-trace.js'),
  ]);
  // Refuse before asking for a password that could not be sent anyway.
  assertPasswordMayBeSent(config, isEncrypted(config.security));
  const client = await Pop3Client.connect({ host: config.host, port: config.port, security: config.security, tls: tlsOptions(config), ...(deps.trace ? { trace: pop3TraceFunction(deps.trace, config.name) } : {}) });
  try {
    assertPasswordMayBeSent(config, client.encrypted);
    await client.login({ user: config.user, password: await deps.getPassword(), apop: config.apop });
    await client.quit();
  } finally {
    client.close();
  }
}
