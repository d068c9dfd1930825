// Results that change the reader pane and the overlays (dialogs, prompts, pickers, the trace view).
import type { Result } from '../messages.js';
import type { UiState } from '../types.js';

type ReaderResult = Extract<
  Result,
  {
    type:
      | 'openPending'
      | 'pendingOpenDropped'
      | 'readerOpening'
      | 'messageLoaded'
      | 'messageFailed'
      | 'readerClosed'
      | 'rawSourceLoaded'
      | 'rawSourceClosed'
      | 'overlayShown'
      | 'overlayClosed'
      | 'traceAllToggled'
      | 'traceGrew';
  }
>;

export function readerResult(s: UiState, r: ReaderResult): UiState {
  const reader = s.reader;
  switch (r.type) {
    case 'openPending':
      return { ...s, pendingOpen: { account: r.account, path: r.path, cursor: r.cursor } };
    case 'pendingOpenDropped':
      return { ...s, pendingOpen: undefined };
    case 'readerOpening':
      return {
        ...s,
        reader: { account: r.account, path: r.path, uid: r.uid, status: 'loading', scroll: 0, fullHeaders: false },
        focus: 'reader',
        pendingOpen: undefined,
      };
    case 'messageLoaded':
      // A late answer for a message no longer shown changes nothing.
      return reader?.uid === r.uid ? { ...s, reader: { ...reader, status: 'ready', message: r.message } } : s;
    case 'messageFailed':
      return reader?.uid === r.uid ? { ...s, reader: { ...reader, status: 'error', error: r.error } } : s;
    case 'readerClosed':
      return { ...s, focus: 'list', reader: undefined };
    case 'rawSourceLoaded':
      return reader?.message === r.message ? { ...s, reader: { ...reader, raw: r.raw, scroll: 0 }, focus: 'reader' } : s;
    case 'rawSourceClosed':
      return reader ? { ...s, reader: { ...reader, raw: undefined, scroll: 0 } } : s;
    case 'overlayShown':
      return { ...s, overlay: r.overlay };
    case 'overlayClosed':
      return { ...s, overlay: undefined };
    case 'traceAllToggled': {
      const o = s.overlay;
      if (o?.kind !== 'trace') return s;
      const pane = s.tracePane;
      return { ...s, overlay: { ...o, all: !o.all }, ...(pane ? { tracePane: { ...pane, all: !o.all } } : {}) };
    }
    case 'traceGrew': {
      const o = s.overlay;
      const pane = s.tracePane;
      return {
        ...s,
        ...(o?.kind === 'trace' ? { overlay: { ...o, version: r.version } } : {}),
        ...(pane ? { tracePane: { ...pane, version: r.version } } : {}),
      };
    }
  }
}
