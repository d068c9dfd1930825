import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FetchMessageObject, MessageStructureObject } from 'imapflow';
import { hasAttachment, toSummary } from '../../src/accounts/imap/summary.js';
import { ownString } from '../../src/text/own-string.js';

const text = (sub: string, extra: Partial<MessageStructureObject> = {}): MessageStructureObject => ({ type: `text/${sub}`, ...extra });

test('hasAttachment: plain and alternative bodies have none', () => {
  assert.equal(hasAttachment(text('plain')), false);
  assert.equal(hasAttachment({ type: 'multipart/alternative', childNodes: [text('plain'), text('html')] }), false);
  assert.equal(hasAttachment(undefined), false);
});

test('hasAttachment: attachment disposition, named binary parts and forwarded messages count', () => {
  assert.equal(hasAttachment({ type: 'multipart/mixed', childNodes: [text('plain'), { type: 'application/pdf', disposition: 'attachment' }] }), true);
  assert.equal(hasAttachment({ type: 'multipart/mixed', childNodes: [text('plain'), { type: 'image/png', parameters: { name: 'a.png' } }] }), true);
  assert.equal(hasAttachment({ type: 'multipart/mixed', childNodes: [text('plain'), { type: 'message/rfc822' }] }), true);
  assert.equal(hasAttachment({ type: 'multipart/mixed', childNodes: [text('plain'), text('plain', { disposition: 'attachment' })] }), true);
  // A single-part message that *is* a named file.
  assert.equal(hasAttachment({ type: 'application/zip', parameters: { name: 'x.zip' } }), true);
});

test('hasAttachment: inline text parts and an unnamed related image are not attachments', () => {
  assert.equal(
    hasAttachment({
      type: 'multipart/mixed',
      childNodes: [text('plain'), text('plain', { disposition: 'inline', dispositionParameters: { filename: 'sig.txt' } })],
    }),
    false,
  );
  assert.equal(hasAttachment({ type: 'multipart/related', childNodes: [text('html'), { type: 'image/png', id: '<logo>' }] }), false);
});

test('toSummary maps the envelope and sanitizes every string a sender controls', () => {
  const msg: FetchMessageObject = {
    seq: 7,
    uid: 4242,
    flags: new Set(['\\Seen', '$Forwarded']),
    size: 1234,
    internalDate: new Date('2024-05-02T10:00:00Z'),
    envelope: {
      date: new Date('2024-05-01T09:00:00Z'),
      subject: 'Hi \u001b]8;;http://evil\u0007there\u001b[31m!',
      messageId: '<a@b>',
      inReplyTo: '<z@b>',
      from: [{ name: 'Eve\u202e', address: 'eve@example.org' }],
      to: [{ address: 'alice@example.org' }],
    },
    bodyStructure: text('plain'),
  };
  const s = toSummary(msg);
  assert.equal(s.uid, 4242);
  assert.deepEqual(s.flags, ['\\Seen', '$Forwarded']);
  assert.equal(s.subject, 'Hi there!');
  assert.deepEqual(s.from, [{ name: 'Eve', address: 'eve@example.org' }]);
  assert.deepEqual(s.to, [{ name: '', address: 'alice@example.org' }]);
  assert.deepEqual(s.cc, []);
  assert.equal(s.date.toISOString(), '2024-05-01T09:00:00.000Z');
  assert.equal(s.messageId, '<a@b>');
  assert.equal(s.inReplyTo, '<z@b>');
  assert.equal(s.size, 1234);
  assert.equal(s.hasAttachments, false);
  assert.deepEqual(s.location, { kind: 'server' });
});

test('toSummary falls back to the internal date when the Date header is missing or broken', () => {
  const base = { seq: 1, uid: 1, internalDate: new Date('2024-01-02T00:00:00Z') };
  assert.equal(toSummary({ ...base, envelope: { date: 'not a date' } }).date.toISOString(), '2024-01-02T00:00:00.000Z');
  assert.equal(toSummary({ ...base, envelope: {} }).date.toISOString(), '2024-01-02T00:00:00.000Z');
  assert.equal(toSummary({ ...base }).subject, '');
});

test('ownString: same text, and toSummary strings equal what the server sent', () => {
  const line = `* 1 FETCH (ENVELOPE ("d" "A subject long enough to be a slice" NIL))`;
  const subject = line.slice(22, 58);
  assert.equal(ownString(subject), subject);
  assert.equal(ownString('short'), 'short');
  assert.equal(ownString(''), '');
});
