// POP3 download (`$`): progress in the status bar, what happened on the server in words.
import { connectAccount, refreshFolders } from './account-connect.js';
import { backendFor } from './backends.js';
import { poll } from './account-events.js';
import type { ControllerContext } from './controller-context.js';
import { reopenCurrent } from './folder-loading.js';
import type { AccountId } from './types.js';
import { accountEntry } from './folder-rows.js';

export async function syncAccount(ctx: ControllerContext, i: AccountId): Promise<void> {
  const acc = await backendFor(ctx, i);
  if (!acc.sync) return;
  if (accountEntry(ctx.state, i)?.sync) return ctx.notify('Already downloading');
  ctx.updateAccount(i, { sync: { done: 0, total: 0, bytes: 0 } });
  try {
    const result = await ctx.track(
      `downloading ${ctx.slot(i)!.name}…`,
      acc.sync((p) => ctx.updateAccount(i, { sync: { done: p.done, total: p.total, bytes: p.bytes } })),
    );
    // What POP3 did on the server too: that is the model's difference the user should see.
    ctx.notify(
      `${ctx.slot(i)!.name}: ${result.downloaded} new message(s) downloaded · ` +
        `${result.deletedOnServer} deleted on the server · server keeps ${result.keptOnServer}`,
    );
    ctx.updateAccount(i, { keptOnServer: result.keptOnServer });
    await refreshFolders(ctx, i);
  } catch (err) {
    ctx.fail(err, `${ctx.slot(i)!.name} download`);
  } finally {
    ctx.updateAccount(i, { sync: undefined });
  }
}

export function syncCurrent(ctx: ControllerContext): void {
  const i = ctx.state.current?.account ?? ctx.firstAccount ?? '';
  const acc = ctx.backends.get(i);
  const account = accountEntry(ctx.state, i);
  const name = ctx.slot(i)?.name ?? '';
  if (acc?.sync) void syncAccount(ctx, i);
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
