// Opening the message under the cursor in the reader pane (loaded in the background, marked read
// at once), and closing one still loading. Scrolling the reader is pure: reducer.ts.
import { accountEntry } from './folder-rows.js';
import { backendFor } from './backends.js';
import type { ControllerContext } from './controller-context.js';
import { errorText } from './error-text.js';
import { actionRowAt as rowAt } from './list-geometry.js';
import { setFlag } from './message-actions.js';
import { locationWords, modelOf, openNote } from './model-words.js';
import { folderKey } from './window-cache.js';
import type { AccountId } from './types.js';

// The open message's loading, so leaving it (or opening another) stops its parser.
const loading = new WeakMap<ControllerContext, AbortController>();

function cancelReaderLoad(ctx: ControllerContext): void {
  loading.get(ctx)?.abort();
  loading.delete(ctx);
}

/** Back from a message still loading: its parser stops and a late answer is dropped. */
export function closeLoadingReader(ctx: ControllerContext): void {
  cancelReaderLoad(ctx);
  ++ctx.readerGeneration;
  ctx.store.set({ focus: 'list', reader: undefined });
}

/** Rows arrived for account/path: an Enter pressed while they loaded opens its message now. */
export function openPending(ctx: ControllerContext, account: AccountId, path: string): void {
  const p = ctx.state.pendingOpen;
  if (!p || p.account !== account || p.path !== path) return;
  const now = ctx.state;
  if (now.current?.account !== p.account || now.current.path !== p.path || now.listCursor !== p.cursor || now.reader) {
    ctx.store.set({ pendingOpen: undefined });
    return;
  }
  if (!rowAt(now, ctx.cache, p.cursor)) return;
  openMessageAtCursor(ctx);
}

export function openMessageAtCursor(ctx: ControllerContext): void {
  const s = ctx.state;
  const cur = s.current;
  if (!cur) return;
  const summary = rowAt(s, ctx.cache, s.listCursor);
  if (!summary) {
    // Its row is on its way (a window refetched after new mail, say): open it when it arrives,
    // unless the user has moved on meanwhile.
    ctx.store.set({ pendingOpen: { account: cur.account, path: cur.path, cursor: s.listCursor } });
    return ctx.notify('Loading that message…');
  }
  if (s.pendingOpen) ctx.store.set({ pendingOpen: undefined });
  const gen = ++ctx.readerGeneration;
  cancelReaderLoad(ctx);
  const abort = new AbortController();
  loading.set(ctx, abort);
  ctx.store.set({
    reader: { account: cur.account, path: cur.path, uid: summary.uid, status: 'loading', scroll: 0, fullHeaders: false },
    focus: 'reader',
  });
  const model = modelOf(ctx.slot(cur.account)?.protocol ?? 'imap');
  const wasUnread = !summary.flags.includes('\\Seen');
  if (wasUnread) setFlag(ctx, { account: cur.account, path: cur.path, summary }, '\\Seen', true, true);
  // Summaries are replaced, not changed: the loader gets the row as it is now (read).
  const envelope = ctx.cache.byUid(folderKey(cur.account, cur.path), summary.uid) ?? summary;
  const folder = accountEntry(ctx.state, cur.account)?.folders.find((f) => f.path === cur.path);
  if (folder?.specialUse === 'drafts') {
    const key = ctx.opts.keys.editDraft.keys[0] ?? 'E';
    ctx.note({ short: `Draft: ${key} edits and sends it`, full: `A draft: ${key} edits it and sends it (it then leaves Drafts)` });
  } else ctx.note(openNote(model, summary.location, wasUnread));
  void (async () => {
    try {
      const acc = await backendFor(ctx, cur.account);
      const message = await ctx.track('message…', ctx.opts.loader.load(acc, cur.path, summary.uid, { signal: abort.signal, envelope }));
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
