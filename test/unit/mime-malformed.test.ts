import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parseMessage } from '../../src/mime/index.js';
import { assertInert, chunked } from './mime-helpers.js';

const dir = new URL('../fixtures/mime/malformed/', import.meta.url);
const sample = (name: string): Buffer => readFileSync(new URL(name, dir));

test('every malformed sample parses (buffer and stream) without throwing, with inert output', async () => {
  const names = readdirSync(dir).filter((n) => n.endsWith('.eml'));
  assert.ok(names.length >= 15, `found ${names.length} samples`);
  for (const name of names) {
    for (const source of [sample(name), chunked(sample(name), 13)]) {
      const msg = await parseMessage(source);
      assertInert(msg);
      assert.ok(Array.isArray(msg.warnings) && Array.isArray(msg.attachments), name);
    }
  }
});

test('boundary declared but never used: raw text shown, with warnings', async () => {
  const msg = await parseMessage(sample('missing-boundary.eml'));
  assert.ok(msg.bodyText.includes('The parts use a different boundary than declared.'));
  assert.ok(msg.warnings.some((w) => w.includes('boundary is missing or wrong')));
  assert.ok(msg.warnings.some((w) => w.includes('raw message text is shown')));
  assert.equal(msg.subject, 'boundary never appears');
});

test('multipart without a boundary parameter: body still shown', async () => {
  const msg = await parseMessage(sample('no-boundary-param.eml'));
  assert.equal(msg.bodyText.trim(), 'just text');
  assert.ok(msg.warnings.length > 0);
});

test('truncated message: text and partial attachment kept, truncation reported', async () => {
  const msg = await parseMessage(sample('truncated.eml'));
  assert.equal(msg.bodyText, 'Text before the cut.');
  assert.deepEqual(
    msg.attachments.map((a) => a.filename),
    ['half.pdf'],
  );
  assert.ok(msg.warnings.some((w) => w.includes('truncated')));
});

test('a complete multipart message is not reported as truncated', async () => {
  const msg = await parseMessage(readFileSync(new URL('../fixtures/mime/attachments.eml', import.meta.url)));
  assert.deepEqual(msg.warnings, []);
});

test('bad base64: decoded best effort and flagged', async () => {
  const msg = await parseMessage(sample('bad-base64.eml'));
  assert.ok(msg.bodyText.startsWith('Hello world'));
  assert.ok(msg.warnings.some((w) => w.includes('not valid')));
});

test('unknown and unsafe (UTF-7) charsets: read as UTF-8 with a warning, never decoded from UTF-7', async () => {
  const unknown = await parseMessage(sample('unknown-charset.eml'));
  assert.equal(unknown.bodyText, 'Text in an unknown charset.\n');
  assert.ok(unknown.warnings.some((w) => w.includes('x-no-such-charset')));
  const utf7 = await parseMessage(sample('utf7-charset.eml'));
  assert.ok(!utf7.bodyText.includes('<script>'));
  assert.ok(utf7.warnings.some((w) => w.includes('utf-7')));
});

test('undeclared 8-bit header bytes are read as Windows-1252; bad Date reported, not invented', async () => {
  const msg = await parseMessage(sample('eight-bit-headers.eml'));
  assert.deepEqual(msg.from, [{ name: 'José García', address: 'jose@example.es' }]);
  assert.equal(msg.subject, 'Résumé ÿþ garbage');
  assert.equal(msg.date, undefined);
  assert.ok(msg.warnings.some((w) => w.includes('8-bit')));
  assert.ok(msg.warnings.some((w) => w.includes('Unreadable Date header')));
});

test('no headers at all: the text is the body', async () => {
  const msg = await parseMessage(sample('no-headers.eml'));
  assert.equal(msg.bodyText, 'Just a body, no headers at all.\nSecond line.\n');
  assert.deepEqual(msg.headerLines, []);
  assert.ok(msg.warnings.some((w) => w.includes('no headers')));
});

test('empty message and header-only message', async () => {
  const empty = await parseMessage(sample('empty.eml'));
  assert.equal(empty.bodyText, '');
  assert.equal(empty.bodySource, 'none');
  assert.equal(empty.subject, '');
  assert.ok(empty.warnings.length > 0);
  const headerOnly = await parseMessage(sample('header-only.eml'));
  assert.equal(headerOnly.subject, 'only a header, no blank line, no body');
  assert.ok(headerOnly.warnings.some((w) => w.includes('no From header')));
});

test('binary garbage gives inert text and warnings', async () => {
  const msg = await parseMessage(sample('binary-garbage.eml'));
  assert.ok(msg.warnings.length > 0);
  assertInert(msg);
});

test('unterminated encoded words are left as text', async () => {
  const msg = await parseMessage(sample('unterminated-encoded-word.eml'));
  assert.ok(msg.subject.includes('open'));
  assert.equal(msg.from[0]?.address, 'a@example.org');
});

test('NUL and other control bytes in headers and body are removed', async () => {
  const msg = await parseMessage(sample('nul-and-controls.eml'));
  assert.equal(msg.subject, 'nul byte');
  assert.equal(msg.bodyText, 'bodywithcontrols and bold\n');
});

test('deep MIME nesting and deep HTML nesting still give their text', async () => {
  assert.equal((await parseMessage(sample('deep-nesting.eml'))).bodyText, 'deep text');
  const html = await parseMessage(sample('deep-html.eml'));
  assert.equal(html.bodyText, 'deep words');
});

test('too many parts: the parser gives up, we still show headers, text and a warning', async () => {
  const msg = await parseMessage(sample('too-many-parts.eml'));
  assert.equal(msg.subject, 'too many parts');
  assert.ok(msg.bodyText.includes('first part text'));
  assert.ok(msg.warnings.some((w) => w.includes('could not be read completely')));
});

test('a header block over the parser limit does not throw', async () => {
  const raw = Buffer.from(`From: a@example.org\r\nX-Huge: ${'A'.repeat(1_200_000)}\r\nSubject: huge\r\n\r\nbody after huge header\r\n`);
  const msg = await parseMessage(raw);
  assert.ok(msg.warnings.length > 0);
  assertInert(msg);
});

test('a source stream that fails midway resolves with what was read and a warning', async () => {
  const source = new Readable({ read() {} });
  source.push('From: a@example.org\r\nSubject: cut by the network\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n');
  source.push('--B\r\nContent-Type: application/pdf; name=x.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n');
  setImmediate(() => source.destroy(new Error('connection reset \u001b[2J')));
  const msg = await parseMessage(source);
  assert.equal(msg.subject, 'cut by the network');
  assert.deepEqual(
    msg.attachments.map((a) => [a.index, a.filename]),
    [[0, 'x.pdf']],
  );
  assert.ok(msg.warnings.some((w) => w.includes('connection reset')));
  assertInert(msg);
});

test('a source stream destroyed without an error does not hang', async () => {
  const source = new Readable({ read() {} });
  source.push('From: a@example.org\r\nSubject: closed early\r\n\r\nsome text');
  setImmediate(() => source.destroy());
  const msg = await parseMessage(source);
  assert.equal(msg.subject, 'closed early');
  assert.ok(msg.warnings.some((w) => w.includes('closed early')));
});

test('a stream that was already read to its end does not hang', async () => {
  const source = Readable.from([Buffer.from('Subject: x\r\n\r\nbody')]);
  for await (const _ of source) {
    // consume it
  }
  const msg = await parseMessage(source);
  assert.ok(msg.warnings.some((w) => w.includes('already read')));
});
