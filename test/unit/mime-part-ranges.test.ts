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

/** A forward: a note, then the signed message above attached as message/rfc822. */
function forwarded(attachedHeader: string[], attached: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      [
        'From: bob@example.org',
        'Subject: Fwd: signed',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="fwd"',
        '',
        '--fwd',
        'Content-Type: text/plain',
        '',
        'See below.',
        '--fwd',
        ...attachedHeader,
        '',
        '',
      ].join('\r\n'),
      'latin1',
    ),
    attached,
    Buffer.from('\r\n--fwd--\r\n', 'latin1'),
  ]);
}

test('message/rfc822: the attached message and its parts (a multipart/signed) have their own ranges, byte for byte', () => {
  const raw = forwarded(['Content-Type: message/rfc822', 'Content-Disposition: attachment; filename="signed.eml"'], SIGNED);
  const root = partRanges(raw);
  const attachedPart = findPart(root, '2')!;
  assert.equal(attachedPart.contentType, 'message/rfc822');
  const message = attachedPart.message!;
  assert.ok(message, 'the attached message is split');
  assert.equal(message.contentType, 'multipart/signed');
  assert.deepEqual(message.section, [2]);
  assert.ok(rawPart(raw, message).equals(SIGNED), 'the attached message is exactly the original bytes');
  // Numbered below the attached part, as IMAP does: 2.1 is the signed entity, 2.2 the signature.
  const signed = findPart(root, '2.1')!;
  assert.deepEqual(signed.section, [2, 1]);
  assert.equal(signed.contentType, 'multipart/mixed');
  assert.equal(rawPart(raw, signed).toString('latin1'), SIGNED_PART, 'the signed part, byte for byte, inside the forward');
  assert.equal(findPart(root, '2.2')!.contentType, 'application/pgp-signature');
  const text = findPart(root, '2.1.1')!;
  assert.equal(raw.toString('latin1', text.bodyStart, text.end), 'Signed text, trailing space kept: \r\n--inner-not-a-delimiter\r\n');
  assert.equal(raw.toString('latin1', findPart(root, '2.1.2')!.bodyStart, findPart(root, '2.1.2')!.end), 'AAEC');
  assert.equal(findPart(root, '2.3'), undefined);
});

test('message/rfc822: an attached message without MIME structure is one part (section 1 is its body); an encoded one is not split', () => {
  const simple = Buffer.from('Subject: inner\r\n\r\nJust text.\r\n', 'latin1');
  const raw = forwarded(['Content-Type: message/rfc822', 'Content-Transfer-Encoding: 8bit'], simple);
  const root = partRanges(raw);
  const inner = findPart(root, '2.1')!;
  assert.equal(inner.contentType, 'text/plain');
  assert.ok(rawPart(raw, inner).equals(simple));
  assert.equal(raw.toString('latin1', inner.bodyStart, inner.end), 'Just text.\r\n');
  assert.equal(findPart(root, '2.2'), undefined);

  const encoded = forwarded(['Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64'], Buffer.from(SIGNED.toString('base64'), 'latin1'));
  const attached = findPart(partRanges(encoded), '2')!;
  assert.equal(attached.message, undefined, 'base64 has no raw bytes of the attached message to point at');
  assert.equal(findPart(partRanges(encoded), '2.1'), undefined);
});

test('multipart/digest: each part is an attached message of its own', () => {
  const digest = Buffer.from(
    [
      'Content-Type: multipart/digest; boundary=d',
      '',
      '--d',
      '',
      'Subject: first',
      '',
      'one',
      '--d',
      '',
      'Subject: second',
      'Content-Type: multipart/alternative; boundary=a',
      '',
      '--a',
      '',
      'two',
      '--a--',
      '--d--',
      '',
    ].join('\r\n'),
    'latin1',
  );
  const root = partRanges(digest);
  assert.equal(findPart(root, '1')!.contentType, 'message/rfc822');
  assert.equal(digest.toString('latin1', findPart(root, '1.1')!.start, findPart(root, '1.1')!.end), 'Subject: first\r\n\r\none');
  assert.equal(findPart(root, '2.1')!.contentType, 'text/plain');
  assert.equal(digest.toString('latin1', findPart(root, '2.1')!.bodyStart, findPart(root, '2.1')!.end), 'two');
});
