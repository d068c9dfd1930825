// Compose/reply/forward keys, handed to the lazily loaded compose flow.
import { folderTitle } from './folder-rows.js';
import type { ComposeFlow, ComposeHost } from '../../compose/ui-flow.js';
import { refreshFolders } from './account-connect.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { withTarget } from './message-actions.js';
import { folderKey } from './window-cache.js';
import type { AccountId } from './types.js';

export function startCompose(ctx: ControllerContext, action: 'compose' | 'reply' | 'replyAll' | 'forward' | 'editDraft'): void {
  const host = ctx.opts.compose;
  if (!host) return ctx.notify('Sending mail is not available here');
  const run = (account: AccountId, original?: { path: string; uid: number }) => {
    void (async () => {
      const flow = await compose(ctx, host);
      await flow.start(action === 'compose' ? 'new' : action === 'editDraft' ? 'draft' : action, ctx.composeIndex(account), original);
    })().catch((err) => ctx.fail(err));
  };
  if (action === 'compose') return run(ctx.state.current?.account ?? ctx.firstAccount ?? '');
  withTarget(ctx, (t) => run(t.account, { path: t.path, uid: t.summary.uid }));
}

/**
 * The compose flow of each controller, loaded on first use: a resource (it holds the draft being
 * written and its editor); what it shows is state (the 'compose' overlay it posts).
 */
const flows = new WeakMap<ControllerContext, ComposeFlow>();

/** The compose flow, if one was started (the compose screen's keys go to it). */
export function composeFlowOf(ctx: ControllerContext): ComposeFlow | undefined {
  return flows.get(ctx);
}

export async function compose(ctx: ControllerContext, host: ComposeHost): Promise<ComposeFlow> {
  const existing = flows.get(ctx);
  if (existing) return existing;
  const { ComposeFlow } = await import('../../compose/ui-flow.js');
  const flow = new ComposeFlow(host, {
    setView: (view) => ctx.post(view ? { type: 'overlayShown', overlay: { kind: 'compose', view } } : { type: 'overlayClosed' }),
    notify: (text) => ctx.notify(text),
    fail: (err, context) => ctx.fail(err, context),
    account: (i) => backendFor(ctx, ctx.composeAccount(i)),
    folderTitle: (i, path) => folderTitle(ctx.state, ctx.composeAccount(i), path),
    afterSend: (index, original) => {
      const i = ctx.composeAccount(index);
      if (original) {
        ctx.cache.update(folderKey(i, original.path), original.uid, (s) => (s.flags.includes('\\Answered') ? s : { ...s, flags: [...s.flags, '\\Answered'] }));
      }
      void refreshFolders(ctx, i).catch((err) => ctx.fail(err));
    },
  });
  flows.set(ctx, flow);
  return flow;
}
