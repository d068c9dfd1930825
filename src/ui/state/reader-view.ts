// What the reader pane shows: the message (headers, attachments, wrapped body) or, after `V`,
// its raw source. Drawing and scrolling both go through here so they agree.
import type { MessageLoader } from '../message-loader.js';
import { type ReaderLine, readerEndKnown, readerLines, readerLinesToEnd } from './reader-lines.js';
import { rawSourceLines } from './raw-source-lines.js';
import type { ReaderState } from './types.js';

/** The lines, wrapped at least to line `need` while the view starts at `from` (see readerLines). */
export function shownLines(r: ReaderState, width: number, loader: MessageLoader, need = Infinity, from = 0): ReaderLine[] {
  if (r.raw) return rawSourceLines(r.raw, width, loader.saveSource !== undefined);
  return r.message ? readerLines(r.message, width, r.fullHeaders, loader, need, from) : [];
}

/** Makes the last `tailLines` lines known without wrapping the whole body (`G`). */
export function shownLinesToEnd(r: ReaderState, width: number, loader: MessageLoader, tailLines: number): void {
  if (!r.raw && r.message) readerLinesToEnd(r.message, width, r.fullHeaders, loader, tailLines);
}

/** True when the last of shownLines(...) is the message's last line (so the end can be scrolled to). */
export function shownEndKnown(r: ReaderState, width: number): boolean {
  if (r.raw) return true;
  return r.message !== undefined && readerEndKnown(r.message, width, r.fullHeaders);
}
