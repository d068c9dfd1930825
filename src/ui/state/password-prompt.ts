// The password key after a refused login: a prompt that keeps what is typed but never draws it,
// then the same login again with the new password (the account slot's reenterPassword).
import { actionFor } from '../keys/bindings.js';
import { editLine } from '../keys/line-editor.js';
import { connectAccount } from './account-connect.js';
import type { ControllerContext } from './controller-context.js';
import type { KeyInput } from './controller-options.js';
import { accountEntry } from './folder-rows.js';
import type { Overlay } from './types.js';

/** The password key: asks for account's password (the one under the folder cursor first). */
export function askPassword(ctx: ControllerContext): void {
  const refused = ctx.state.accounts.filter((a) => a.loginRefused).map((a) => a.id);
  const cur = ctx.state.current?.account;
  const account = refused.find((a) => a === cur) ?? refused[0];
  if (account === undefined) return ctx.notify('No login was refused');
  const name = ctx.slot(account)?.name ?? account;
  ctx.post({ type: 'overlayShown', overlay: { kind: 'secret', account, label: `Password for ${name} (not shown, Esc cancels): `, value: '' } });
}

/** Keys of the password prompt: typed characters are kept but never drawn; Enter logs in again. */
export function secretKey(ctx: ControllerContext, o: Extract<Overlay, { kind: 'secret' }>, input: KeyInput): void {
  const e = editLine(o.value, actionFor(ctx.opts.keys, input.spec, 'dialog'), input.text);
  if (!e) return;
  if (e.kind === 'change') return ctx.post({ type: 'overlayShown', overlay: { ...o, value: e.value } });
  ctx.post({ type: 'overlayClosed' });
  if (e.kind === 'cancel' || e.value === '') return;
  const slot = ctx.slot(o.account);
  if (!slot?.reenterPassword) return;
  slot.reenterPassword(e.value);
  ctx.updateAccount(o.account, { loginRefused: undefined });
  const name = slot.name;
  ctx.notify(`${name}: logging in again…`);
  const entry = accountEntry(ctx.state, o.account);
  // The backend may still hold the refused session: a new login replaces it.
  if (entry?.status !== 'connecting') {
    void connectAccount(ctx, o.account, !ctx.state.current).then(() => {
      if (accountEntry(ctx.state, o.account)?.status === 'connected') ctx.notify(`${name}: connected`);
    });
  }
}
