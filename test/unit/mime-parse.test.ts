import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMessage } from '../../src/mime/index.js';
import { assertInert, chunked } from './mime-helpers.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/mime/${name}`, import.meta.url));

test('encoded words: B and Q, UTF-8, ISO-8859-1 and Shift_JIS, in names and subject', async () => {
  const msg = await parseMessage(fixture('encoded-words.eml'));
  assert.deepEqual(msg.from, [{ name: 'Éloïse Müller', address: 'eloise@example.org' }]);
  assert.deepEqual(msg.to, [
    { name: 'François Châtelet', address: 'francois@example.net' },
    { name: '', address: 'plain@example.net' },
  ]);
  assert.deepEqual(msg.cc, [{ name: '山田太郎', address: 'yamada@example.jp' }]);
  assert.equal(msg.subject, 'Café déjà vu日本語の件名');
  assert.equal(msg.date?.toISOString(), '2003-07-01T08:52:37.000Z');
  assert.equal(msg.messageId, '<enc-1@example.org>');
  assert.equal(msg.inReplyTo, '<parent@example.org>');
  assert.deepEqual(msg.references, ['<root@example.org>', '<parent@example.org>']);
  assert.equal(msg.bodySource, 'plain');
  assert.equal(msg.bodyText, 'こんにちは、世界。\n本文はShift_JISです。\n');
  assert.deepEqual(msg.warnings, []);
});

test('full headers are unfolded, decoded and in message order', async () => {
  const msg = await parseMessage(fixture('encoded-words.eml'));
  assert.equal(msg.headerLines[0], 'From: Éloïse Müller <eloise@example.org>');
  assert.ok(msg.headerLines.includes('References: <root@example.org> <parent@example.org>'));
  assert.ok(msg.headerLines.includes('Content-Type: text/plain; charset=Shift_JIS'));
  for (const line of msg.headerLines) assert.ok(!line.includes('\n') && !line.includes('\r'));
});

test('multipart/alternative prefers the text/plain part', async () => {
  const msg = await parseMessage(fixture('alternative.eml'));
  assert.equal(msg.bodySource, 'plain');
  assert.equal(msg.bodyText, 'Plain version: lunch at noon — café on the corner.');
  assert.ok(!msg.bodyText.includes('HTML version'));
  assert.deepEqual(msg.attachments, []);
});

test('HTML-only mail becomes readable text: links kept, images as alt, tables, no script/style', async () => {
  const msg = await parseMessage(fixture('html-only.eml'));
  assert.equal(msg.bodySource, 'html');
  const body = msg.bodyText;
  assert.match(body, /^Big news/);
  assert.ok(body.includes('the article [https://example.com/article?id=42]'), body);
  assert.ok(body.includes('Café!'), 'ISO-8859-1 quoted-printable decoded');
  assert.ok(body.includes('Company logo'), 'image alt text kept');
  assert.ok(!body.includes('logo.png') && !body.includes('pixel.gif'), 'image URLs dropped');
  assert.match(body, /Item +Price\nApple +1\.20\nPear +0\.80/);
  assert.ok(!body.includes('evil script text') && !body.includes('color: red') && !body.includes('Secret title'));
  assert.ok(body.includes('data link') && !body.includes('base64'), 'data: URL not spelled out');
  assert.ok(!/<[a-z]/i.test(body), 'no tags left');
});

test('attachments are listed with safe names, types, sizes, content ids and inline flag', async () => {
  const msg = await parseMessage(fixture('attachments.eml'));
  assert.equal(msg.bodySource, 'html');
  assert.equal(msg.bodyText, 'See the chart chart');
  assert.deepEqual(
    msg.attachments.map((a) => [a.index, a.filename, a.filenameFromMessage, a.contentType, a.size, a.contentId, a.inline]),
    [
      [0, 'attachment-1.png', false, 'image/png', 29, 'chart@x', true],
      [1, 'report.pdf', true, 'application/pdf', 1160, undefined, false],
      [2, 'passwd', true, 'text/plain', 35, undefined, false],
      [3, 'evil.exe', true, 'application/octet-stream', 11, undefined, false],
      [4, 'attachment-5.png', false, 'image/png', 29, undefined, false],
      [5, '_con.txt', true, 'text/plain', 11, undefined, false],
    ],
  );
  assertInert(msg);
});

test('hostile headers and body: OSC, CSI, DCS, C1 and bidi controls are rendered inert', async () => {
  const msg = await parseMessage(fixture('hostile-headers.eml'));
  assert.equal(msg.subject, 'Hi there now red evil end');
  assert.ok(msg.headerLines.includes('X-Encoded: Hi there now red evil end'), 'encoded-word payload sanitized after decoding');
  assert.deepEqual(msg.from, [{ name: 'Mallory', address: 'mallory@example.com' }]);
  assert.ok(!msg.bodyText.includes('pwned') && !msg.bodyText.includes('[2J'));
  assert.ok(msg.bodyText.startsWith('Body with'));
  assertInert(msg);
});

test('a stream in tiny chunks gives the same result as a buffer', async () => {
  for (const name of ['encoded-words.eml', 'attachments.eml', 'html-only.eml', 'hostile-headers.eml']) {
    const fromBuffer = await parseMessage(fixture(name));
    const fromStream = await parseMessage(chunked(fixture(name)));
    assert.deepEqual(fromStream, fromBuffer, name);
  }
});

