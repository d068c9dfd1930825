// Periodic new-mail check of the accounts that download (POP3), like mutt's mail_check or
// Thunderbird's "check every N minutes": POP3 has no push, so while tmail runs each such account
// checks every `checkInterval` (AccountSlot.checkIntervalMs; absent or 0 = off). The next check is
// planned when a check ends (the one at connect, `$`, or a periodic one), so two never overlap; a
// server's LOGIN-DELAY pushes it later. The status bar shows when it is due.
import type { ControllerContext } from './controller-context.js';
import { accountEntry } from './folder-rows.js';
import type { AccountId } from './types.js';
import { SYSTEM_CLOCK } from './check-clock.js';

const planned = new WeakMap<ControllerContext, Map<AccountId, () => void>>();

function plansOf(ctx: ControllerContext): Map<AccountId, () => void> {
  let plans = planned.get(ctx);
  if (!plans) planned.set(ctx, (plans = new Map()));
  return plans;
}

/**
 * A check of account i ended (or was deferred): plans the next one after the account's interval,
 * and not before `notBefore` (the server's LOGIN-DELAY).
 */
export function planNextCheck(ctx: ControllerContext, i: AccountId, notBefore?: Date): void {
  cancelCheck(ctx, i);
  const every = ctx.slot(i)?.checkIntervalMs ?? 0;
  if (ctx.stopped || !(every > 0)) return;
  const clock = ctx.opts.clock ?? SYSTEM_CLOCK;
  const now = clock.now();
  const at = Math.max(now + every, notBefore?.getTime() ?? 0);
  ctx.updateAccount(i, { nextCheckAt: at });
  plansOf(ctx).set(
    i,
    clock.schedule(() => {
      plansOf(ctx).delete(i);
      if (ctx.stopped) return;
      // A download already running (the user's `$`) plans the next check when it ends.
      if (accountEntry(ctx.state, i)?.sync) return;
      ctx.post({ type: 'syncAccount', account: i, background: true });
    }, at - now),
  );
}

/** Forgets the planned check of account i (stop, or the account is switched away from POP3). */
export function cancelCheck(ctx: ControllerContext, i: AccountId): void {
  const plans = planned.get(ctx);
  const cancel = plans?.get(i);
  if (!cancel) return;
  cancel();
  plans!.delete(i);
  if (accountEntry(ctx.state, i)?.nextCheckAt !== undefined) ctx.updateAccount(i, { nextCheckAt: undefined });
}

/** Cancels every planned check (the controller stops). */
export function cancelAllChecks(ctx: ControllerContext): void {
  const plans = planned.get(ctx);
  if (!plans) return;
  for (const cancel of plans.values()) cancel();
  plans.clear();
}
