// POP3 download (`$`): progress in the status bar, what happened on the server in words.
import { connectAccount, refreshFolders } from './account-connect.js';
import { backendFor } from './backends.js';
import { poll } from './account-events.js';
import type { ControllerContext } from './controller-context.js';
import { reopenCurrent } from './folder-loading.js';
import type { AccountId } from './types.js';
import { isCheckDeferred, type SyncProgress } from '../../accounts/account.js';
import { accountEntry } from './folder-rows.js';
import { cancelCheck, planNextCheck } from './periodic-check.js';
import { clockText } from './check-clock.js';
import { AccountError } from '../../domain/index.js';

/**
 * Downloads account i's new mail. Through backgroundSync() where the account has it: before the
 * server's LOGIN-DELAY has passed it does not log in (a login would be refused) and the status line
 * says when the next check is allowed; `manual` (the user's `$`) says that nothing was checked.
 * `background` (the periodic check) speaks only when mail arrived or something failed. When it
 * ends, the next periodic check is planned (periodic-check.ts).
 */
export async function syncAccount(ctx: ControllerContext, i: AccountId, manual = false, background = false): Promise<void> {
  const acc = await backendFor(ctx, i);
  if (!acc.sync) return cancelCheck(ctx, i); // switched to IMAP meanwhile: nothing to check
  if (accountEntry(ctx.state, i)?.sync) return background ? undefined : ctx.notify('Already downloading');
  ctx.updateAccount(i, { sync: { done: 0, total: 0, bytes: 0 } });
  const name = ctx.slot(i)!.name;
  let notBefore: Date | undefined;
  let plan = true;
  try {
    const progress = (p: SyncProgress) => ctx.updateAccount(i, { sync: { done: p.done, total: p.total, bytes: p.bytes } });
    const outcome = await ctx.track(`downloading ${name}…`, acc.backgroundSync ? acc.backgroundSync(progress) : acc.sync(progress));
    if (isCheckDeferred(outcome)) {
      notBefore = outcome.nextCheckAt;
      // The time first and short: it is what the user needs, on an 80-column status line too.
      if (!background)
        ctx.notify(`${name}: ${manual ? 'not checked, next allowed' : 'next check allowed'} at ${clockText(outcome.nextCheckAt)} (server's LOGIN-DELAY)`);
      return;
    }
    const result = outcome;
    // What POP3 did on the server too: that is the model's difference the user should see.
    // Short, so it fits beside the account's status on one line.
    if (!background || result.downloaded > 0)
      ctx.notify(`${name}: ${result.downloaded} downloaded · server: ${result.deletedOnServer} deleted, ${result.keptOnServer} kept`);
    ctx.updateAccount(i, { keptOnServer: result.keptOnServer });
    // The login just made may start the server's LOGIN-DELAY: the next check waits for it.
    notBefore = await acc.nextCheckAt?.().catch(() => undefined);
    await refreshFolders(ctx, i);
  } catch (err) {
    // A refused login is not retried by the clock (the user's `$` logs in again).
    if (err instanceof AccountError && err.kind === 'auth') plan = false;
    ctx.fail(err, `${name} download`);
  } finally {
    ctx.updateAccount(i, { sync: undefined });
    if (plan) planNextCheck(ctx, i, notBefore);
    else cancelCheck(ctx, i);
  }
}

export function syncCurrent(ctx: ControllerContext): void {
  const i = ctx.state.current?.account ?? ctx.firstAccount ?? '';
  const acc = ctx.backends.get(i);
  const account = accountEntry(ctx.state, i);
  const name = ctx.slot(i)?.name ?? '';
  if (acc?.sync) void syncAccount(ctx, i, true);
  else if (account?.status === 'connecting' || account?.status === 'reconnecting') {
    ctx.notify(`${name}: still connecting; new mail shows once it is connected`);
  } else if (account && account.status !== 'connected') {
    // Never connected, or the login failed: checking mail means logging in again (the error, if
    // it fails again, replaces this line).
    ctx.notify(`${name}: logging in again…`);
    void connectAccount(ctx, i, !ctx.state.current).then(() => {
      if (accountEntry(ctx.state, i)?.status !== 'connected') return;
      reopenCurrent(ctx);
      ctx.notify(`${name}: connected`);
    });
  } else {
    poll(ctx);
    reopenCurrent(ctx);
    ctx.notify('Checking for new mail…');
  }
}
