// The one header -> summary function with hostile input: encoded words that lie about their
// charset, huge headers, missing Date, prototype-named headers, bodies that must not be read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_HEADER_BYTES, parseHeaderSummary } from '../../src/mime/header-summary.js';

const fallback = new Date('2001-01-01T00:00:00Z');
const parse = (raw: string | Buffer) => parseHeaderSummary(Buffer.isBuffer(raw) ? raw : Buffer.from(raw), fallback);
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

test('unknown or bogus charsets and broken encoded words do not throw and leave readable text', () => {
  const s = parse('Subject: =?x-no-such-charset?Q?hello?= =?UTF-8?B?!!!notbase64?= =?UTF-8?Q?=ZZ?=\r\nFrom: =?bogus?B?SsO8cmdlbg==?= <j@x.org>\r\n\r\n');
  assert.match(s.subject, /hello/);
  assert.doesNotMatch(s.subject, CONTROL);
  assert.equal(s.from[0]?.address, 'j@x.org');
  // Encoded words in a legacy charset are decoded.
  assert.equal(parse('Subject: =?KOI8-R?B?8NLJ18XU?=\r\n\r\n').subject, 'Привет');
});

test('missing Date (and an empty or absurd one) uses the fallback; a comment after the zone is tolerated', () => {
  assert.equal(parse('Subject: x\r\n\r\n').date, fallback);
  assert.equal(parse('Date:\r\n\r\n').date, fallback);
  assert.equal(parse('Date: Tue, 99 Foo 2024 99:99:99 +9999\r\n\r\n').date, fallback);
  assert.equal(parse('Date: Tue, 05 Mar 2024 14:07:00 +0100 (CET)\r\n\r\n').date.toISOString(), '2024-03-05T13:07:00.000Z');
});

test('an empty block, only junk, or no header at all gives an empty summary, not an error', () => {
  for (const raw of ['', '\r\n\r\nbody', 'not a header line at all', '\u0000\u0001\u0002: \u0003']) {
    const s = parse(raw);
    assert.doesNotMatch(s.subject, CONTROL);
    assert.deepEqual(s.from, []);
    assert.equal(s.date, fallback);
  }
});

test('a huge header is cut at MAX_HEADER_BYTES; the body after the blank line is never read', () => {
  const long = `Subject: start\r\nTo: ${Array.from({ length: 60_000 }, (_, i) => `u${i}@x.org`).join(', ')}\r\nFrom: late@x.org\r\n`;
  assert.ok(long.length > MAX_HEADER_BYTES);
  const s = parse(long);
  assert.equal(s.subject, 'start');
  assert.ok(s.to.length > 0);
  assert.deepEqual(s.from, [], 'a header beyond the cap is not seen');
  assert.equal(parse('Subject: a\r\n\r\nFrom: body@x.org\r\nSubject: body\r\n').subject, 'a');
  assert.deepEqual(parse('Subject: a\n\nFrom: body@x.org\n').from, []);
});

test('a huge References list is capped to the newest 50, and prototype header names are plain headers', () => {
  const refs = Array.from({ length: 5_000 }, (_, i) => `<r${i}@x>`).join(' ');
  const s = parse(`References: ${refs}\r\n__proto__: x\r\nConstructor: y\r\nSubject: ok\r\n\r\n`);
  assert.equal(s.references?.length, 50);
  assert.equal(s.references?.at(-1), '<r4999@x>');
  assert.equal(s.subject, 'ok');
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('8-bit bytes that are not UTF-8 read as Latin-1; a NUL or escape in a name or subject is removed', () => {
  assert.equal(parse(Buffer.concat([Buffer.from('Subject: M'), Buffer.from([0xfc]), Buffer.from('nchen\r\n\r\n')])).subject, 'München');
  const s = parse('From: "A\u0000B\u001b[1mC" <a@b.c>\r\nSubject: x\u0000y\u009bz\r\n\r\n');
  assert.doesNotMatch(s.from[0]!.name, CONTROL);
  assert.doesNotMatch(s.subject, CONTROL);
});
