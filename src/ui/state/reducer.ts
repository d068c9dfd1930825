// The pure part of the UI: (state, intent) -> state, plus the effects to run afterwards. No I/O,
// no backends, no timers; everything that needs them returns `undefined` here and goes to the
// effect modules via controller.ts. Keep view logic (cursors, focus, panes, overlays opened by
// a key, scrolling) here so it can be tested as plain data.
import type { MainAction as Action } from '../keys/bindings.js';
import type { MessageLoader } from '../message-loader.js';
import { folderRows } from './folder-rows.js';
import { folderPage, listCount, paged, pageSize, scrolledTo } from './list-geometry.js';
import type { Effect } from './messages.js';
import { clampedReader, readerHeight, readerMaxScroll } from './reader-geometry.js';
import type { Pane, UiState } from './types.js';

/** What the pure steps need besides state: read-only facts of the program. */
export interface ReduceEnv {
  loader: MessageLoader;
  /** Lines added to the protocol trace so far (the trace views' redraw marker). */
  traceAdded: number;
}

export interface Step {
  state: UiState;
  effects: Effect[];
}

const ENSURE: Effect[] = [{ type: 'ensureVisible' }];
const done = (state: UiState, effects: Effect[] = []): Step => ({ state, effects });
const noted = (s: UiState, info: string): Step => done({ ...s, info, error: undefined });

/** The step for `action`, or undefined when it needs an effect (a backend, a dialog's answer…). */
export function reduce(s: UiState, action: Action, env: ReduceEnv): Step | undefined {
  switch (action) {
    case 'toggleFolders':
      return done({ ...s, foldersHidden: !s.foldersHidden });
    case 'help':
      return done({ ...s, overlay: { kind: 'help', scroll: 0 } });
    case 'trace': {
      // A pane, not a screen: the mail stays usable while the conversation scrolls by below it.
      const t = { ...s, tracePane: s.tracePane ? undefined : { all: false, version: env.traceAdded } };
      return done(clampedReader({ ...t, ...scrolledTo(t, t.listCursor) }, env.loader), ENSURE);
    }
    case 'traceZoom':
      return done({ ...s, overlay: { kind: 'trace', scroll: 0, all: s.tracePane?.all ?? false, version: env.traceAdded } });
    case 'command':
      return done({ ...s, overlay: { kind: 'prompt', purpose: 'command', label: ':', value: '' } });
    case 'search':
      if (!s.current) return noted(s, 'Open a folder first');
      return done({ ...s, overlay: { kind: 'prompt', purpose: 'search', label: 'Search: ', value: s.search?.query ?? '' } });
    case 'nextPane': {
      const order: Pane[] = s.reader ? ['folders', 'list', 'reader'] : ['folders', 'list'];
      return done({ ...s, focus: order[(order.indexOf(s.focus) + 1) % order.length]! });
    }
    // Work for the effect modules, whatever the focus.
    case 'quit':
    case 'compose':
    case 'reply':
    case 'replyAll':
    case 'forward':
    case 'editDraft':
    case 'switchMode':
    case 'sync':
    case 'sortOrder':
    case 'threadView':
    case 'suspend':
    case 'redraw':
    case 'rawSource':
    case 'password':
    case 'copy':
    case 'jumpFolder':
    case 'openAttachment':
    case 'viewHtml':
    case 'openUrl':
    case 'pipe':
    case 'createFolder':
    case 'renameFolder':
    case 'subscribeFolder':
    case 'tag':
    case 'tagQuery':
    case 'untagAll':
    case 'tagPrefix':
    case 'undo':
    case 'nextUnread':
    case 'prevUnread':
    case 'nextThread':
    case 'prevThread':
    case 'nextMessage':
    case 'prevMessage':
    case 'toggleThread':
    case 'toggleAllThreads':
      return undefined;
    case 'limit':
      if (!s.current) return noted(s, 'Open a folder first');
      return done({ ...s, overlay: { kind: 'prompt', purpose: 'limit', label: 'Limit to: ', value: s.search?.query ?? '' } });
    default:
      break;
  }
  if (s.focus === 'folders') return folderStep(s, action);
  if (s.focus === 'reader' && s.reader) return readerStep(s, action, env);
  return listStep(s, action, env);
}

