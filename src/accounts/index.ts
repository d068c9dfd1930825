// The backend registry: each mail model registers its config name, how the UI names it, what it
// can do (capabilities, known before anything connects) and how to build it. Adding a backend is
// one implementation (a folder beside imap/ and pop3/) plus one registerBackend() call below
// (and its name in config's Protocol list). Implementations are imported lazily, so that
// `tmail --version` and the UI's first paint never pay for imapflow or node-pop3.
import type { AccountConfig } from '../config/types.js';
import { AccountError } from '../domain/index.js';
import type { AccountCapabilities, AccountDeps, MailAccount } from './account.js';
import { IMAP_CAPABILITIES } from './imap/capabilities.js';
import { POP3_CAPABILITIES } from './pop3/capabilities.js';

// Kept here too so callers importing it from the registry keep compiling (remove after the merge).
export type { AccountDeps } from './account.js';

export interface BackendDefinition {
  /** The config entry's `protocol`. */
  protocol: string;
  /** How the UI names the model: "IMAP", "POP3". */
  label: string;
  /** What every account of this kind can do; the UI chooses its words from these, never from the name. */
  capabilities: Readonly<AccountCapabilities>;
  create(config: AccountConfig, deps: AccountDeps): Promise<MailAccount>;
  /** Logs in and out without changing anything (`account add` checks before saving); rejects with an AccountError. */
  checkLogin(config: AccountConfig, deps: AccountDeps): Promise<void>;
}

const backends = new Map<string, BackendDefinition>();

export function registerBackend(definition: BackendDefinition): void {
  if (backends.has(definition.protocol)) throw new Error(`backend "${definition.protocol}" is registered twice`);
  backends.set(definition.protocol, definition);
}

/** The registered backend for a config protocol; a clear config error for an unknown one. */
export function backendFor(protocol: string): BackendDefinition {
  const b = backends.get(protocol);
  if (!b) throw new AccountError('config', `unknown protocol "${protocol}" (known: ${[...backends.keys()].join(', ')})`);
  return b;
}

export function registeredBackends(): BackendDefinition[] {
  return [...backends.values()];
}

/** A login check for backends whose connect() logs in: connect, then close. */
async function connectAndClose(account: MailAccount): Promise<void> {
  try {
    await account.connect();
  } finally {
    await account.close().catch(() => undefined);
  }
}

export function createAccount(config: AccountConfig, deps: AccountDeps): Promise<MailAccount> {
  return backendFor(config.protocol).create(config, deps);
}

registerBackend({
  protocol: 'imap',
  label: 'IMAP',
  capabilities: IMAP_CAPABILITIES,
  create: async (config, deps) => new (await import('./imap/imap-account.js')).ImapAccount(config, deps),
  checkLogin: async (config, deps) => connectAndClose(await createAccount(config, deps)),
});

registerBackend({
  protocol: 'pop3',
  label: 'POP3',
  capabilities: POP3_CAPABILITIES,
  create: async (config, deps) => new (await import('./pop3/pop3-account.js')).Pop3Account(config, deps),
  // connect() only opens the local cache; the server is asked directly.
  checkLogin: async (config, deps) => (await import('./pop3/login-check.js')).checkPop3Login(config, deps),
});
