// The parser's worker: a message over its time or memory budget is reported as such (with the
// raw start kept for a fallback view) and the worker is replaced; leaving a message cancels it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { MessageParser, ParseCancelled, ParseLimitError, parseInWorker, transferable } from '../../src/mime/parse-in-worker.js';

// A fresh Buffer per parse: the parser transfers a chunk alone in its memory to the worker.
const hugeHtml = () => Buffer.from(`From: a@b\r\nSubject: big\r\nContent-Type: text/html\r\n\r\n${'<b><i><u><span>x '.repeat(250_000)}`);

test('a message parses in the worker, Dates and all', { timeout: 120_000 }, async () => {
  const parsed = await parseInWorker(Readable.from([Buffer.from('From: a@b\r\nSubject: hi\r\nDate: Mon, 1 Jan 2029 10:00:00 +0000\r\n\r\nhello')]));
  assert.equal(parsed.subject, 'hi');
  assert.equal(parsed.bodyText, 'hello');
  assert.ok(parsed.date instanceof Date);
});

test('chunks go to the worker whole, transferred: a Buffer alone in its memory without a copy, a view into shared memory copied', {
  timeout: 120_000,
}, async () => {
  const own = Buffer.concat([Buffer.alloc(600_000, 'a'), Buffer.alloc(600_000, 'b')]);
  assert.equal(transferable(own).buffer, own.buffer, 'handed over as it is');
  const pooled = Buffer.from('a small chunk'); // a view into Node's shared 8 KB pool
  const copy = transferable(pooled);
  assert.notEqual(copy.buffer, pooled.buffer);
  assert.deepEqual(Buffer.from(copy), pooled);
  // A message in such chunks (the head kept for the fallback view is a copy) parses whole.
  const body = 'x'.repeat(300_000);
  const raw = Buffer.from(`From: a@b\r\nSubject: chunks\r\n\r\n${body}`);
  const chunks = [raw.subarray(0, 100), Buffer.from(raw.subarray(100, 200_000)), Buffer.from(raw.subarray(200_000))];
  const parsed = await parseInWorker(Readable.from(chunks));
  assert.equal(parsed.subject, 'chunks');
  assert.equal(parsed.bodyText, body);
  assert.equal(chunks[1]!.length, 0, 'the owned chunk was transferred, not copied');
});

test('over time: a ParseLimitError with the raw start, and the next message still parses', { timeout: 120_000 }, async () => {
  const parser = new MessageParser();
  try {
    const err = await parser.parse(Readable.from([hugeHtml()]), { timeoutMs: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ParseLimitError && err.reason === 'timeout', String(err));
    assert.ok(err.rawHead.toString().startsWith('From: a@b'));
    const ok = await parser.parse(Readable.from([Buffer.from('Subject: after\r\n\r\nbody')]));
    assert.equal(ok.subject, 'after');
  } finally {
    parser.close();
  }
});

test('over memory: the worker is stopped, tmail goes on', { timeout: 120_000 }, async () => {
  const err = await parseInWorker(Readable.from([hugeHtml()]), { heapMb: 8 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof ParseLimitError && err.reason === 'memory', String(err));
});

test('leaving the message aborts its parse', { timeout: 120_000 }, async () => {
  const parser = new MessageParser();
  try {
    const abort = new AbortController();
    const pending = parser.parse(Readable.from([hugeHtml()]), { signal: abort.signal });
    abort.abort();
    await assert.rejects(pending, ParseCancelled);
  } finally {
    parser.close();
  }
});