test('a large attachment is counted, not kept: the result holds only its size', async () => {
  const big = Buffer.alloc(8 * 1024 * 1024, 0x61)
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  const raw = Buffer.from(
    'From: a@example.org\r\nDate: Mon, 07 Jul 2003 10:00:00 +0000\r\nSubject: big\r\n' +
      'Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n' +
      `--B\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n${big}\r\n--B--\r\n`,
  );
  const msg = await parseMessage(chunked(raw, 64 * 1024));
  assert.equal(msg.bodyText, 'see attached');
  assert.deepEqual(
    msg.attachments.map((a) => [a.filename, a.size]),
    [['big.bin', 8 * 1024 * 1024]],
  );
  assert.ok(JSON.stringify(msg).length < 10_000, 'no attachment content in the result');
  assert.deepEqual(msg.warnings, []);
});

test('format=flowed text and a long body limit', async () => {
  const raw = Buffer.from(
    'From: a@example.org\r\nDate: Mon, 07 Jul 2003 10:00:00 +0000\r\nContent-Type: text/plain; format=flowed\r\n\r\n' +
      'one flowed \r\nline\r\n' +
      'x'.repeat(50) +
      '\r\n',
  );
  const msg = await parseMessage(raw, { maxBodyChars: 30 });
  assert.equal(msg.bodyText, 'one flowed line\n' + 'x'.repeat(14));
  assert.ok(msg.warnings.some((w) => w.includes('very long')));
});

test('layout tables (newsletters) become blocks of text, data tables stay aligned columns', async () => {
  const long = 'A long paragraph of newsletter copy that must not be squeezed into a narrow table column at all.';
  const html =
    `<table width="600"><tr><td><table><tr><td><h2>Header</h2><p>${long}</p></td></tr>` +
    '<tr><td><a href="https://x.example/buy">Buy now</a></td></tr></table></td></tr></table>' +
    '<table><tr><td>Name</td><td>Qty</td></tr><tr><td>Pear</td><td>3</td></tr></table>' +
    `<table><tr><td>${long}</td><td>Side column</td></tr></table>`;
  const raw = Buffer.from(`From: n@example.com\r\nDate: Mon, 07 Jul 2003 10:00:00 +0000\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`);
  const msg = await parseMessage(raw);
  assert.equal(msg.bodyText, ['Header', '', long, '', 'Buy now [https://x.example/buy]', '', 'Name   Qty', 'Pear   3', '', long, '', 'Side column'].join('\n'));
});

test('Reply-To with a quoted comma, a Date with a comment, forwarded messages attached and inline', async () => {
  const inner = 'From: Inner <inner@example.org>\r\nSubject: original\r\nDate: Mon, 07 Jul 2003 09:00:00 +0000\r\n\r\nInner body text\r\n';
  const build = (disposition: string): Buffer =>
    Buffer.from(
      'From: a@example.org\r\nReply-To: "Team, Support" <support@example.org>, other@example.org\r\n' +
        'Date: Mon, 07 Jul 2003 10:00:00 +0000 (UTC)\r\nSubject: Fwd: original\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n' +
        `--B\r\nContent-Type: text/plain\r\n\r\nForwarding this.\r\n--B\r\nContent-Type: message/rfc822\r\nContent-Disposition: ${disposition}\r\n\r\n${inner}\r\n--B--\r\n`,
    );
  const attached = await parseMessage(build('attachment'));
  assert.deepEqual(attached.replyTo, [
    { name: 'Team, Support', address: 'support@example.org' },
    { name: '', address: 'other@example.org' },
  ]);
  assert.equal(attached.date?.toISOString(), '2003-07-07T10:00:00.000Z');
  assert.equal(attached.bodyText, 'Forwarding this.');
  assert.deepEqual(
    attached.attachments.map((a) => [a.filename, a.contentType]),
    [['attachment-1.eml', 'message/rfc822']],
  );
  assert.deepEqual(attached.warnings, []);

  const inline = await parseMessage(build('inline'));
  assert.deepEqual(inline.attachments, []);
  assert.match(inline.bodyText, /^Forwarding this\.\n\nFrom: "Inner" <inner@example\.org>\nSubject: original\n[\s\S]*\nInner body text\n$/);
});

test('a well-formed message with an empty body is not mistaken for a broken one', async () => {
  const imagesOnly = await parseMessage(
    Buffer.from(
      'From: a@example.org\r\nDate: Mon, 07 Jul 2003 10:00:00 +0000\r\nContent-Type: text/html\r\n\r\n<p><img src="https://x.example/a.png"></p>\r\n',
    ),
  );
  assert.equal(imagesOnly.bodyText, '');
  assert.equal(imagesOnly.bodySource, 'html');
  assert.deepEqual(imagesOnly.warnings, []);
  const empty = await parseMessage(Buffer.from('From: a@example.org\r\nDate: Mon, 07 Jul 2003 10:00:00 +0000\r\nSubject: empty\r\n\r\n'));
  assert.equal(empty.bodyText, '');
  assert.deepEqual(empty.warnings, []);
});
