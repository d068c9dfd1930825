// The backend of each account slot: created once, shared by everyone who asks at the same time;
// what it reports is posted to the controller (account-events.ts handles it).
import type { MailAccount } from '../../accounts/account.js';
import type { ControllerContext } from './controller-context.js';
import type { AccountId } from './types.js';

export function backendFor(ctx: ControllerContext, i: AccountId): Promise<MailAccount> {
  const existing = ctx.backends.get(i);
  if (existing) return Promise.resolve(existing);
  // Callers that ask at the same time (warm start + connect) share one backend: two would each
  // hold a connection, and the one that logged in might not be the one asked to list folders.
  let pending = ctx.creating.get(i);
  if (!pending) {
    const created = createBackend(ctx, i);
    pending = created;
    ctx.creating.set(i, created);
    const settled = () => {
      if (ctx.creating.get(i) === created) ctx.creating.delete(i);
    };
    created.then(settled, settled);
  }
  return pending;
}

async function createBackend(ctx: ControllerContext, i: AccountId): Promise<MailAccount> {
  const slot = ctx.slot(i);
  if (!slot) throw new Error('no such account');
  const acc = await slot.create();
  ctx.backends.set(i, acc);
  // A backend replaced by a mode switch may still report (e.g. its close): ignore it then.
  const off = acc.onEvent((event) => {
    if (ctx.backends.get(i) === acc) ctx.post({ type: 'accountEvent', account: i, event });
  });
  ctx.unsubscribers.push(off);
  ctx.offEvents.set(i, off);
  return acc;
}
