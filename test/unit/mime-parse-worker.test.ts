// The parser's worker: a message over its time or memory budget is reported as such (with the
// raw start kept for a fallback view) and the worker is replaced; leaving a message cancels it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { MessageParser, ParseCancelled, ParseLimitError, parseInWorker } from '../../src/mime/parse-in-worker.js';

const HUGE_HTML = Buffer.from(`From: a@b\r\nSubject: big\r\nContent-Type: text/html\r\n\r\n${'<b><i><u><span>x '.repeat(250_000)}`);

test('a message parses in the worker, Dates and all', { timeout: 120_000 }, async () => {
  const parsed = await parseInWorker(Readable.from([Buffer.from('From: a@b\r\nSubject: hi\r\nDate: Mon, 1 Jan 2029 10:00:00 +0000\r\n\r\nhello')]));
  assert.equal(parsed.subject, 'hi');
  assert.equal(parsed.bodyText, 'hello');
  assert.ok(parsed.date instanceof Date);
});

test('over time: a ParseLimitError with the raw start, and the next message still parses', { timeout: 120_000 }, async () => {
  const parser = new MessageParser();
  try {
    const err = await parser.parse(Readable.from([HUGE_HTML]), { timeoutMs: 1 }).then(
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
  const err = await parseInWorker(Readable.from([HUGE_HTML]), { heapMb: 8 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof ParseLimitError && err.reason === 'memory', String(err));
});

test('leaving the message aborts its parse', { timeout: 120_000 }, async () => {
  const parser = new MessageParser();
  try {
    const abort = new AbortController();
    const pending = parser.parse(Readable.from([HUGE_HTML]), { signal: abort.signal });
    abort.abort();
    await assert.rejects(pending, ParseCancelled);
  } finally {
    parser.close();
  }
});
