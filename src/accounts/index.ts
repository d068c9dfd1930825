// Builds the right MailAccount for a config entry. Backends are imported lazily so that
// `tmail --version` and the UI's first paint never pay for imapflow or node-pop3.
import type { AccountConfig } from '../config/types.js';
import type { MailAccount } from './account.js';
import type { TraceSink } from '../trace/types.js';

export interface AccountDeps {
  /** Returns the password when the backend is about to log in (may prompt the user). */
  getPassword: () => Promise<string>;
  /** Root of this account's local data (caches, POP3 Maildir); created 0700 by the backend. */
  dataDir: string;
  /** Receives the protocol conversation (already redacted) for the trace pane / --trace. */
  trace?: TraceSink;
}

export async function createAccount(config: AccountConfig, deps: AccountDeps): Promise<MailAccount> {
  if (config.protocol === 'imap') {
    const { ImapAccount } = await import('./imap/imap-account.js');
    return new ImapAccount(config, deps);
  }
  const { Pop3Account } = await import('./pop3/pop3-account.js');
  return new Pop3Account(config, deps);
}
