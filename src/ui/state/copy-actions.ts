// `C`: copy the message to another folder of its account (the move picker's destination list).
// The message stays where it is; the destination's counts are read again.
import { sanitizeLine } from '../../text/sanitize.js';
import { refreshFolders } from './account-connect.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { tell } from './tell.js';
import { folderTitle } from './folder-rows.js';
import { withTarget } from './message-actions.js';

export function copyMessage(ctx: ControllerContext, destination: string): void {
  withTarget(ctx, (t) => {
    void (async () => {
      try {
        const acc = await backendFor(ctx, t.account);
        const outcome = await ctx.track('copying…', acc.copyMessages(t.path, [t.summary.uid], destination));
        const where = sanitizeLine(folderTitle(ctx.state, t.account, outcome?.destination ?? destination));
        tell(ctx, `Copied to ${where}`);
        await refreshFolders(ctx, t.account);
      } catch (err) {
        ctx.fail(err, 'Copy failed');
      }
    })();
  });
}
