// Credentials before Ink owns the terminal: password prompts first; commands (pinentry, an OAuth2
// tokenCommand…) later with a "waiting" item in the status bar; quitting cancels a command still
// waiting.
import type { Credentials } from '../../auth/credentials.js';
import { accountCredentials, type CredentialsContext, smtpCredentials } from '../../auth/provider.js';
import type { CliContext } from '../../cli/context.js';
import { credentialsContext } from '../../cli/credentials.js';
import * as prompt from '../../cli/prompt.js';
import { accountDataDir } from '../../config/paths.js';
import type { AccountConfig, TmailConfig } from '../../config/types.js';
import { line } from './settings.js';

export interface Passwords {
  /** One Credentials per configured account (a password is cached after the first answer). */
  credentials: Credentials[];
  /** The SMTP credentials of each account (the account's own unless its smtp block says otherwise). */
  smtp: Credentials[];
  /** Cancels password/token commands still running (on quit). */
  abort: AbortController;
  /** Where "waiting for passwordCommand" goes once the UI exists. */
  onWaiting(show: (name: string, command: string, waiting: boolean) => void): void;
}

function needsPrompt(a: AccountConfig): boolean {
  return a.auth?.method !== 'oauth2' && !a.passwordCommand && !a.passwordEnv;
}

/** Asks every password that needs a prompt now; the exit code if one fails. */
export async function askPasswords(ctx: CliContext, config: TmailConfig): Promise<Passwords | number> {
  // A snapshot of the environment: password commands may run while Ink loads, when NODE_ENV and
  // the CI variables are changed for a moment (load-ink.ts).
  const env = { ...ctx.env };
  const abort = new AbortController();
  let show: (name: string, command: string, waiting: boolean) => void = () => undefined;
  const contexts: CredentialsContext[] = config.accounts.map((a) => ({
    ...credentialsContext(ctx, accountDataDir(ctx, a.name), {
      signal: abort.signal,
      onWaiting: (w) => show(a.name, a.auth?.method === 'oauth2' ? 'tokenCommand' : 'passwordCommand', w),
    }),
    env,
  }));
  const credentials = config.accounts.map((a, i) => accountCredentials(a, contexts[i]!));
  for (const [i, a] of config.accounts.entries()) {
    const c = credentials[i]!;
    if (c.kind !== 'password' || !needsPrompt(a)) continue;
    try {
      await c.getPassword();
    } catch (err) {
      line(ctx, err instanceof Error ? err.message : String(err));
      return 1;
    }
  }
  // The prompt's reader must let go of stdin before Ink puts it in raw mode.
  prompt.releaseInput(ctx.stdin);
  const smtp = config.accounts.map((a, i) => smtpCredentials(a, credentials[i]!, contexts[i]!));
  return { credentials, smtp, abort, onWaiting: (fn) => (show = fn) };
}
