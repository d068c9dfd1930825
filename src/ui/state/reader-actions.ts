// The reader pane: opening the message under the cursor, scrolling, full headers.
import type { Action } from '../keys/bindings.js';
import { backendFor } from './account-connect.js';
import { startSave } from './attachment-save.js';
import type { ControllerContext } from './controller-context.js';
import { errorText } from './error-text.js';
import { panesRows, readerTextHeight, readerTextWidth } from './layout.js';
import { listAction, rowAt } from './list-navigation.js';
import { setFlag } from './message-actions.js';
import { locationWords, modelOf, openNote } from './model-words.js';
import { readerLines, readerLinesComplete } from './reader-lines.js';

/**
 * How far the open message can scroll with the reader pane's current height. The body is wrapped
 * lazily: unless `toEnd`, only two screens past the current one are wrapped, and while more
 * remains the limit is what has been wrapped so far (the next frame wraps further).
 */
export function readerMaxScroll(ctx: ControllerContext, toEnd = false): number {
  const s = ctx.state;
  const r = s.reader;
  if (!r?.message) return 0;
  const height = readerTextHeight(s.cols, panesRows(s.rows, !!s.tracePane));
  const width = readerTextWidth(s.cols, s.rows);
  const need = toEnd ? Infinity : r.scroll + 3 * height;
  const lines = readerLines(r.message, width, r.fullHeaders, ctx.opts.loader, need).length;
  return readerLinesComplete(r.message, width, r.fullHeaders) ? Math.max(0, lines - height) : lines;
}

/** Keeps the reader's scroll in range after its pane changed height (trace pane shown/hidden). */
export function clampReader(ctx: ControllerContext): void {
  const r = ctx.state.reader;
  if (r && r.scroll > readerMaxScroll(ctx)) ctx.store.set({ reader: { ...r, scroll: readerMaxScroll(ctx) } });
}

// The open message's loading, so leaving it (or opening another) stops its parser.
const loading = new WeakMap<ControllerContext, AbortController>();

export function cancelReaderLoad(ctx: ControllerContext): void {
  loading.get(ctx)?.abort();
  loading.delete(ctx);
}

export function readerAction(ctx: ControllerContext, action: Action): void {
  const r = ctx.state.reader!;
  const s = ctx.state;
  const height = readerTextHeight(s.cols, panesRows(s.rows, !!s.tracePane));
  const maxScroll = readerMaxScroll(ctx, action === 'bottom');
  const scroll = (to: number) =>
    ctx.store.set({ reader: { ...r, scroll: Math.max(0, Math.min(maxScroll, to)) } });
  switch (action) {
    case 'down': return scroll(r.scroll + 1);
    case 'up': return scroll(r.scroll - 1);
    case 'top': return scroll(0);
    case 'bottom': return scroll(maxScroll);
    case 'pageDown': return scroll(r.scroll + height - 1);
    case 'pageUp': return scroll(r.scroll - height + 1);
    case 'halfPageDown': return scroll(r.scroll + Math.floor(height / 2));
    case 'halfPageUp': return scroll(r.scroll - Math.floor(height / 2));
    case 'back':
      if (r.status === 'loading') {
        cancelReaderLoad(ctx);
        ++ctx.readerGeneration;
        ctx.store.set({ focus: 'list', reader: undefined });
        return;
      }
      ctx.store.set({ focus: 'list' });
      return;
    case 'open':
      return;
    case 'fullHeaders':
      ctx.store.set({ reader: { ...r, fullHeaders: !r.fullHeaders, scroll: 0 } });
      return;
    case 'saveAttachment':
      return startSave(ctx);
    default:
      return listAction(ctx, action);
  }
}

export function openMessageAtCursor(ctx: ControllerContext): void {
  const s = ctx.state;
  const cur = s.current;
  if (!cur) return;
  const summary = rowAt(ctx, s.listCursor);
  if (!summary) {
    // Its row is on its way (a window refetched after new mail, say): open it when it arrives,
    // unless the user has moved on meanwhile.
    const { account, path } = cur;
    const cursor = s.listCursor;
    ctx.openWhenLoaded = () => {
      const now = ctx.state;
      if (now.current?.account !== account || now.current.path !== path || now.listCursor !== cursor || now.reader) {
        ctx.openWhenLoaded = undefined;
        return;
      }
      if (!rowAt(ctx, cursor)) return;
      ctx.openWhenLoaded = undefined;
      openMessageAtCursor(ctx);
    };
    return ctx.notify('Loading that message…');
  }
  ctx.openWhenLoaded = undefined;
  const gen = ++ctx.readerGeneration;
  cancelReaderLoad(ctx);
  const abort = new AbortController();
  loading.set(ctx, abort);
  ctx.store.set({
    reader: { account: cur.account, path: cur.path, uid: summary.uid, status: 'loading', scroll: 0, fullHeaders: false },
    focus: 'reader',
  });
  const model = modelOf(ctx.opts.accounts[cur.account]?.protocol ?? 'imap');
  const wasUnread = !summary.flags.includes('\\Seen');
  if (wasUnread) setFlag(ctx, { account: cur.account, path: cur.path, summary }, '\\Seen', true, true);
  ctx.note(openNote(model, summary.location, wasUnread));
  void (async () => {
    try {
      const acc = await backendFor(ctx, cur.account);
      const message = await ctx.track('message…', ctx.opts.loader.load(acc, cur.path, summary.uid, { signal: abort.signal, envelope: summary }));
      if (loading.get(ctx) === abort) loading.delete(ctx);
      if (gen !== ctx.readerGeneration || !ctx.state.reader) return;
      // Set on the loaded object itself: the loader finds the source again by its identity.
      message.location = locationWords(summary.location);
      ctx.store.set({ reader: { ...ctx.state.reader, status: 'ready', message } });
      void ctx.opts.compose?.addresses?.record([...summary.from, ...summary.to, ...summary.cc]);
    } catch (err) {
      if (loading.get(ctx) === abort) loading.delete(ctx);
      if (gen !== ctx.readerGeneration || !ctx.state.reader) return;
      ctx.store.set({ reader: { ...ctx.state.reader, status: 'error', error: errorText(err) } });
    }
  })();
}
