// Raw byte ranges of MIME parts: the signed part of multipart/signed comes out byte for byte as
// sent (CRLF kept, the line break before the delimiter excluded), nested parts are numbered like
// IMAP sections, and the bytes are views of the original buffer, not copies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findPart, partRanges, rawPart } from '../../src/mime/part-ranges.js';

const SIGNED_PART = [
  'Content-Type: multipart/mixed; boundary="inner"',
  '',
  'preamble',
  '--inner',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Signed text, trailing space kept: ',
  '--inner-not-a-delimiter',
  '',
  '--inner ',
  'Content-Type: application/octet-stream',
  'Content-Disposition: attachment; filename="a.bin"',
  '',
  'AAEC',
  '--inner--',
  '',
].join('\r\n');

const SIGNED = Buffer.from(
  [
    'From: alice@example.org',
    'Subject: signed',
    'MIME-Version: 1.0',
    'Content-Type: multipart/signed; micalg=pgp-sha256;',
    '\tprotocol="application/pgp-signature"; boundary="outer"',
    '',
    'This is an OpenPGP/MIME signed message.',
    '--outer',
    // The signed entity, then the CRLF that belongs to the next delimiter.
    `${SIGNED_PART}`,
    '--outer',
    'Content-Type: application/pgp-signature; name="signature.asc"',
    '',
    '-----BEGIN PGP SIGNATURE-----',
    'xyz',
    '-----END PGP SIGNATURE-----',
    '',
    '--outer--',
    'epilogue',
    '',
  ].join('\r\n'),
  'latin1',
);

test('multipart/signed: the signed part is exactly the bytes that were signed, CRLFs kept', () => {
  const root = partRanges(SIGNED);
  assert.equal(root.contentType, 'multipart/signed');
  assert.equal(root.children.length, 2);
  const signed = findPart(root, '1')!;
  assert.equal(signed.contentType, 'multipart/mixed');
  assert.equal(rawPart(SIGNED, signed).toString('latin1'), SIGNED_PART, 'byte for byte, ending before the CRLF of the next delimiter');
  const signature = findPart(root, [2])!;
  assert.equal(signature.contentType, 'application/pgp-signature');
  assert.equal(SIGNED.toString('latin1', signature.bodyStart, signature.end), '-----BEGIN PGP SIGNATURE-----\r\nxyz\r\n-----END PGP SIGNATURE-----\r\n');
});

test('nested parts: numbered like IMAP sections; a line that only starts like the boundary is content', () => {
  const root = partRanges(SIGNED);
  const text = findPart(root, '1.1')!;
  assert.equal(text.contentType, 'text/plain');
  assert.equal(SIGNED.toString('latin1', text.bodyStart, text.end), 'Signed text, trailing space kept: \r\n--inner-not-a-delimiter\r\n');
  const attachment = findPart(root, '1.2')!;
  assert.equal(attachment.contentType, 'application/octet-stream');
  assert.equal(SIGNED.toString('latin1', attachment.bodyStart, attachment.end), 'AAEC');
  assert.equal(findPart(root, '1.3'), undefined);
});

test('the part bytes are a view of the message buffer, not a copy', () => {
  const root = partRanges(SIGNED);
  const view = rawPart(SIGNED, root.children[0]!);
  assert.equal(view.buffer, SIGNED.buffer);
  assert.equal(view.byteOffset, SIGNED.byteOffset + root.children[0]!.start);
});

test('LF-only line ends, a missing close delimiter and a message without MIME structure', () => {
  const lf = Buffer.from('Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\nContent-Type: text/html\n\n<p>two</p>\n');
  const root = partRanges(lf);
  assert.deepEqual(
    root.children.map((p) => [p.section.join('.'), p.contentType, lf.toString('latin1', p.start, p.end)]),
    [
      ['1', 'text/plain', '\none'],
      ['2', 'text/html', 'Content-Type: text/html\n\n<p>two</p>\n'],
    ],
  );
  const plain = Buffer.from('Subject: hi\r\n\r\nbody\r\n');
  const single = partRanges(plain);
  assert.deepEqual([single.contentType, single.children.length, single.bodyStart, single.end], ['text/plain', 0, 15, plain.length]);
});
