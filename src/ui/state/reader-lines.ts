// The reader's lines (headers, attachment list, wrapped body) for a width. Shared by the Reader
// component (to draw) and the controller (to bound scrolling), memoised on its inputs.
import type { MessageLoader, ReaderMessage } from '../message-loader.js';

export interface ReaderLine {
  text: string;
  kind: 'header' | 'separator' | 'attachment' | 'body';
}

let memo: { message: ReaderMessage; width: number; full: boolean; lines: ReaderLine[] } | undefined;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function readerLines(message: ReaderMessage, width: number, full: boolean, loader: MessageLoader): ReaderLine[] {
  if (memo && memo.message === message && memo.width === width && memo.full === full) return memo.lines;
  const lines: ReaderLine[] = [];
  const header = (name: string, value: string) => {
    for (const l of loader.render(`${name}: ${value}`, width)) lines.push({ text: l, kind: 'header' });
  };
  if (full) {
    for (const h of message.headerLines) for (const l of loader.render(h, width)) lines.push({ text: l, kind: 'header' });
  } else {
    header('From', message.from);
    header('To', message.to);
    if (message.cc) header('Cc', message.cc);
    header('Date', message.date);
    header('Subject', message.subject);
    if (message.location) header('Lives', message.location);
  }
  for (const w of message.warnings) lines.push({ text: `(!) ${w}`, kind: 'attachment' });
  message.attachments.forEach((a, i) => {
    lines.push({ text: `[${i + 1}] ${a.filename} (${a.contentType}, ${formatSize(a.size)})`, kind: 'attachment' });
  });
  lines.push({ text: '─'.repeat(Math.max(1, width)), kind: 'separator' });
  for (const l of loader.render(message.text, width)) lines.push({ text: l, kind: 'body' });
  memo = { message, width, full, lines };
  return lines;
}
