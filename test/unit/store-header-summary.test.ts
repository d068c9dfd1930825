import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MAX_HEADER_BYTES, parseHeaderSummary } from '../../src/mime/header-summary.js';
import { readHeaderBlock, readHeaderSummary } from '../../src/store/header-block.js';

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-hdr-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

const fallback = new Date('2001-01-01T00:00:00Z');

test('decodes encoded words, folded headers, addresses, ids and the date', () => {
  const raw = [
    'From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>',
    'To: "Bob" <bob@example.org>,',
    ' carol@example.org',
    'Cc: Team: dave@example.org, eve@example.org;',
    'Subject: =?UTF-8?B?w5xiZXJzaWNodA==?= and',
    '  =?ISO-8859-1?Q?caf=E9?=',
    'Date: Tue, 05 Mar 2024 14:07:00 +0100 (CET)',
    'Message-ID: <abc@example.de>',
    'In-Reply-To: <parent@example.org> (comment)',
    '',
    'body',
  ].join('\r\n');
  const s = parseHeaderSummary(Buffer.from(raw), fallback);
  assert.deepEqual(s.from, [{ name: 'Jürgen Müller', address: 'juergen@example.de' }]);
  assert.deepEqual(s.to, [
    { name: 'Bob', address: 'bob@example.org' },
    { name: '', address: 'carol@example.org' },
  ]);
  assert.deepEqual(
    s.cc.map((a) => a.address),
    ['dave@example.org', 'eve@example.org'],
  );
  assert.equal(s.subject, 'Übersicht and café');
  assert.equal(s.date.toISOString(), '2024-03-05T13:07:00.000Z');
  assert.equal(s.messageId, '<abc@example.de>');
  assert.equal(s.inReplyTo, '<parent@example.org>');
  assert.equal(s.hasAttachments, false);
});

test('missing or broken Date falls back to the arrival date; raw UTF-8 and Latin-1 headers are read', () => {
  assert.equal(parseHeaderSummary(Buffer.from('Subject: x\r\nDate: yesterday-ish\r\n\r\n'), fallback).date, fallback);
  assert.equal(parseHeaderSummary(Buffer.from('Subject: Grüße 日本\n\n'), fallback).subject, 'Grüße 日本');
  assert.equal(parseHeaderSummary(Buffer.from([...Buffer.from('Subject: caf'), 0xe9, 0x0a, 0x0a]), fallback).subject, 'café');
});

test('terminal escape sequences in headers are removed', () => {
  const s = parseHeaderSummary(
    Buffer.from('From: "\u001b]0;pwned\u0007Evil\u001b[31m" <e@x.org>\r\nSubject: hi\u001b[2J there =?UTF-8?Q?=1B=5D8;;http://x=07?=\r\n\r\n'),
    fallback,
  );
  assert.equal(s.from[0]?.name, 'Evil');
  assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(s.subject), JSON.stringify(s.subject));
});

test('attachment hint from top-level headers', () => {
  const h = (ct: string, extra = '') => parseHeaderSummary(Buffer.from(`Content-Type: ${ct}\r\n${extra}\r\n`), fallback).hasAttachments;
  assert.equal(h('multipart/mixed; boundary="b"'), true);
  assert.equal(h('multipart/alternative; boundary="b"'), false);
  assert.equal(h('text/plain; charset=utf-8'), false);
  assert.equal(h('application/pdf; name="a.pdf"'), true);
  assert.equal(h('text/plain', 'Content-Disposition: attachment; filename="a.txt"\r\n'), true);
  assert.equal(parseHeaderSummary(Buffer.from('Subject: none\r\n\r\n'), fallback).hasAttachments, false);
});

test('only the header block is read, and a hostile endless header is capped', async () => {
  const path = join(base, 'big-body');
  const header = 'Subject: small header\r\nFrom: a@b.c\r\n\r\n';
  await writeFile(path, header + 'x'.repeat(5 * 1024 * 1024));
  const block = await readHeaderBlock(path);
  assert.equal(block.toString(), header.slice(0, -4));
  assert.equal((await readHeaderSummary(path, fallback)).subject, 'small header');

  const hostile = join(base, 'hostile');
  await writeFile(hostile, 'Subject: start\r\n' + 'X-Junk: yyyyyyyyyyyyyyyy\r\n'.repeat(40_000));
  const capped = await readHeaderBlock(hostile);
  assert.equal(capped.length, MAX_HEADER_BYTES);
  assert.equal((await readHeaderSummary(hostile, fallback)).subject, 'start');
});

test('a header terminator split across read chunks is found (LF-only files too)', async () => {
  const path = join(base, 'split');
  const filler = 'X-Pad: ' + 'p'.repeat(16 * 1024 - 'X-Pad: '.length - 3) + '\n';
  await writeFile(path, `Subject: s\n${filler}\nBODY-MUST-NOT-APPEAR`);
  const block = (await readHeaderBlock(path)).toString();
  assert.ok(!block.includes('BODY-MUST-NOT-APPEAR'));
  assert.ok(block.startsWith('Subject: s\n'));
});
