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

/**
 * The reader's background load: its abort handle (leaving the message, or opening another, stops
 * its parser) and a generation number, so a late answer of an earlier load is dropped. A resource,
 * not view state: the reader's state is UiState.reader.
 */
interface ReaderLoad {
  generation: number;
  abort?: AbortController;
}
const loads = new WeakMap<ControllerContext, ReaderLoad>();

function readerLoad(ctx: ControllerContext): ReaderLoad {
  let l = loads.get(ctx);
  if (!l) loads.set(ctx, (l = { generation: 0 }));
  return l;
}

/** Which load the reader shows: raw-source-actions.ts drops a source read for an earlier one. */
export function readerGeneration(ctx: ControllerContext): number {
  return readerLoad(ctx).generation;
}

function cancelReaderLoad(ctx: ControllerContext): void {
  const l = readerLoad(ctx);
  l.abort?.abort();
  l.abort = undefined;
}

/** Back from a message still loading: its parser stops and a late answer is dropped. */
export function closeLoadingReader(ctx: ControllerContext): void {
  cancelReaderLoad(ctx);
  ++readerLoad(ctx).generation;
  ctx.post({ type: 'readerClosed' });
}

/** Rows arrived for account/path: an Enter pressed while they loaded opens its message now. */
export function openPending(ctx: ControllerContext, account: AccountId, path: string): void {
  const p = ctx.state.pendingOpen;
  if (!p || p.account !== account || p.path !== path) return;
  const now = ctx.state;
  if (now.current?.account !== p.account || now.current.path !== p.path || now.listCursor !== p.cursor || now.reader) {
    ctx.post({ type: 'pendingOpenDropped' });
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
    ctx.post({ type: 'openPending', account: cur.account, path: cur.path, cursor: s.listCursor });
    return ctx.notify('Loading that message…');
  }
  const load = readerLoad(ctx);
  cancelReaderLoad(ctx);
  const gen = ++load.generation;
  const abort = new AbortController();
  load.abort = abort;
  ctx.post({ type: 'readerOpening', account: cur.account, path: cur.path, uid: summary.uid });
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
      if (load.abort === abort) load.abort = undefined;
      if (gen !== load.generation || !ctx.state.reader) return;
      // Set on the loaded object itself: the loader finds the source again by its identity.
      message.location = locationWords(summary.location);
      ctx.post({ type: 'messageLoaded', uid: summary.uid, message });
      void ctx.opts.compose?.addresses?.record([...summary.from, ...summary.to, ...summary.cc]);
    } catch (err) {
      if (load.abort === abort) load.abort = undefined;
      if (gen !== load.generation || !ctx.state.reader) return;
      ctx.post({ type: 'messageFailed', uid: summary.uid, error: errorText(err) });
    }
  })();
}