function folderStep(s: UiState, action: Action): Step | undefined {
  const rows = folderRows(s).length;
  const page = folderPage(s);
  const c = s.folderCursor;
  const move = (to: number) => done({ ...s, folderCursor: Math.max(0, Math.min(rows - 1, to)) });
  switch (action) {
    case 'down':
      return move(c + 1);
    case 'up':
      return move(c - 1);
    case 'top':
      return move(0);
    case 'bottom':
      return move(rows - 1);
    case 'pageDown':
      return move(c + page);
    case 'pageUp':
      return move(c - page);
    case 'halfPageDown':
      return move(c + Math.floor(page / 2));
    case 'halfPageUp':
      return move(c - Math.floor(page / 2));
    case 'open':
      return undefined;
    case 'delete':
      return undefined;
    default:
      return done(s);
  }
}

function listStep(s: UiState, action: Action, env: ReduceEnv): Step | undefined {
  const c = s.listCursor;
  const page = pageSize(s);
  const to = (cursor: number) => done({ ...s, ...scrolledTo(s, cursor) }, ENSURE);
  const by = (delta: number) => done({ ...s, ...paged(s, delta) }, ENSURE);
  switch (action) {
    case 'down':
      return to(c + 1);
    case 'up':
      return to(c - 1);
    case 'top':
      return to(0);
    case 'bottom':
      return to(listCount(s) - 1);
    case 'pageDown':
      return by(page);
    case 'pageUp':
      return by(-page);
    case 'halfPageDown':
      return by(Math.floor(page / 2));
    case 'halfPageUp':
      return by(-Math.floor(page / 2));
    case 'back':
      if (s.search) return done({ ...s, search: undefined, listCursor: 0, listTop: 0 }, ENSURE);
      return done({ ...s, focus: 'folders' });
    case 'fullHeaders':
    case 'saveAttachment':
      if (s.reader) return readerStep(s, action, env);
      return noted(s, 'Open a message first');
    case 'open':
    case 'toggleFlag':
    case 'toggleRead':
    case 'delete':
    case 'move':
      return undefined;
    default:
      return done(s);
  }
}

function readerStep(s: UiState, action: Action, env: ReduceEnv): Step | undefined {
  const r = s.reader!;
  const height = readerHeight(s);
  const maxScroll = readerMaxScroll(s, env.loader, action === 'bottom');
  const scroll = (to: number) => done({ ...s, reader: { ...r, scroll: Math.max(0, Math.min(maxScroll, to)) } });
  switch (action) {
    case 'down':
      return scroll(r.scroll + 1);
    case 'up':
      return scroll(r.scroll - 1);
    case 'top':
      return scroll(0);
    case 'bottom':
      return scroll(maxScroll);
    case 'pageDown':
      return scroll(r.scroll + height - 1);
    case 'pageUp':
      return scroll(r.scroll - height + 1);
    case 'halfPageDown':
      return scroll(r.scroll + Math.floor(height / 2));
    case 'halfPageUp':
      return scroll(r.scroll - Math.floor(height / 2));
    case 'back':
      // A message still loading is cancelled (an effect: its parser stops).
      return r.status === 'loading' ? undefined : done({ ...s, focus: 'list' });
    case 'open':
      return done(s);
    case 'fullHeaders':
      return done({ ...s, reader: { ...r, fullHeaders: !r.fullHeaders, scroll: 0, raw: undefined } });
    case 'saveAttachment':
      return undefined;
    default:
      return listStep(s, action, env);
  }
}
