// What the reader pane shows: the message (headers, attachments, wrapped body) or, after `V`,
// its raw source. Drawing and scrolling both go through here so they agree.
import type { MessageLoader } from '../message-loader.js';
import { type ReaderLine, readerLines, readerLinesComplete } from './reader-lines.js';
import { rawSourceLines } from './raw-source-lines.js';
import type { ReaderState } from './types.js';

export function shownLines(r: ReaderState, width: number, loader: MessageLoader, need = Infinity): ReaderLine[] {
  if (r.raw) return rawSourceLines(r.raw, width, loader.saveSource !== undefined);
  return r.message ? readerLines(r.message, width, r.fullHeaders, loader, need) : [];
}

/** True when shownLines(...).length is final (the body is wrapped to its end). */
export function shownLinesComplete(r: ReaderState, width: number): boolean {
  if (r.raw) return true;
  return r.message !== undefined && readerLinesComplete(r.message, width, r.fullHeaders);
}
