// The search language: parsing (with the column of every mistake), the local evaluator, and the
// compilation into one IMAP SEARCH (rendered with imapflow's own search compiler).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { searchCompiler } from 'imapflow/lib/search-compiler.js';
import { compileSearch } from '../../src/accounts/imap/search-language.js';
import { toSearchObject } from '../../src/accounts/imap/search-query.js';
import type { MessageSummary, SearchNode } from '../../src/domain/index.js';
import { matches, parseSearch, SearchSyntaxError } from '../../src/search/index.js';

const NOW = new Date(2024, 5, 15, 10, 30); // 15 June 2024, local time

/** The SEARCH criteria imapflow would send for `query`, as text. */
function criteria(query: string): string {
  const attrs = searchCompiler({ capabilities: new Map(), enabled: new Set() } as never, compileSearch(parseSearch(query, { now: NOW }))) as unknown[];
  const render = (a: unknown): string => {
    if (Array.isArray(a)) return `(${a.map(render).join(' ')})`;
    const { type, value } = a as { type: string; value: unknown };
    if (type === 'LITERAL') return `{${(value as Buffer).toString('utf8')}}`;
    const v = String(value);
    return v === '' || /[\s"()]/.test(v) ? JSON.stringify(v) : v;
  };
  return attrs.map(render).join(' ');
}

function syntaxError(query: string): SearchSyntaxError {
  try {
    parseSearch(query, { now: NOW });
  } catch (err) {
    assert.ok(err instanceof SearchSyntaxError, `a SearchSyntaxError for ${query}, got ${String(err)}`);
    return err;
  }
  assert.fail(`"${query}" should not parse`);
}

test('terms side by side are ANDed; or binds weaker than and; not and parentheses', () => {
  assert.deepEqual(parseSearch('from:alice bob'), {
    kind: 'and',
    nodes: [
      { kind: 'text', field: 'from', value: 'alice' },
      { kind: 'text', field: 'text', value: 'bob' },
    ],
  });
  const tree = parseSearch('a and b or not (c OR d)');
  assert.deepEqual(tree, {
    kind: 'or',
    nodes: [
      {
        kind: 'and',
        nodes: [
          { kind: 'text', field: 'text', value: 'a' },
          { kind: 'text', field: 'text', value: 'b' },
        ],
      },
      {
        kind: 'not',
        node: {
          kind: 'or',
          nodes: [
            { kind: 'text', field: 'text', value: 'c' },
            { kind: 'text', field: 'text', value: 'd' },
          ],
        },
      },
    ],
  });
  assert.deepEqual(parseSearch('subject:"weekly report" "and"'), {
    kind: 'and',
    nodes: [
      { kind: 'text', field: 'subject', value: 'weekly report' },
      { kind: 'text', field: 'text', value: 'and' },
    ],
  });
  assert.deepEqual(parseSearch('   '), { kind: 'all' });
});

test('dates are local calendar days: YYYY-MM-DD, today, yesterday, 7d, 2w, 3m, 1y', () => {
  const day = (q: string) => (parseSearch(q, { now: NOW }) as Extract<SearchNode, { kind: 'date' }>).day;
  assert.deepEqual(day('since:2024-01-05'), { year: 2024, month: 1, day: 5 });
  assert.deepEqual(day('on:today'), { year: 2024, month: 6, day: 15 });
  assert.deepEqual(day('before:yesterday'), { year: 2024, month: 6, day: 14 });
  assert.deepEqual(day('since:7d'), { year: 2024, month: 6, day: 8 });
  assert.deepEqual(day('since:2w'), { year: 2024, month: 6, day: 1 });
  assert.deepEqual(day('since:3m'), { year: 2024, month: 3, day: 15 });
  assert.deepEqual(day('since:1y'), { year: 2023, month: 6, day: 15 });
  assert.equal(syntaxError('since:2024-02-30').column, 7);
});

test('sizes take K, M and G', () => {
  assert.deepEqual(parseSearch('larger:20K'), { kind: 'size', op: 'larger', bytes: 20 * 1024 });
  assert.deepEqual(parseSearch('smaller:1.5m'), { kind: 'size', op: 'smaller', bytes: 1.5 * 1024 * 1024 });
  assert.deepEqual(parseSearch('smaller:500'), { kind: 'size', op: 'smaller', bytes: 500 });
});

test('every mistake names its column in words', () => {
  const cases: [string, number, RegExp][] = [
    ['frm:bob', 1, /unknown field "frm:"/],
    ['from:bob subject:"open', 18, /never closed/],
    ['(a or b', 1, /parenthesis is never closed/],
    ['a or b)', 7, /closing parenthesis without/],
    ['a or', 5, /ends where a search term is expected/],
    ['and b', 1, /needs a search term on both sides/],
    ['is:spam', 4, /is:unread, is:read, is:flagged, is:answered/],
    ['has:pdf', 5, /has:attachment/],
    ['larger:big', 8, /not a size/],
    ['since:last-week', 7, /not a date/],
    ['from: bob', 1, /needs a value/],
    ['()', 2, /empty parentheses/],
  ];
  for (const [query, column, message] of cases) {
    const err = syntaxError(query);
    assert.equal(err.column, column, query);
    assert.match(err.message, message, query);
    assert.match(err.message, new RegExp(`^column ${column}: `), query);
  }
});

test('a query compiles into one SEARCH whatever its shape', () => {
  assert.equal(criteria('from:alice subject:report'), 'FROM alice SUBJECT report');
  // Two terms with the same key cannot share one imapflow object: nested, still ANDed.
  assert.equal(criteria('from:alice from:bob from:carol'), 'FROM alice (FROM bob FROM carol)');
  assert.equal(criteria('(from:a or from:b) (subject:x or subject:y)'), 'OR FROM a FROM b NOT NOT OR SUBJECT x SUBJECT y');
  assert.equal(criteria('not (is:unread or is:flagged) larger:10k'), 'NOT OR UNSEEN FLAGGED LARGER 10240');
  assert.equal(criteria('since:2024-01-05 before:2024-02-01 on:2024-01-10'), 'SENTSINCE 05-Jan-2024 SENTBEFORE 01-Feb-2024 SENTON 10-Jan-2024');
  assert.equal(criteria('is:read is:answered body:"two words"'), 'SEEN ANSWERED BODY "two words"');
  assert.match(
    criteria('has:attachment'),
    /^OR OR HEADER CONTENT-DISPOSITION attachment HEADER CONTENT-TYPE multipart\/mixed \(HEADER CONTENT-TYPE "" NOT OR OR/,
  );
  assert.equal(criteria('subject:Grüße'), 'CHARSET UTF-8 SUBJECT {Grüße}');
  assert.equal(criteria(''), 'ALL');
  // The older field queries and an expression together.
  const both = toSearchObject({ unseen: true, expression: parseSearch('from:a or from:b') });
  assert.deepEqual(both, { seen: false, or: [{ from: 'a' }, { from: 'b' }] });
});

const summary = (over: Partial<MessageSummary> = {}): MessageSummary => ({
  uid: 1,
  flags: ['\\Seen'],
  date: new Date(2024, 0, 10, 23, 30),
  from: [{ name: 'Alice Liddell', address: 'alice@example.org' }],
  to: [{ name: '', address: 'bob@example.org' }],
  cc: [],
  subject: 'Quarterly Report',
  size: 5000,
  hasAttachments: true,
  location: { kind: 'server' },
  ...over,
});

test('the local evaluator gives each term its meaning', () => {
  const m = { summary: summary(), source: 'Subject: Quarterly Report\r\nX-Note: secret\r\n\r\nThe figures are attached.\r\n' };
  const yes = (q: string) => assert.ok(matches(parseSearch(q, { now: NOW }), m), q);
  const no = (q: string) => assert.ok(!matches(parseSearch(q, { now: NOW }), m), q);
  yes('from:liddell');
  yes('from:ALICE@example');
  yes('to:bob');
  no('cc:bob');
  yes('subject:quarterly');
  yes('body:figures');
  no('body:secret');
  yes('secret');
  yes('"are attached"');
  yes('on:2024-01-10');
  no('on:2024-01-11');
  yes('since:2024-01-10');
  no('before:2024-01-10');
  yes('before:2024-01-11');
  yes('larger:4999 smaller:5001');
  no('larger:5000');
  yes('is:read');
  no('is:unread');
  no('is:flagged or is:answered');
  yes('has:attachment');
  yes('not (is:flagged or from:carol) and subject:report');
  // Without the source, body terms do not match (and NOT of them does).
  assert.ok(!matches(parseSearch('body:figures'), { summary: summary() }));
});

/** A tiny deterministic random source, so a failing fuzz case can be reproduced. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('fuzz: random input either parses or fails with a SearchSyntaxError inside the query', () => {
  const pieces = [
    'from:',
    'to:x',
    'not',
    'and',
    'or',
    '(',
    ')',
    '"',
    'a',
    'is:read',
    'since:7d',
    'larger:1k',
    ':',
    'x:y',
    ' ',
    ' ',
    'has:attachment',
    '\\',
    'é',
  ];
  const random = rng(42);
  for (let i = 0; i < 3000; i++) {
    const n = 1 + Math.floor(random() * 8);
    let q = '';
    for (let k = 0; k < n; k++) q += pieces[Math.floor(random() * pieces.length)]! + (random() < 0.5 ? ' ' : '');
    try {
      const tree = parseSearch(q, { now: NOW });
      // Whatever parses can be evaluated and compiled.
      matches(tree, { summary: summary(), source: 'x' });
      criteria(q);
    } catch (err) {
      assert.ok(err instanceof SearchSyntaxError, `${JSON.stringify(q)}: ${String(err)}`);
      assert.ok(err.column >= 1 && err.column <= q.length + 1, `${JSON.stringify(q)}: column ${err.column}`);
    }
  }
});

test('fuzz: a printed tree parses back to a tree that matches the same messages', () => {
  const random = rng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const leaf = (): string =>
    pick([
      'from:alice',
      'from:carol',
      'subject:report',
      'subject:"quarterly report"',
      'is:read',
      'is:unread',
      'is:flagged',
      'larger:4k',
      'smaller:4k',
      'since:2024-01-10',
      'before:2024-01-10',
      'has:attachment',
      'figures',
      'body:secret',
    ]);
  const expr = (depth: number): string => {
    if (depth === 0 || random() < 0.3) return leaf();
    const op = pick(['and', 'or', '', 'not']);
    if (op === 'not') return `not ${expr(depth - 1)}`;
    return `(${expr(depth - 1)} ${op} ${expr(depth - 1)})`;
  };
  const messages = [
    summary(),
    summary({ flags: [], from: [{ name: 'Carol', address: 'carol@example.org' }], size: 3000, hasAttachments: false, date: new Date(2024, 0, 9, 12) }),
    summary({ flags: ['\\Flagged'], subject: 'Other', size: 4096 }),
  ].map((s, i) => ({ summary: s, source: i === 0 ? 'H: v\r\n\r\nfigures secret' : 'H: v\r\n\r\nnothing' }));
  for (let i = 0; i < 500; i++) {
    const q = expr(4);
    const tree = parseSearch(q, { now: NOW });
    const doubleNegated = parseSearch(`not not (${q})`, { now: NOW });
    for (const m of messages) assert.equal(matches(doubleNegated, m), matches(tree, m), q);
    // De Morgan: not (a or b) == not a and not b, for the first split of the printed tree.
    const wrapped = parseSearch(`not (${q}) or (${q})`, { now: NOW });
    for (const m of messages) assert.ok(matches(wrapped, m), q);
  }
});
