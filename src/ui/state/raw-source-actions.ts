// `V`: the open message's raw source in the reader (read in the background, bounded), and back.
import { RAW_SOURCE_BYTES } from '../message-loader.js';
import type { ControllerContext } from './controller-context.js';
import { readerGeneration } from './reader-actions.js';

export function toggleRawSource(ctx: ControllerContext): void {
  const r = ctx.state.reader;
  if (!r) return ctx.notify('Open a message first');
  if (r.raw) return ctx.post({ type: 'rawSourceClosed' });
  const loader = ctx.opts.loader;
  if (!r.message) return ctx.notify('The message is still loading');
  if (!loader.rawSource) return ctx.notify('This account cannot show the raw source');
  const message = r.message;
  const gen = readerGeneration(ctx);
  void (async () => {
    try {
      const source = await ctx.track('source…', loader.rawSource!(message, RAW_SOURCE_BYTES));
      const now = ctx.state.reader;
      // The user opened another message meanwhile: this source is not wanted any more.
      if (gen !== readerGeneration(ctx) || now?.message !== message) return;
      ctx.post({ type: 'rawSourceLoaded', message, raw: { ...source, limitBytes: RAW_SOURCE_BYTES } });
    } catch (err) {
      ctx.fail(err, 'Could not read the source');
    }
  })();
}
