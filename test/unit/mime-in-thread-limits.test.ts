// Which messages the UI thread may parse itself: only small ones by their real byte length, and
// not the small-but-hostile shapes of the hostile corpus (a 100,000-character subject, deep or
// unclosed HTML, thousands of parts, a huge header name, base64 HTML) — those go to the worker.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { IN_THREAD_PARSE_BYTES, inThreadParseRisk } from '../../src/mime/raw-message-checks.js';
import { takeSmallMessage } from '../../src/mime/small-message.js';

const FIXTURES = new URL('../fixtures/mime/', import.meta.url);
const head = (subject: string, extra: string[] = []) => [
  'From: Mallory <mallory@example.org>',
  'To: alice@example.test',
  `Subject: ${subject}`,
  'Date: Mon, 1 Jan 2029 10:00:00 +0000',
  'MIME-Version: 1.0',
  ...extra,
];
const msg = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');
/** `unit` repeated `n` times, a line break every 100 (so no line is long). */
const lines = (unit: string, n: number) => Array.from({ length: Math.ceil(n / 100) }, () => unit.repeat(100)).join('\n');
const html = (body: string) => msg([...head('html', ['Content-Type: text/html; charset=utf-8']), '', body, '']);

const HOSTILE_SMALL: Array<{ name: string; raw: Buffer; why: RegExp }> = [
  { name: '100,000-character subject', raw: msg([...head(`S ${'long subject '.repeat(7_700)}`), '', 'body', '']), why: /header field longer|line longer/ },
  {
    name: 'folded 100,000-character subject',
    raw: msg([...head('S'), ...Array.from({ length: 1_500 }, () => ` ${'x'.repeat(70)}`), '', 'body', '']),
    why: /header field longer|line longer/,
  },
  { name: '60 KB header name', raw: msg([`X-${'N'.repeat(60_000)}: v`, ...head('name'), '', 'body', '']), why: /line longer|header field longer/ },
  { name: '20,000 nested div', raw: html(`${lines('<div>', 20_000)}DEEP${lines('</div>', 1_000)}`), why: /nested deeper/ },
  { name: '25,000 unclosed tags', raw: html(lines('<b><i><u><span>', 6_000)), why: /nested deeper|HTML tags/ },
  { name: '30,000 self-closed tags', raw: html(lines('<x/>', 30_000)), why: /HTML tags/ },
  {
    name: '1,000 parts',
    raw: msg([
      ...head('parts', ['Content-Type: multipart/mixed; boundary="p"']),
      '',
      ...Array.from({ length: 1_000 }, (_, i) => `--p\r\nContent-Type: text/plain\r\n\r\np${i}`),
      '--p--',
      '',
    ]),
    why: /part boundaries/,
  },
  {
    name: 'base64 HTML part',
    raw: msg([
      ...head('b64', ['Content-Type: text/html;', ' charset=utf-8', 'Content-Transfer-Encoding: base64']),
      '',
      Buffer.from('<div>'.repeat(5_000)).toString('base64'),
      '',
    ]),
    why: /base64-encoded HTML/,
  },
  { name: 'one 100 KB line', raw: msg([...head('line', ['Content-Type: text/plain']), '', 'x'.repeat(100_000), '']), why: /line longer/ },
];

test('the hostile shapes, each under the in-thread size, are still sent to the worker', () => {
  for (const { name, raw, why } of HOSTILE_SMALL) {
    assert.ok(raw.length <= IN_THREAD_PARSE_BYTES, `${name}: ${raw.length} bytes fits the size rule`);
    assert.match(inThreadParseRisk(raw) ?? 'parsed in the UI thread', why, name);
  }
});

test('ordinary messages (the MIME fixtures, a newsletter-like HTML mail) are parsed in the UI thread', () => {
  for (const name of ['alternative.eml', 'attachments.eml', 'encoded-words.eml', 'hostile-headers.eml', 'html-only.eml']) {
    assert.equal(inThreadParseRisk(readFileSync(new URL(name, FIXTURES))), undefined, name);
  }
  const rows = Array.from({ length: 300 }, (_, i) => `<tr><td class="c"><a href="https://example.org/${i}">item ${i}</a><br><img src="x.png"></td></tr>`).join(
    '\n',
  );
  const newsletter = html(`<html><head><meta charset="utf-8"><style>p{}</style></head><body><table>${rows}</table><p>-- <br>signature</p></body></html>`);
  assert.equal(inThreadParseRisk(newsletter), undefined);
  const signed = msg([...head('sig', ['Content-Type: text/plain']), '', 'text', '-- ', 'Alice', '']);
  assert.equal(inThreadParseRisk(signed), undefined);
});

const chunked = (buf: Buffer, size: number) =>
  Readable.from(
    Array.from({ length: Math.ceil(buf.length / size) }, (_, i) => buf.subarray(i * size, (i + 1) * size)),
    { objectMode: false },
  );
const collect = async (stream: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

test('the decision is on the bytes received: a big message streams on whole, a small plain one is handed over', async () => {
  const big = Buffer.alloc(IN_THREAD_PARSE_BYTES * 3, 'a\r\n');
  const taken = await takeSmallMessage(chunked(big, 7_000));
  assert.ok('stream' in taken, 'a big message goes to the worker whatever its envelope said');
  assert.match(taken.why, /larger than/);
  assert.ok((await collect(taken.stream)).equals(big), 'the worker gets every byte, in order');

  const small = msg([...head('hi', ['Content-Type: text/plain']), '', 'hello', '']);
  const whole = await takeSmallMessage(chunked(small, 10));
  assert.ok('whole' in whole);
  assert.ok(whole.whole.equals(small));

  const hostile = HOSTILE_SMALL[0]!.raw;
  const sent = await takeSmallMessage(chunked(hostile, 4_096));
  assert.ok('stream' in sent);
  assert.ok((await collect(sent.stream)).equals(hostile));
});
