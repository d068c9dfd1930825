import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildForward, buildReply, forwardSubject, quote, replySubject } from '../../src/compose/reply.js';
import type { ParsedMessage } from '../../src/mime/types.js';

const me = { from: 'Alice <alice@example.test>', addresses: ['alice@example.test', 'alice@alias.test'] };

function msg(over: Partial<ParsedMessage> = {}): ParsedMessage {
  return {
    from: [{ name: 'Carol', address: 'carol@example.org' }],
    to: [
      { name: 'Alice', address: 'ALICE@example.test' },
      { name: 'Bob', address: 'bob@example.org' },
    ],
    cc: [
      { name: '', address: 'dave@example.org' },
      { name: 'Alias', address: 'alice@alias.test' },
      { name: 'Bob again', address: 'bob@example.org' },
    ],
    replyTo: [],
    date: new Date(Date.UTC(2024, 0, 2, 9, 30)),
    subject: 'Plan',
    messageId: '<m2@example.org>',
    references: ['<m0@example.org>', '<m1@example.org>'],
    headerLines: [],
    bodyText: 'line one\n\n> earlier\nline three\n',
    bodySource: 'plain',
    attachments: [],
    warnings: [],
    ...over,
  };
}

test('Re: exactly once, whatever prefix the original carries', () => {
  assert.equal(replySubject('Plan'), 'Re: Plan');
  assert.equal(replySubject('Re: Plan'), 'Re: Plan');
  assert.equal(replySubject('RE: re: Re[2]: Plan'), 'Re: Plan');
  assert.equal(replySubject('AW: Plan'), 'Re: Plan');
  assert.equal(replySubject(''), 'Re:');
  assert.equal(forwardSubject('Fwd: Fw: Plan'), 'Fwd: Plan');
});

test('quote: "> " before lines, ">" for empty ones, nested quotes get one more ">"', () => {
  assert.equal(quote('a\n\n> b\n'), '> a\n>\n>> b\n');
});

test('reply goes to Reply-To when present, else From; threading headers set', () => {
  const r = buildReply(msg(), 'reply', me);
  assert.equal(r.to, 'Carol <carol@example.org>');
  assert.equal(r.cc, '');
  assert.equal(r.subject, 'Re: Plan');
  assert.equal(r.inReplyTo, '<m2@example.org>');
  assert.deepEqual(r.references, ['<m0@example.org>', '<m1@example.org>', '<m2@example.org>']);
  assert.match(r.body, /^\n\nOn Tue, 02 Jan 2024 09:30:00 GMT, Carol wrote:\n> line one\n>\n>> earlier\n> line three\n$/);
  const viaList = buildReply(msg({ replyTo: [{ name: 'List', address: 'list@example.org' }] }), 'reply', me);
  assert.equal(viaList.to, 'List <list@example.org>');
});

test('reply-all: author + To + Cc, minus every address of mine (any case), no duplicates', () => {
  const r = buildReply(msg(), 'replyAll', me);
  assert.equal(r.to, 'Carol <carol@example.org>, Bob <bob@example.org>');
  assert.equal(r.cc, 'dave@example.org');
  assert.equal(r.from, me.from);
});

test('replying to my own message (from Sent) goes to its recipients again', () => {
  const mine = msg({ from: [{ name: 'Alice', address: 'alice@example.test' }], to: [{ name: 'Bob', address: 'bob@example.org' }], cc: [] });
  assert.equal(buildReply(mine, 'reply', me).to, 'Bob <bob@example.org>');
});

test('long threads keep the last 20 references; no Message-ID means no In-Reply-To', () => {
  const refs = Array.from({ length: 30 }, (_, i) => `<r${i}@x>`);
  const r = buildReply(msg({ references: refs }), 'reply', me);
  assert.equal(r.references!.length, 20);
  assert.equal(r.references!.at(-1), '<m2@example.org>');
  const bare = buildReply(msg({ messageId: undefined, references: [] }), 'reply', me);
  assert.equal(bare.inReplyTo, undefined);
  assert.equal(bare.references, undefined);
});

test('forward: Fwd:, the original headers and body inline, attachments kept, no recipients yet', () => {
  const f = buildForward(msg(), me, ['/d/p/report.pdf']);
  assert.equal(f.subject, 'Fwd: Plan');
  assert.equal(f.to, '');
  assert.deepEqual(f.attachments, ['/d/p/report.pdf']);
  assert.match(
    f.body,
    /---------- Forwarded message ----------\nFrom: Carol <carol@example.org>\nDate: Tue, 02 Jan 2024 09:30:00 GMT\nSubject: Plan\nTo: Alice <ALICE@example.test>, Bob <bob@example.org>\nCc: dave@example.org, /,
  );
  assert.match(f.body, /\n\nline one\n\n> earlier\nline three\n$/);
});
