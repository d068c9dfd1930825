// The trace pane/view redraws as protocol lines arrive, throttled.
import type { ControllerContext } from './controller-context.js';

/** Redraws an open trace pane or view when lines arrive, at most ~10 times a second. */
export function watchTrace(ctx: ControllerContext): void {
  const trace = ctx.opts.trace;
  if (!trace) return;
  ctx.unsubscribers.push(
    trace.subscribe(() => {
      if (ctx.traceTimer || ctx.stopped || (ctx.state.overlay?.kind !== 'trace' && !ctx.state.tracePane)) return;
      ctx.traceTimer = setTimeout(() => {
        ctx.traceTimer = undefined;
        if (ctx.stopped) return;
        const o = ctx.state.overlay;
        const pane = ctx.state.tracePane;
        ctx.store.set({
          ...(o?.kind === 'trace' ? { overlay: { ...o, version: trace.added } } : {}),
          ...(pane ? { tracePane: { ...pane, version: trace.added } } : {}),
        });
      }, 100);
      ctx.traceTimer.unref();
    }),
  );
}
