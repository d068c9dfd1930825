// What a POP3 account can do: everything the UI browses is the local copy; only sync() talks to
// the server. Known before the account is created (the registry and the UI read it).
import type { AccountCapabilities } from '../account.js';

export const POP3_CAPABILITIES: Readonly<AccountCapabilities> = Object.freeze<AccountCapabilities>({
  serverFlags: false,
  serverFolders: false,
  serverSearch: false,
  push: false,
  mailLocation: 'local',
  downloadsMail: true,
  sortOrders: ['arrival', 'date', 'from', 'subject', 'thread'],
  // Local Maildir++ folders; there is nothing to subscribe to.
  folderOps: true,
  subscriptions: false,
});
