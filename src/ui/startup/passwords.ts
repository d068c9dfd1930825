// Passwords before Ink owns the terminal: prompts first, commands (pinentry…) later with a
// "waiting" item in the status bar; quitting cancels a command still waiting.
import type { CliContext } from '../../cli/context.js';
import type { PasswordContext } from '../../config/password.js';
import type { TmailConfig } from '../../config/types.js';
import { line } from './settings.js';

export interface Passwords {
  /** One getter per configured account (cached after the first answer). */
  getters: (() => Promise<string>)[];
  /** The environment as it was at start, for password commands that run later. */
  passwordCtx: PasswordContext;
  /** Cancels password commands still running (on quit). */
  abort: AbortController;
  /** Where "waiting for passwordCommand" goes once the UI exists. */
  onWaiting(show: (name: string, waiting: boolean) => void): void;
}

/** Asks every password that needs a prompt now; the exit code if one fails. */
export async function askPasswords(ctx: CliContext, config: TmailConfig): Promise<Passwords | number> {
  const { makePasswordGetter } = await import('../../config/password.js');
  const prompt = await import('../../cli/prompt.js');
  // A snapshot of the environment: password commands may run while Ink loads, when NODE_ENV and
  // the CI variables are changed for a moment (load-ink.ts).
  const passwordCtx = { env: { ...ctx.env }, askSecret: prompt.secretPrompt(ctx) };
  const abort = new AbortController();
  let show: (name: string, waiting: boolean) => void = () => undefined;
  const getters = config.accounts.map((a) =>
    makePasswordGetter(a, passwordCtx, { signal: abort.signal, onWaiting: (w) => show(a.name, w) }),
  );
  for (const [i, a] of config.accounts.entries()) {
    if (a.passwordCommand || a.passwordEnv) continue;
    try {
      await getters[i]!();
    } catch (err) {
      line(ctx, err instanceof Error ? err.message : String(err));
      return 1;
    }
  }
  // The prompt's reader must let go of stdin before Ink puts it in raw mode.
  prompt.releaseInput(ctx.stdin);
  return { getters, passwordCtx, abort, onWaiting: (fn) => (show = fn) };
}
