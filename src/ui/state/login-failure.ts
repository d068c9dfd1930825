// What the UI does with an error's kind (AccountError.kind): a refused login offers to enter the
// password again (a prompt that never echoes it), an untrusted certificate names the `ca` field,
// a lost connection shows as "reconnecting…" (the backend's connection events, account-events.ts).
// The password prompt itself: password-prompt.ts.
import { AccountError } from '../../domain/errors.js';
import type { ControllerContext } from './controller-context.js';
import { errorText } from './error-text.js';
import { DEFAULT_BINDINGS } from '../keys/bindings.js';
import type { AccountId } from './types.js';

/** The status line for account i's failed login or connection. */
export function failureText(ctx: ControllerContext, i: AccountId, err: unknown): string {
  const name = ctx.slot(i)?.name ?? i;
  const text = `${name}: ${errorText(err)}`;
  if (!(err instanceof AccountError)) return text;
  if (err.kind === 'auth' && ctx.slot(i)?.reenterPassword) {
    const key = ctx.opts.keys.password?.keys[0] ?? DEFAULT_BINDINGS.password.keys[0];
    // The key first: the server's words can be long.
    return `${name}: login refused (${key}: enter the password again) · ${errorText(err)}`;
  }
  if (err.kind === 'tls' && err.hint === 'ca') {
    return `${text} (config.json, account "${name}": "ca": "/path/cert.pem")`;
  }
  return text;
}

/** Shows account i's failure; remembers a refused login so the password key knows whom to ask for. */
export function showFailure(ctx: ControllerContext, i: AccountId, err: unknown): void {
  if (ctx.stopped) return;
  const refused = err instanceof AccountError && err.kind === 'auth' && ctx.slot(i)?.reenterPassword !== undefined;
  if (refused) ctx.post({ type: 'loginRefused', account: i });
  ctx.post({ type: 'failed', error: failureText(ctx, i, err) });
}
