import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDraft, DraftError, formatAddress, formatDraft, parseDraft, type Draft } from '../../src/compose/draft.js';

const base: Draft = {
  from: 'Alice Ängström <alice@example.test>',
  to: 'Bob <bob@example.org>, "Doe, Jane" <jane@example.org>',
  cc: '',
  bcc: 'secret@example.net',
  subject: 'Grüße 👋',
  inReplyTo: '<a@x>',
  references: ['<r@x>', '<a@x>'],
  attachments: ['/tmp/a file.pdf'],
  body: 'Hallo\n\n> quoted\n',
};

test('format → parse keeps every field, including non-ASCII and the body verbatim', () => {
  const text = formatDraft(base);
  assert.match(text, /^From: Alice Ängström <alice@example.test>\nTo: Bob/);
  assert.match(text, /\nAttach: \/tmp\/a file.pdf\n\nHallo\n\n> quoted\n$/);
  assert.deepEqual(parseDraft(text), base);
});

test('parse: CRLF, folded header lines, repeated To lines, case-insensitive names', () => {
  const d = parseDraft('from: a@x.org\r\nTO: b@x.org,\r\n  c@x.org\r\nto: d@x.org\r\nSubject: hi\r\n\r\nbody\r\n');
  assert.equal(d.to, 'b@x.org, c@x.org, d@x.org');
  assert.equal(d.subject, 'hi');
  assert.equal(d.body, 'body\n');
});

test('parse: an unknown header is refused, naming the line, instead of silently dropped', () => {
  assert.throws(
    () => parseDraft('From: a@x.org\nBc: b@x.org\n\nbody'),
    (e: Error) => e instanceof DraftError && /line 2: unknown header "bc"/.test(e.message),
  );
  assert.throws(() => parseDraft('From: a@x.org\nthis is text\n'), /line 2 of the draft is not a "Header: value" line/);
});

test('check: recipients required, bad addresses named by field, exactly one From', () => {
  assert.throws(() => checkDraft({ ...base, to: '', bcc: '' }), /no recipient/);
  assert.throws(() => checkDraft({ ...base, cc: 'Bob bob at example' }), /^DraftError: Cc: .* is not an e-mail address|Cc: .*is not an e-mail address/);
  assert.throws(() => checkDraft({ ...base, from: 'a@x.org, b@x.org' }), /From must hold exactly one address/);
  const c = checkDraft(base);
  assert.deepEqual(
    c.toList.map((a) => a.address),
    ['bob@example.org', 'jane@example.org'],
  );
  assert.equal(c.toList[1]!.name, 'Doe, Jane');
  assert.deepEqual(c.bccList, [{ name: '', address: 'secret@example.net' }]);
  assert.equal(c.fromAddress.name, 'Alice Ängström');
});

test('formatAddress quotes names that would break the list', () => {
  assert.equal(formatAddress({ name: 'Doe, Jane', address: 'j@x.org' }), '"Doe, Jane" <j@x.org>');
  assert.equal(formatAddress({ name: 'Jürgen', address: 'j@x.org' }), 'Jürgen <j@x.org>');
  assert.equal(formatAddress({ name: '', address: 'j@x.org' }), 'j@x.org');
});
