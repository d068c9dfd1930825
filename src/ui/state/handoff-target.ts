// Which message the hand-off keys (O W U |) act on: the one open in the reader when the reader
// has the focus or shows the row under the cursor, else the row under the list cursor, loaded
// the way the reader loads it (through the loader: big messages parse in the worker) but
// without opening it or marking it read.
import type { ReaderMessage } from '../message-loader.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { actionRowAt, listCount } from './list-geometry.js';
import { tell } from './tell.js';
import type { AccountId } from './types.js';

export interface HandoffTarget {
  account: AccountId;
  path: string;
  uid: number;
}

// The last message loaded for a hand-off from the list: a picker's choice (O, U) and the next
// key on the same row reuse it instead of fetching it again.
const loaded = new WeakMap<ControllerContext, { target: HandoffTarget; message: ReaderMessage }>();

const same = (a: HandoffTarget, b: HandoffTarget) => a.account === b.account && a.path === b.path && a.uid === b.uid;

/** The message a hand-off key means now, or a note saying why there is none. */
export function handoffTarget(ctx: ControllerContext): HandoffTarget | undefined {
  const s = ctx.state;
  const r = s.reader;
  if (r && s.focus === 'reader') return { account: r.account, path: r.path, uid: r.uid };
  const cur = s.current;
  if (!cur) {
    tell(ctx, 'Open a folder first');
    return undefined;
  }
  if (listCount(s) === 0) {
    tell(ctx, s.search ? 'No message matches' : 'This folder is empty');
    return undefined;
  }
  const row = actionRowAt(s, ctx.cache, s.listCursor);
  if (!row) {
    tell(ctx, 'That message is still loading');
    return undefined;
  }
  return { account: cur.account, path: cur.path, uid: row.uid };
}

/** The parsed message of `t`: the reader's when it shows it, else loaded (once) in the background. */
export async function handoffMessage(ctx: ControllerContext, t: HandoffTarget): Promise<ReaderMessage | undefined> {
  const r = ctx.state.reader;
  if (r && same(r, t)) {
    if (r.message) return r.message;
    if (r.status === 'loading') {
      tell(ctx, 'The message is still loading');
      return undefined;
    }
  }
  const last = loaded.get(ctx);
  if (last && same(last.target, t)) return last.message;
  const acc = await backendFor(ctx, t.account);
  const message = await ctx.track('message…', ctx.opts.loader.load(acc, t.path, t.uid));
  loaded.set(ctx, { target: t, message });
  return message;
}

/** The message of `t` when it needs no loading (open in the reader, or loaded for the last hand-off). */
function readyMessage(ctx: ControllerContext, t: HandoffTarget): ReaderMessage | undefined {
  const r = ctx.state.reader;
  if (r?.message && same(r, t)) return r.message;
  const last = loaded.get(ctx);
  return last && same(last.target, t) ? last.message : undefined;
}

/**
 * Runs `fn` with the message the hand-off keys act on: at once when it is at hand (so a picker
 * opens in the same key press), else once it is loaded; nothing after saying why there is none.
 */
export function withHandoffMessage(ctx: ControllerContext, fn: (message: ReaderMessage) => void): void {
  const t = handoffTarget(ctx);
  if (!t) return;
  const ready = readyMessage(ctx, t);
  if (ready) return fn(ready);
  void (async () => {
    try {
      const message = await handoffMessage(ctx, t);
      if (message) fn(message);
    } catch (err) {
      ctx.fail(err, 'Could not read the message');
    }
  })();
}

/** The message the hand-off keys act on now, loaded; undefined after saying why not. */
export async function currentHandoffMessage(ctx: ControllerContext): Promise<ReaderMessage | undefined> {
  const t = handoffTarget(ctx);
  if (!t) return undefined;
  try {
    return await handoffMessage(ctx, t);
  } catch (err) {
    ctx.fail(err, 'Could not read the message');
    return undefined;
  }
}
