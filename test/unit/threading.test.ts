import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadOrder, threadTrees, type ThreadInput } from '../../src/threading/jwz.js';
import { baseSubject, isReplySubject } from '../../src/threading/subject.js';
import { flattenThreads, maxUid, parseThreadAttributes } from '../../src/threading/thread-tree.js';

const day = (n: number) => new Date(Date.UTC(2024, 0, n));
const msg = (uid: number, fields: Partial<ThreadInput> = {}): ThreadInput => ({
  uid,
  date: day(uid),
  subject: `subject ${uid}`,
  messageId: `<m${uid}@x>`,
  ...fields,
});
const rows = (o: { uids: number[]; depths: number[] }) => o.uids.map((u, i) => `${'  '.repeat(o.depths[i]!)}${u}`);

test('References chain: each reply under its parent, deepest last', () => {
  const order = threadOrder([
    msg(1, { subject: 'plan' }),
    msg(2, { subject: 'Re: plan', references: ['<m1@x>'], inReplyTo: '<m1@x>' }),
    msg(3, { subject: 'Re: plan', references: ['<m1@x>', '<m2@x>'] }),
    msg(4, { subject: 'Re: plan', inReplyTo: '<m1@x>' }),
  ]);
  assert.deepEqual(rows(order), ['1', '  2', '    3', '  4']);
});

test('newest thread first, whatever order the messages came in', () => {
  const order = threadOrder([msg(5, { subject: 'late reply', references: ['<m1@x>'] }), msg(1, { subject: 'old thread' }), msg(3, { subject: 'middle' })]);
  // Thread of 1 has a message from day 5: it is the most recently active one.
  assert.deepEqual(rows(order), ['1', '  5', '3']);
});

test('missing parent: siblings stay together under the first of them', () => {
  const order = threadOrder([
    msg(2, { subject: 'Re: gone', references: ['<gone@x>'] }),
    msg(3, { subject: 'Re: gone', references: ['<gone@x>'] }),
    msg(4, { subject: 'other' }),
  ]);
  assert.deepEqual(rows(order), ['4', '2', '  3']);
  const trees = threadTrees([msg(2, { references: ['<gone@x>'] }), msg(3, { references: ['<gone@x>'] })]);
  assert.equal(trees.length, 1);
  assert.equal(trees[0]!.uid, undefined, 'the missing message is a placeholder, not a row');
});

test('a single child of a missing parent becomes the root', () => {
  const trees = threadTrees([msg(2, { references: ['<gone@x>', '<also-gone@x>'] })]);
  assert.deepEqual(trees, [{ uid: 2, children: [] }]);
});

test('subject fallback: replies without References join the original; two originals stay apart', () => {
  const order = threadOrder([
    msg(1, { subject: 'Lunch?', messageId: undefined }),
    msg(2, { subject: 'RE: lunch?', messageId: undefined }),
    msg(3, { subject: '[team] Re: Re[2]: Lunch?' }),
    msg(4, { subject: 'Lunch?' }),
    msg(5, { subject: 'Dinner' }),
  ]);
  assert.deepEqual(rows(order), ['5', '4', '1', '  2', '  3']);
});

test('subject fallback without the original: the replies share one thread', () => {
  const order = threadOrder([msg(1, { subject: 'Re: x' }), msg(2, { subject: 'Fwd: x' }), msg(3, { subject: 'y' })]);
  assert.deepEqual(rows(order), ['3', '1', '  2']);
});

test('empty subjects are never grouped', () => {
  const order = threadOrder([msg(1, { subject: '' }), msg(2, { subject: 'Re:' })]);
  assert.deepEqual(rows(order), ['2', '1']);
});

test('cycles in References are refused, every message appears exactly once', () => {
  const messages = [
    msg(1, { references: ['<m2@x>'] }),
    msg(2, { references: ['<m1@x>'] }),
    msg(3, { references: ['<m3@x>'] }), // refers to itself
    msg(4, { references: ['<m5@x>', '<m4@x>', '<m5@x>'] }),
    msg(5, { references: ['<m4@x>'] }),
  ];
  const order = threadOrder(messages);
  assert.deepEqual([...order.uids].sort(), [1, 2, 3, 4, 5]);
  const trees = threadTrees(messages);
  const a = trees.find((t) => maxUid(t) === 2 || maxUid(t) === 1)!;
  assert.ok(a.children.length === 1, 'one of 1 and 2 is the parent of the other, not both');
});

test('duplicate Message-IDs: both messages shown', () => {
  const order = threadOrder([msg(1, { messageId: '<same@x>' }), msg(2, { messageId: '<same@x>' }), msg(3, { references: ['<same@x>'] })]);
  assert.deepEqual([...order.uids].sort(), [1, 2, 3]);
});

test('a very long chain does not overflow the stack', () => {
  const messages: ThreadInput[] = [];
  for (let i = 1; i <= 5000; i++) messages.push(msg(i, { subject: 'Re: long', inReplyTo: i > 1 ? `<m${i - 1}@x>` : undefined }));
  const order = threadOrder(messages);
  assert.equal(order.uids.length, 5000);
  assert.equal(order.depths[4999], 4999);
});

test('base subject strips reply prefixes, list tags and case', () => {
  assert.equal(baseSubject('Re: [list] FWD: Aw:  Hello   World (fwd)'), 'hello world');
  assert.equal(baseSubject('Re[3]: x'), 'x');
  assert.equal(isReplySubject('[list] Re: x'), true);
  assert.equal(isReplySubject('Regarding x'), false);
});

test('IMAP THREAD data: chains, sibling lists and missing parents', () => {
  // As imapflow parses `* THREAD (2)(3 6 (4 23)(44 7 96))((5)(9 10))`.
  const a = (v: number) => ({ type: 'ATOM', value: String(v) });
  const trees = parseThreadAttributes([[a(2)], [a(3), a(6), [a(4), a(23)], [a(44), a(7), a(96)]], [[a(5)], [a(9), a(10)]], [{ type: 'ATOM', value: 'junk' }]]);
  const order = flattenThreads(trees, maxUid);
  assert.deepEqual(rows(order), ['3', '  6', '    4', '      23', '    44', '      7', '        96', '5', '  9', '    10', '2']);
});
