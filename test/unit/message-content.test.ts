// The bytes a hand-off needs: attachment `index` numbered as the reader lists it, the HTML body
// as a UTF-8 file, nothing when there is none; and a mailcap name template is not applied twice.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { applyNameTemplate, parseMailcap } from '../../src/handoff/index.js';
import { attachmentContent, htmlContent } from '../../src/mime/message-content.js';

const RAW = [
  'Subject: parts',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="m"',
  '',
  '--m',
  'Content-Type: multipart/alternative; boundary="a"',
  '',
  '--a',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'plain',
  '--a',
  'Content-Type: text/html; charset=iso-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<p>caf=E9</p>',
  '--a--',
  '--m',
  'Content-Type: text/plain; name="one.txt"',
  'Content-Disposition: attachment; filename="one.txt"',
  '',
  'first attachment',
  '--m',
  'Content-Type: application/pdf; name="../../two.pdf"',
  'Content-Disposition: attachment; filename="../../two.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('%PDF-1.4 two').toString('base64'),
  '--m--',
  '',
].join('\r\n');

const source = () => Readable.from([Buffer.from(RAW, 'latin1')]);

test('attachmentContent: the index-th attachment, its name made safe', async () => {
  const one = await attachmentContent(source(), 0);
  assert.equal(one?.bytes.toString(), 'first attachment');
  assert.equal(one?.filename, 'one.txt');
  const two = await attachmentContent(source(), 1);
  assert.equal(two?.bytes.toString(), '%PDF-1.4 two');
  assert.equal(two?.contentType, 'application/pdf');
  assert.ok(!two!.filename.includes('/'), two!.filename);
  assert.equal(await attachmentContent(source(), 2), undefined);
});

test('htmlContent: the HTML body decoded to UTF-8; none for a plain message', async () => {
  const html = await htmlContent(source());
  assert.match(html!.bytes.toString('utf8'), /^<meta charset="utf-8">\n<p>café<\/p>/);
  assert.equal(html!.contentType, 'text/html');
  assert.equal(await htmlContent(Readable.from([Buffer.from('Subject: x\r\n\r\nplain only\r\n')])), undefined);
});

test('applyNameTemplate does not add an extension the name already has', () => {
  const [entry] = parseMailcap('text/html; browser %s; nametemplate=%s.html\n');
  assert.equal(applyNameTemplate(entry, 'message.html'), 'message.html');
  assert.equal(applyNameTemplate(entry, 'page'), 'page.html');
});
