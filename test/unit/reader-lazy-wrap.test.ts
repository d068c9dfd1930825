// The reader wraps a long body a chunk at a time, only as far as it is shown: opening a 4 MB
// message must not wrap all of it, and what is wrapped must equal wrapping the whole text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderBody } from '../../src/mime/index.js';
import type { MessageLoader, ReaderMessage } from '../../src/ui/message-loader.js';
import { readerLines, readerLinesComplete } from '../../src/ui/state/reader-lines.js';

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
  from: 'a', to: 'b', cc: '', date: 'd', subject: 's', text, headerLines: [], attachments: [], warnings: [],
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

test('chunked wrapping of many lines gives exactly the lines of wrapping it whole', () => {
  const text = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'word '.repeat(i % 40)}`).join('\n') + '\n';
  const { loader } = counting();
  const body = readerLines(message(text), 50, false, loader).filter((l) => l.kind === 'body').map((l) => l.text);
  assert.deepEqual(body, renderBody(text, 50));
});

test('an empty body still draws one empty body line', () => {
  const { loader } = counting();
  const lines = readerLines(message(''), 40, false, loader);
  assert.equal(lines.at(-1)?.kind, 'body');
});
