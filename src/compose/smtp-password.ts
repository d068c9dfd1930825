// The SMTP password: the smtp block's own passwordCommand/passwordEnv when it has one, else the
// account's (same mailbox, same secret — the common case), so the user is never asked twice.
import { makePasswordGetter, type PasswordContext } from '../config/password.js';
import type { AccountConfig } from '../config/types.js';

export function smtpPasswordGetter(
  config: AccountConfig,
  accountGetter: () => Promise<string>,
  ctx: PasswordContext,
): () => Promise<string> {
  const smtp = config.smtp;
  if (!smtp || (!smtp.passwordCommand && !smtp.passwordEnv)) return accountGetter;
  return makePasswordGetter(
    { name: `${config.name} (smtp)`, user: smtp.user ?? config.user, host: smtp.host, passwordCommand: smtp.passwordCommand, passwordEnv: smtp.passwordEnv },
    ctx,
  );
}
