// How far the open message can scroll: pure, from state and the loader's wrapped lines.
import type { MessageLoader } from '../message-loader.js';
import { panesRows, readerTextHeight, readerTextWidth } from './layout.js';
import { shownEndKnown, shownLines, shownLinesToEnd } from './reader-view.js';
import type { UiState } from './types.js';

/**
 * How far the open message can scroll with the reader pane's current height. The body is wrapped
 * lazily: unless `toEnd`, only two screens past the current one are wrapped, and while more
 * remains the limit is what has been wrapped so far (the next frame wraps further). `toEnd` (`G`)
 * wraps the body's last screens instead of all of it.
 */
export function readerMaxScroll(s: UiState, loader: MessageLoader, toEnd = false): number {
  const r = s.reader;
  if (!r?.message) return 0;
  const height = readerHeight(s);
  const width = readerTextWidth(s.cols, s.rows);
  // The end of a long body: only its last screens are wrapped, the middle waits (reader-lines.ts).
  if (toEnd) shownLinesToEnd(r, width, loader, 3 * height);
  const lines = shownLines(r, width, loader, r.scroll + 3 * height, r.scroll).length;
  return shownEndKnown(r, width) ? Math.max(0, lines - height) : lines;
}

export function readerHeight(s: UiState): number {
  return readerTextHeight(s.cols, panesRows(s.rows, !!s.tracePane));
}

/** The reader's scroll kept in range after its pane changed height (trace pane shown/hidden). */
export function clampedReader(s: UiState, loader: MessageLoader): UiState {
  const r = s.reader;
  const max = readerMaxScroll(s, loader);
  return r && r.scroll > max ? { ...s, reader: { ...r, scroll: max } } : s;
}
