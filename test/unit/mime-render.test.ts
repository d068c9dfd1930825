import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { isSimpleText } from '../../src/text/display-width.js';
import { displayWidth, padToWidth, renderBody, truncateToWidth } from '../../src/mime/index.js';
import { assertInert } from './mime-helpers.js';

const FAMILY = '👩‍👩‍👧‍👦'; // one grapheme, 7 code points, 2 columns
const FLAG = '🇯🇵';
const E_ACUTE = 'e\u0301'; // e + combining acute: 1 column

test('displayWidth counts terminal columns', () => {
  assert.equal(displayWidth('abc'), 3);
  assert.equal(displayWidth('日本語'), 6);
  assert.equal(displayWidth(FAMILY), 2);
  assert.equal(displayWidth(FLAG), 2);
  assert.equal(displayWidth(E_ACUTE.repeat(3)), 3);
  assert.equal(displayWidth('한국어'), 6);
  assert.equal(displayWidth(''), 0);
});

test('the fast width path agrees with string-width for every BMP and emoji-plane code point', () => {
  // In context, so a character that would join its neighbours into one grapheme is caught too.
  const ranges: [number, number][] = [
    [0x20, 0xd7ff],
    [0xe000, 0xfffd],
    [0x11000, 0x11fff],
    [0x1f000, 0x1faff],
    [0x20000, 0x20fff],
  ];
  let simple = 0;
  for (const [from, to] of ranges) {
    for (let cp = from; cp <= to; cp++) {
      const s = `a${String.fromCodePoint(cp)}日${String.fromCodePoint(cp)}b`;
      if (isSimpleText(s)) simple++;
      assert.equal(displayWidth(s), stringWidth(s), `U+${cp.toString(16)}`);
    }
  }
  assert.ok(simple > 50_000, `the fast path is actually used (${simple} code points)`);
});

test('truncateToWidth never exceeds the width and never cuts a grapheme', () => {
  assert.equal(truncateToWidth('hello world', 8), 'hello w…');
  assert.equal(truncateToWidth('short', 10), 'short');
  assert.equal(truncateToWidth('日本語テキスト', 7), '日本語…');
  assert.equal(truncateToWidth('日本語テキスト', 6), '日本…');
  assert.equal(truncateToWidth(`${FAMILY}${FAMILY}${FAMILY}`, 5), `${FAMILY}${FAMILY}…`);
  assert.equal(truncateToWidth(`${FAMILY}${FAMILY}`, 4), `${FAMILY}${FAMILY}`);
  assert.equal(truncateToWidth(E_ACUTE.repeat(5), 3), `${E_ACUTE}${E_ACUTE}…`);
  assert.equal(truncateToWidth('abcdef', 4, '...'), 'a...');
  assert.equal(truncateToWidth('abcdef', 2, '...'), 'ab');
  assert.equal(truncateToWidth('abc', 0), '');
  for (const s of [`a${FAMILY}b${FLAG}日本${E_ACUTE}x`, '😀'.repeat(10), '\ud83d\ude00ab']) {
    for (let w = 0; w <= displayWidth(s) + 1; w++) {
      const t = truncateToWidth(s, w);
      assert.ok(displayWidth(t) <= w, `${JSON.stringify(t)} wider than ${w}`);
      assert.ok(!/[\ud800-\udbff]$/.test(t.replace(/…$/, '')), 'no lone high surrogate at the cut');
      assert.ok(!/^\u200d|\u200d…?$/.test(t), 'no dangling zero-width joiner');
    }
  }
});

test('padToWidth gives exactly the width, padding after a cut wide character', () => {
  assert.equal(padToWidth('ab', 5), 'ab   ');
  assert.equal(padToWidth('日本語', 5), '日本…');
  assert.equal(padToWidth('日本語', 4), '日… ');
  assert.equal(displayWidth(padToWidth('日本語', 4)), 4);
  for (const s of ['日本語テキスト', `${FAMILY}x${FAMILY}`, 'plain text', '']) {
    for (let w = 0; w < 12; w++) assert.equal(displayWidth(padToWidth(s, w)), w, `${s} @ ${w}`);
  }
});

test('renderBody wraps by display width: every line fits, for CJK, emoji and combining marks', () => {
  const text = [
    '日本語のテキストはスペースがないので長い行になります。中文也没有空格。한국어 문장도 있습니다.',
    `Emoji ${FAMILY} ${FLAG} 😀😀😀😀😀😀😀😀😀😀 and combining ${E_ACUTE.repeat(30)} marks`,
    'Plain English words that should wrap at spaces rather than in the middle of words, normally.',
    'https://example.com/a/very/long/url/without/any/spaces/that/must/be/hard/wrapped/somewhere/ok',
  ].join('\n');
  for (const width of [1, 2, 3, 5, 10, 17, 40, 80]) {
    const lines = renderBody(text, width);
    for (const line of lines) assert.ok(displayWidth(line) <= Math.max(width, 2), `"${line}" is wider than ${width}`);
    if (width >= 2) for (const line of lines) assert.ok(displayWidth(line) <= width, `"${line}" is wider than ${width}`);
    // Nothing lost: the non-space characters come out in order.
    assert.equal(lines.join('').replace(/\s/g, ''), text.replace(/\s/g, ''), `content changed at width ${width}`);
    assert.ok(!lines.slice(0, -1).includes(''), `no empty lines invented at width ${width}`);
  }
});

test('renderBody breaks at spaces when it can and hard-wraps overlong words', () => {
  assert.deepEqual(renderBody('the quick brown fox jumps', 10), ['the quick', 'brown fox', 'jumps']);
  assert.deepEqual(renderBody('abcdefghijklmnopqrstuvwxyz', 10), ['abcdefghij', 'klmnopqrst', 'uvwxyz']);
  assert.deepEqual(renderBody('日本語日本語', 5), ['日本', '語日', '本語']);
  assert.deepEqual(renderBody('see https://example.com/a/long/path ok', 12), ['see', 'https://exam', 'ple.com/a/lo', 'ng/path ok']);
  assert.deepEqual(renderBody('keep  double  spaces here', 14), ['keep  double', 'spaces here']);
  assert.deepEqual(renderBody('a\n\nb', 10), ['a', '', 'b']);
});

test('quoted replies keep their > prefix on every wrapped line', () => {
  const lines = renderBody('> > this is a quoted reply that is long enough to wrap\nnormal', 20);
  assert.ok(lines.length > 3);
  const quoted = lines.slice(0, -1);
  for (const line of quoted) {
    assert.ok(line.startsWith('> > '), JSON.stringify(line));
    assert.ok(displayWidth(line) <= 20);
  }
  assert.equal(lines.at(-1), 'normal');
  assert.equal(quoted.map((l) => l.slice(4)).join(' '), 'this is a quoted reply that is long enough to wrap');
});

test('indented lines keep their indent when wrapped; short lines are untouched', () => {
  assert.deepEqual(renderBody('    indented words wrap here', 16), ['    indented', '    words wrap', '    here']);
  assert.deepEqual(renderBody('  short  spaced ', 40), ['  short  spaced ']);
});

test('renderBody output is inert even for unsanitized input', () => {
  const lines = renderBody('a\u001b]0;pwned\u0007b \u001b[2J c\td\r\n\u009b31me', 10);
  assertInert(lines);
  assert.deepEqual(lines, ['ab  c   d', 'e']); // the tab expanded to column 8
});
