// What an IMAP account can do, known before it connects (the registry and the UI read it; the
// account narrows sortOrders when the server has no SORT/THREAD). No imapflow import here.
import type { AccountCapabilities } from '../account.js';

export const IMAP_CAPABILITIES: Readonly<AccountCapabilities> = Object.freeze<AccountCapabilities>({
  serverFlags: true,
  serverFolders: true,
  serverSearch: true,
  push: true,
  mailLocation: 'server',
  downloadsMail: false,
  // date/from/subject are served by server-side SORT: narrowed on connect when the server has
  // none. Threads come from THREAD=REFERENCES, else from a local threader over fetched headers.
  sortOrders: ['arrival', 'date', 'from', 'subject', 'thread'],
  folderOps: true,
  subscriptions: true,
});
