// The trace pane/view redraws as protocol lines arrive, throttled.
import type { ControllerContext } from './controller-context.js';

/** Redraws an open trace pane or view when lines arrive, at most ~10 times a second. */
export function watchTrace(ctx: ControllerContext): void {
  const trace = ctx.opts.trace;
  if (!trace) return;
  // The throttle's timer: a resource of this watch, not view state (the versions it posts are).
  let timer: NodeJS.Timeout | undefined;
  ctx.unsubscribers.push(
    trace.subscribe(() => {
      if (timer || ctx.stopped || (ctx.state.overlay?.kind !== 'trace' && !ctx.state.tracePane)) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (ctx.stopped) return;
        ctx.post({ type: 'traceGrew', version: trace.added });
      }, 100);
      timer.unref();
    }),
  );
}
