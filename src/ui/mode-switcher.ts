// The UI's side of switching an account between IMAP and POP3: the account slots the controller
// gets, each with a ModeSwitcher that writes config.json exactly as `tmail account mode` does
// (config/mode-switch.ts) and says how to open the account afterwards; plus, for an IMAP account
// that has a POP3 cache on disk, a slot for "<account> · local cache".
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AccountDeps } from '../accounts/index.js';
import type { MailAccount } from '../accounts/account.js';
import type { Credentials } from '../auth/credentials.js';
import { applySwitch, explainSwitch, planSwitch } from '../config/mode-switch.js';
import { accountDataDir } from '../config/paths.js';
import { type AccountConfig, checkIntervalMs } from '../config/types.js';
import type { AccountSlot, ModeSwitcher } from './state/controller.js';

type CreateAccount = (config: AccountConfig, deps: AccountDeps) => Promise<MailAccount>;
type Ctx = Parameters<typeof accountDataDir>[0] & Parameters<typeof applySwitch>[0];

export const LOCAL_CACHE_SUFFIX = ' · local cache';

/**
 * One slot per configured account. `accounts` is the loaded config; a switch replaces its entry,
 * so whoever else reads it (compose) sees the new settings.
 */
export function accountSlots(
  ctx: Ctx,
  accounts: AccountConfig[],
  credentials: Credentials[],
  createAccount: CreateAccount,
  trace?: AccountDeps['trace'],
): AccountSlot[] {
  // A password entered again after a refused login replaces the one asked for at start-up.
  const entered = new Map<number, string>();
  const credentialsOf = (i: number): Credentials => {
    const c = credentials[i]!;
    return c.kind === 'password' ? { ...c, getPassword: () => (entered.has(i) ? Promise.resolve(entered.get(i)!) : c.getPassword()) } : c;
  };
  return accounts.map((a, i) => {
    const deps = (): AccountDeps => ({ credentials: credentialsOf(i), dataDir: accountDataDir(ctx, accounts[i]!.name), ...(trace ? { trace } : {}) });
    return {
      name: a.name,
      protocol: a.protocol,
      cacheDir: homeShortened(join(accountDataDir(ctx, a.name), 'Maildir'), ctx.env.HOME || homedir()),
      checkIntervalMs: checkIntervalMs(a),
      create: () => createAccount(accounts[i]!, deps()),
      mode: modeSwitcher(ctx, accounts, i, deps, createAccount),
      ...(a.searches?.length ? { searches: a.searches } : {}),
      ...(credentials[i]?.kind === 'password' ? { reenterPassword: (p: string) => void entered.set(i, p) } : {}),
    };
  });
}

/** `/home/me/.local/share/…` → `~/.local/share/…`: shorter, and says "in your home". */
export function homeShortened(path: string, home: string): string {
  const h = home.replace(/\/+$/, '');
  if (!h || h === '/') return path;
  return path === h ? '~' : path.startsWith(`${h}/`) ? `~${path.slice(h.length)}` : path;
}

function modeSwitcher(ctx: Ctx, accounts: AccountConfig[], i: number, deps: () => AccountDeps, createAccount: CreateAccount): ModeSwitcher {
  const current = () => accounts[i]!;
  return {
    leaveOnServer: () => current().leaveOnServer === true,
    explain: (target, leaveOnServer) => explainSwitch(planSwitch(current(), target, { leaveOnServer }), deps().dataDir, 'Press l to keep the server copies.'),
    async apply(target, leaveOnServer) {
      const updated = await applySwitch(ctx, planSwitch(current(), target, { leaveOnServer }));
      accounts[i] = updated;
      return { protocol: updated.protocol, create: () => createAccount(updated, deps()) };
    },
    localCache() {
      const a = current();
      const dataDir = deps().dataDir;
      if (a.protocol !== 'imap' || !existsSync(join(dataDir, 'Maildir', 'cur'))) return undefined;
      const name = `${a.name}${LOCAL_CACHE_SUFFIX}`;
      return {
        name,
        protocol: 'pop3',
        cacheDir: homeShortened(join(dataDir, 'Maildir'), ctx.env.HOME || homedir()),
        create: async () => (await import('../accounts/pop3/local-cache-account.js')).openLocalCache(a, { dataDir }, name),
      };
    },
  };
}
