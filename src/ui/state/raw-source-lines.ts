// The reader's lines while it shows a message's raw source (`V`): the source as the server sent
// it, cut to the pane's width (no word wrap, so what is shown is exactly what is there).
import { displayWidth, splitAtWidth } from '../../text/display-width.js';
import type { ReaderLine } from './reader-lines.js';

/** What the source view shows: sanitized lines and whether the message was longer. */
export interface RawSourceView {
  lines: string[];
  cut: boolean;
  /** How much was read (the note names it when `cut`). */
  limitBytes: number;
}

let memo: { raw: RawSourceView; width: number; lines: ReaderLine[] } | undefined;

export function rawSourceLines(raw: RawSourceView, width: number, canSave: boolean): ReaderLine[] {
  if (memo?.raw === raw && memo.width === width) return memo.lines;
  const w = Math.max(1, Math.floor(width));
  const lines: ReaderLine[] = [];
  const save = canSave ? ' · s saves the whole message (.eml)' : '';
  lines.push({ text: `Raw source · V returns to the message${save}`, kind: 'attachment' });
  if (raw.cut) {
    const mb = raw.limitBytes / 1024 / 1024;
    lines.push({
      text: `(!) Only the first ${mb >= 1 ? `${mb} MB` : `${Math.round(raw.limitBytes / 1024)} KB`} is shown${save ? '; s saves all of it' : ''}`,
      kind: 'attachment',
    });
  }
  lines.push({ text: '─'.repeat(w), kind: 'separator' });
  for (const line of raw.lines) {
    if (line === '') {
      lines.push({ text: '', kind: 'body' });
      continue;
    }
    // Slices of `w` code units first, so a 1 MB line costs linear work; a slice of wide
    // characters is cut again by columns.
    for (let i = 0; i < line.length; i += w) {
      let piece = line.slice(i, i + w);
      while (displayWidth(piece) > w) {
        const { head, rest } = splitAtWidth(piece, w, true);
        lines.push({ text: head, kind: 'body' });
        piece = rest;
      }
      if (piece !== '') lines.push({ text: piece, kind: 'body' });
    }
  }
  memo = { raw, width, lines };
  return lines;
}
