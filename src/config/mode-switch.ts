// Switching an account between IMAP and POP3: what changes in config.json (protocol, the port of
// the new protocol — remembered in `ports` or its default —, leaveOnServer) and the words that tell the user what it does to the
// mail on the server. One module for `tmail account mode` and the UI's switch key, so both say
// and do exactly the same. Nothing is downloaded or deleted here: the next sync (POP3) or the next
// open (IMAP) acts on the new mode, and the local POP3 cache always stays on disk.
import { join } from 'node:path';
import { sanitizeLine } from '../text/sanitize.js';
import { updateAccount } from './config.js';
import { DEFAULT_PORTS, type AccountConfig, type Protocol } from './types.js';

export interface SwitchPlan {
  account: AccountConfig;
  target: Protocol;
  /** Whether downloaded mail stays on the server after the switch (asked for now, or already configured). */
  leaveOnServer: boolean;
  port: number;
  /** The config change; empty when nothing would change. */
  patch: Partial<AccountConfig>;
}

/** `leaveOnServer: true` asks to keep server copies (only meaningful for pop3). */
export function planSwitch(account: AccountConfig, target: Protocol, opts: { leaveOnServer?: boolean } = {}): SwitchPlan {
  const askLeave = opts.leaveOnServer === true && target === 'pop3';
  const leaveOnServer = askLeave || account.leaveOnServer === true;
  if (account.protocol === target && !(askLeave && !account.leaveOnServer)) {
    return { account, target, leaveOnServer, port: account.port, patch: {} };
  }
  const patch: Partial<AccountConfig> = {};
  if (account.protocol !== target) {
    patch.protocol = target;
    // The port being left is remembered, so a custom port comes back on the way back.
    if (account.ports?.[account.protocol] !== account.port) patch.ports = { ...account.ports, [account.protocol]: account.port };
  }
  const port = switchedPort(account, target);
  if (port !== account.port) patch.port = port;
  if (askLeave && !account.leaveOnServer) patch.leaveOnServer = true;
  return { account, target, leaveOnServer, port, patch };
}

export function isNoop(plan: SwitchPlan): boolean {
  return Object.keys(plan.patch).length === 0;
}

/** Writes the plan to config.json; returns the account as validated after the change. */
export async function applySwitch(ctx: Parameters<typeof updateAccount>[0], plan: SwitchPlan): Promise<AccountConfig> {
  if (isNoop(plan)) return plan.account;
  return updateAccount(ctx, plan.account.name, plan.patch);
}

/**
 * The target protocol's port: the one remembered in `ports` (written by an earlier switch, or by
 * the user / the demo for a server with non-standard ports); else the new protocol's default when
 * the account used the old protocol's default; else unchanged.
 */
export function switchedPort(account: AccountConfig, target: Protocol): number {
  if (account.protocol === target) return account.port;
  const remembered = account.ports?.[target];
  if (remembered !== undefined) return remembered;
  const from = DEFAULT_PORTS[account.protocol];
  const to = DEFAULT_PORTS[target];
  if (account.port === from[account.security]) return to[account.security];
  // e.g. 993 with security "starttls" (odd, but keep the mapping obvious): any default of the old protocol.
  for (const security of ['tls', 'starttls', 'none'] as const) if (account.port === from[security]) return to[security];
  return account.port;
}

/**
 * What the switch does, in words: one paragraph per line, not wrapped (the caller wraps to its
 * width). `keepHint` tells how to keep the server copies in the caller's terms (a CLI option, a
 * key in the UI).
 */
export function explainSwitch(plan: SwitchPlan, dataDir: string, keepHint: string): string {
  const { account, target, leaveOnServer, port } = plan;
  const label = sanitizeLine(account.name);
  const maildir = join(dataDir, 'Maildir');
  const lines: string[] = [];
  if (target === 'pop3') {
    lines.push(`Switching ${label} from IMAP to POP3:`, `The next sync downloads the server INBOX into ${maildir}.`);
    lines.push(
      leaveOnServer
        ? account.deleteAfterDays !== undefined
          ? `Messages stay on the server and are deleted there ${account.deleteAfterDays} days after they were downloaded.`
          : 'Messages stay on the server (leaveOnServer); other devices still see them.'
        : `Each message is then DELETED FROM THE SERVER once it is safely stored here, so other devices and webmail will no longer see it. ${keepHint}`,
    );
    lines.push('Only the INBOX is downloaded; other server folders are left as they are. Read/unread, flags and folders then live only on this computer.');
    // POP3 carries no flags, and what a server does on download differs (GNU Mailutils and Courier
    // mark mail \Seen on RETR; Dovecot does not): say only what holds on every server.
    lines.push(
      'POP3 does not carry read/unread: every downloaded message starts unread here, even if it was read on the server. ' +
        (leaveOnServer
          ? 'Some servers also mark a message as read on the server when POP3 downloads it, so other devices may show it read although you have not opened it.'
          : 'Some servers also mark a message as read on the server when POP3 downloads it.'),
    );
  } else {
    lines.push(
      `Switching ${label} from POP3 to IMAP:`,
      "tmail will show the server's folders again. Messages that POP3 already downloaded and deleted from the server are no longer there.",
      `Their local copies stay on disk in ${maildir} and are not deleted: tmail shows them as "${label} · local cache", and mutt/neomutt can open them too.`,
      'Read/unread set here while on POP3 is not copied to the server. Messages POP3 left on the server may show as read there, because some servers mark mail read when POP3 downloads it.',
    );
  }
  const remembered = account.ports?.[target] === port && account.protocol !== target;
  if (port !== account.port) {
    lines.push(
      `The port changes from ${account.port} to ${port} (${remembered ? `the ${target.toUpperCase()} port in "ports" in config.json` : `the ${target.toUpperCase()} default`}).`,
    );
  } else if (remembered) {
    lines.push(`The port stays ${port} (the ${target.toUpperCase()} port in "ports" in config.json).`);
  } else if (account.protocol !== target && !remembered && !Object.values(DEFAULT_PORTS[target]).includes(port)) {
    // A custom port cannot be mapped: say so now rather than fail to connect after the switch.
    lines.push(
      `The port stays ${port} (not a standard port). If the server's ${target.toUpperCase()} service listens on another port, change "port" in config.json.`,
    );
  }
  return lines.join('\n');
}
