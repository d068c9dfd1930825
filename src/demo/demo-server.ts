// `tmail --demo`'s mail server: one in-memory mailbox with the sample messages, served over IMAP
// and POP3 on random loopback ports, with a throw-away password made up for this run.
import { randomBytes } from 'node:crypto';
import type { AccountConfig } from '../config/types.js';
import { startDemoImapServer, type DemoCredentials } from './imap-server.js';
import { DemoMailStore } from './mail-store.js';
import { startDemoPop3Server } from './pop3-server.js';
import { sampleMessages } from './samples.js';

export const DEMO_PASSWORD_ENV = 'TMAIL_DEMO_PASSWORD';

export interface DemoServer {
  store: DemoMailStore;
  credentials: DemoCredentials;
  host: string;
  imapPort: number;
  pop3Port: number;
  /** The two demo accounts; the password comes from DEMO_PASSWORD_ENV. */
  accounts(): AccountConfig[];
  close(): Promise<void>;
}

export async function startDemoServer(opts: { messages?: boolean; password?: string } = {}): Promise<DemoServer> {
  const store = new DemoMailStore();
  if (opts.messages !== false) for (const m of sampleMessages()) store.append('INBOX', m.raw, m.flags, m.date);
  const credentials = { user: 'demo', password: opts.password || randomBytes(12).toString('base64url') };
  const host = '127.0.0.1';
  const imap = await startDemoImapServer(store, credentials, host);
  let pop3;
  try {
    pop3 = await startDemoPop3Server(store, credentials, host);
  } catch (err) {
    await imap.close();
    throw err;
  }
  const common = {
    host,
    security: 'none' as const,
    user: credentials.user,
    passwordEnv: DEMO_PASSWORD_ENV,
    // Loopback inside this very process, with a password made up for this run: nothing to protect.
    allowInsecureAuth: true,
    // Both services listen on random ports: M (switch model) takes the other one from here.
    ports: { imap: imap.port, pop3: pop3.port },
  };
  return {
    store,
    credentials,
    host,
    imapPort: imap.port,
    pop3Port: pop3.port,
    accounts: () => [
      { ...common, name: 'Demo (IMAP)', protocol: 'imap', port: imap.port, email: 'demo@demo.tmail.invalid' },
      // No periodic check: nothing new arrives in the demo, and the user drives it with `$`.
      { ...common, name: 'Demo (POP3)', protocol: 'pop3', port: pop3.port, email: 'demo@demo.tmail.invalid', checkInterval: 0 },
    ],
    close: async () => {
      await Promise.all([imap.close(), pop3.close()]);
    },
  };
}
