// The reader's lines (headers, attachment list, wrapped body) for a width. Shared by the Reader
// component (to draw) and the controller (to bound scrolling), memoised on its inputs.
import type { MessageLoader, ReaderMessage } from '../message-loader.js';

export interface ReaderLine {
  text: string;
  kind: 'header' | 'separator' | 'attachment' | 'body';
}

// `rest` is the part of the body not wrapped yet: a long message is wrapped a chunk at a time,
// as far as the reader has been scrolled, so opening a 4 MB body costs one screen, not all of it.
// `tail`: after a jump to the end (`G`), the wrapped last screens of the body; `rest` is then the
// middle between what was wrapped from the top and the tail, shown as one line until it is read.
// `shown` caches lines + marker + tail.
let memo: { message: ReaderMessage; width: number; full: boolean; lines: ReaderLine[]; rest: string; tail?: ReaderLine[]; shown?: ReaderLine[] } | undefined;

/** Body characters wrapped per step: about two screens of CJK, more of Latin text (a 16 KiB step cost ~100 ms of a cold first frame). */
const CHUNK_CHARS = 4 * 1024;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function memoFor(message: ReaderMessage, width: number, full: boolean, loader: MessageLoader): NonNullable<typeof memo> {
  if (!memo || memo.message !== message || memo.width !== width || memo.full !== full) {
    memo = { message, width, full, lines: headerPart(message, width, full, loader), rest: message.text };
  }
  return memo;
}

/**
 * The reader's lines, wrapped at least up to line `need` (all of them by default). Lines already
 * wrapped are kept (memoised on message, width and header mode), so scrolling wraps only what is new.
 * After readerLinesToEnd(), the middle is wrapped only while the view starts (`from`) above it.
 */
export function readerLines(message: ReaderMessage, width: number, full: boolean, loader: MessageLoader, need = Infinity, from = 0): ReaderLine[] {
  const m = memoFor(message, width, full, loader);
  while (m.rest !== '' && m.lines.length < need && (!m.tail || from < m.lines.length)) {
    const { piece, rest } = nextPiece(m.rest);
    for (const l of loader.render(piece, width)) m.lines.push({ text: l, kind: 'body' });
    m.rest = rest;
    m.shown = undefined;
  }
  if (!m.tail) return m.lines;
  if (m.rest === '') {
    // The middle is read: the tail joins the rest of the lines.
    for (const l of m.tail) m.lines.push(l);
    m.tail = undefined;
    m.shown = undefined;
    return m.lines;
  }
  m.shown ??= [...m.lines, { text: middleMarker(m.rest.length), kind: 'attachment' }, ...m.tail];
  return m.shown;
}

function middleMarker(chars: number): string {
  const n = chars >= 1_000_000 ? `${(chars / 1_000_000).toFixed(1)} M` : chars >= 1000 ? `${Math.round(chars / 1000)} k` : `${chars}`;
  return `⋯ ${n} characters in between, not wrapped yet: g and scroll down to read them ⋯`;
}

/**
 * Makes the end of the body known without wrapping all of it (`G` on a long message): only the
 * last part of the unwrapped text, worth at least `tailLines` lines, is wrapped. Its lines then
 * follow a marker line standing for the middle.
 */
export function readerLinesToEnd(message: ReaderMessage, width: number, full: boolean, loader: MessageLoader, tailLines: number): void {
  const m = memoFor(message, width, full, loader);
  if (m.rest === '' || m.tail) return;
  // A wrapped line holds at most `width` code units of text, so this many give enough lines.
  const want = Math.max(CHUNK_CHARS, tailLines * Math.max(1, width));
  if (m.rest.length <= want + CHUNK_CHARS) {
    readerLines(message, width, full, loader);
    return;
  }
  const cut = tailStart(m.rest, m.rest.length - want);
  const tailText = m.rest.slice(cut.tail);
  m.rest = m.rest.slice(0, cut.restEnd);
  m.tail = loader.render(tailText, width).map((text) => ({ text, kind: 'body' as const }));
  m.shown = undefined;
}

/** Where the tail starts near `at`: after a newline if one is close, else after a space. */
function tailStart(text: string, at: number): { restEnd: number; tail: number } {
  const newline = text.indexOf('\n', at);
  if (newline !== -1 && newline < at + CHUNK_CHARS && newline < text.length - 1) return { restEnd: newline, tail: newline + 1 };
  const space = text.indexOf(' ', at);
  if (space !== -1 && space < at + CHUNK_CHARS / 2) return { restEnd: space, tail: space + 1 };
  const code = text.charCodeAt(at);
  const cut = code >= 0xdc00 && code <= 0xdfff ? at + 1 : at;
  return { restEnd: cut, tail: cut };
}

/** True when every line of the body has been wrapped (so `readerLines(...).length` is final). */
export function readerLinesComplete(message: ReaderMessage, width: number, full: boolean): boolean {
  return memo !== undefined && memo.message === message && memo.width === width && memo.full === full && memo.rest === '' && !memo.tail;
}

/** True when the last line of the body is among the lines (all wrapped, or the tail after `G`). */
export function readerEndKnown(message: ReaderMessage, width: number, full: boolean): boolean {
  return memo !== undefined && memo.message === message && memo.width === width && memo.full === full && (memo.rest === '' || memo.tail !== undefined);
}

function headerPart(message: ReaderMessage, width: number, full: boolean, loader: MessageLoader): ReaderLine[] {
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
  if (message.text === '') lines.push({ text: '', kind: 'body' });
  return lines;
}

/**
 * The next whole lines of `text` worth about CHUNK_CHARS, and what remains. A single line much
 * longer than that is cut near CHUNK_CHARS, at a space if there is one (never inside a UTF-16
 * surrogate pair): each piece then wraps on its own, which differs from wrapping the whole line
 * only at the cut.
 */
function nextPiece(text: string): { piece: string; rest: string } {
  if (text.length <= CHUNK_CHARS) return { piece: text, rest: '' };
  const newline = text.indexOf('\n', CHUNK_CHARS);
  if (newline !== -1 && newline <= 2 * CHUNK_CHARS) {
    // Whole, so that the last empty line is kept; only when it is short (a one-line body ends
    // with its newline too, and must still be cut).
    if (newline === text.length - 1) return { piece: text, rest: '' };
    return { piece: text.slice(0, newline), rest: text.slice(newline + 1) };
  }
  if (newline === -1 && text.length <= 2 * CHUNK_CHARS) return { piece: text, rest: '' };
  const lastNewline = text.lastIndexOf('\n', CHUNK_CHARS);
  if (lastNewline > 0) return { piece: text.slice(0, lastNewline), rest: text.slice(lastNewline + 1) };
  const space = text.lastIndexOf(' ', CHUNK_CHARS);
  if (space > CHUNK_CHARS / 2) return { piece: text.slice(0, space), rest: text.slice(space + 1) };
  let cut = CHUNK_CHARS;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return { piece: text.slice(0, cut), rest: text.slice(cut) };
}
