// The reader wraps a long body a chunk at a time, only as far as it is shown: opening a 4 MB
// message must not wrap all of it, and what is wrapped must equal wrapping the whole text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderBody } from '../../src/mime/index.js';
import type { MessageLoader, ReaderMessage } from '../../src/ui/message-loader.js';
import { readerEndKnown, readerLines, readerLinesComplete, readerLinesToEnd } from '../../src/ui/state/reader-lines.js';

function counting(): { loader: MessageLoader; chars: () => number } {
  let chars = 0;
  const loader: MessageLoader = {
    load: () => Promise.reject(new Error('unused')),
    render: (text, width) => {
      chars += text.length;
      return renderBody(text, width);
    },
    saveAttachment: () => Promise.reject(new Error('unused')),
  };
  return { loader, chars: () => chars };
}

const message = (text: string): ReaderMessage => ({
  from: 'a',
  to: 'b',
  cc: '',
  date: 'd',
  subject: 's',
  text,
  headerLines: [],
  attachments: [],
  warnings: [],
});

test('a 4M-character body: the first screen wraps only a small part of it', () => {
  const msg = message('漢字かな交じり文'.repeat(500_000));
  const { loader, chars } = counting();
  const first = readerLines(msg, 76, false, loader, 30);
  assert.ok(first.length >= 30);
  assert.ok(chars() < 100_000, `wrapped ${chars()} characters for one screen`);
  assert.equal(readerLinesComplete(msg, 76, false), false);
  const all = readerLines(msg, 76, false, loader);
  assert.equal(readerLinesComplete(msg, 76, false), true);
  assert.ok(all.filter((l) => l.kind === 'body').every((l) => l.text.length <= 38));
});

test('one long line ending with a newline (as a parsed body does): the first screen still wraps only a small part', () => {
  const msg = message(`${'漢字かな交じり文'.repeat(220_000)}\n`);
  const { loader, chars } = counting();
  assert.ok(readerLines(msg, 98, false, loader, 30).length >= 30);
  assert.ok(chars() < 100_000, `wrapped ${chars()} characters for one screen`);
  const all = readerLines(msg, 98, false, loader);
  assert.equal(readerLinesComplete(msg, 98, false), true);
  assert.equal(all.at(-1)?.text, '', 'the last empty line is kept');
});

test('chunked wrapping of many lines gives exactly the lines of wrapping it whole', () => {
  const text = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'word '.repeat(i % 40)}`).join('\n') + '\n';
  const { loader } = counting();
  const body = readerLines(message(text), 50, false, loader)
    .filter((l) => l.kind === 'body')
    .map((l) => l.text);
  assert.deepEqual(body, renderBody(text, 50));
});

test('an empty body still draws one empty body line', () => {
  const { loader } = counting();
  const lines = readerLines(message(''), 40, false, loader);
  assert.equal(lines.at(-1)?.kind, 'body');
});

test('G on a 4M-character body wraps only its last screens, and the lines end as the body does', () => {
  const text = '漢字かな交じり文'.repeat(500_000);
  const msg = message(text);
  const { loader, chars } = counting();
  readerLines(msg, 76, false, loader, 30);
  readerLinesToEnd(msg, 76, false, loader, 3 * 25);
  const lines = readerLines(msg, 76, false, loader, Infinity, 5000);
  assert.ok(chars() < 200_000, `wrapped ${chars()} of ${text.length} characters to reach the end`);
  assert.equal(readerEndKnown(msg, 76, false), true);
  assert.equal(readerLinesComplete(msg, 76, false), false);
  assert.ok(lines.length > 75);
  assert.ok(text.endsWith(lines.at(-1)!.text), 'the last line is the end of the body');
  assert.ok(lines.some((l) => /M characters in between, not wrapped yet/.test(l.text)));
});

test('after G, reading on from the top fills in the middle and the lines equal wrapping it whole', () => {
  const text = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'word '.repeat(i % 40)}`).join('\n');
  const msg = message(text);
  const { loader, chars } = counting();
  readerLinesToEnd(msg, 50, false, loader, 60);
  assert.ok(chars() < text.length / 10, `wrapped ${chars()} characters for the end`);
  // A view below the marker does not wrap the middle.
  const before = chars();
  const atEnd = readerLines(msg, 50, false, loader, 100_000, 99_000);
  assert.equal(chars(), before);
  assert.equal(atEnd.at(-1)!.text, renderBody(text, 50).at(-1));
  // Scrolling down from the top reads the middle until the tail joins on.
  const all = readerLines(msg, 50, false, loader, Infinity, 0);
  assert.equal(readerLinesComplete(msg, 50, false), true);
  assert.deepEqual(
    all.filter((l) => l.kind === 'body').map((l) => l.text),
    renderBody(text, 50),
  );
});
