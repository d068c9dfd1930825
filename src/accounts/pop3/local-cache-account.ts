// The POP3 cache of an account that now uses IMAP, as a folder group of its own
// ("<account> · local cache"). Switching POP3 → IMAP leaves the downloaded mail on disk (it may
// no longer exist on the server); this keeps it readable in tmail. It is the Pop3Account over the
// same Maildir minus everything that talks to the server: no sync, and local deletes never queue
// a server DELE (the account is not in POP3 mode; switching back decides what the server keeps).
import type { AccountConfig } from '../../config/types.js';
import type { AccountDeps, MailAccount } from '../account.js';
import { Pop3Account } from './pop3-account.js';
import { defaultSyncApi, type Pop3SyncApi } from './pop3-sync-bridge.js';

const offline: Pop3SyncApi = {
  syncMailbox: async () => {
    throw new Error('the local cache does not download; switch the account to POP3 for that');
  },
  markForServerDeletion: async () => undefined,
  nextLoginAt: async () => undefined,
  loadLocations: defaultSyncApi.loadLocations,
};

/** `name` is how the folder pane shows it, e.g. "work · local cache". */
export function openLocalCache(config: AccountConfig, deps: Pick<AccountDeps, 'dataDir'>, name: string): MailAccount {
  const view = { ...config, name, protocol: 'pop3' as const, deleteOnServerWhenDeletedLocally: false };
  const inner = new Pop3Account(view, { dataDir: deps.dataDir, getPassword: async () => '' }, offline);
  // Nothing downloads here: no `sync`, and the capabilities say so.
  const capabilities = { ...inner.capabilities, downloadsMail: false };
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'sync' || prop === 'backgroundSync' || prop === 'nextCheckAt') return undefined;
      if (prop === 'capabilities') return capabilities;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    has(target, prop) {
      return prop !== 'sync' && prop !== 'backgroundSync' && prop !== 'nextCheckAt' && Reflect.has(target, prop);
    },
  }) as MailAccount;
}
