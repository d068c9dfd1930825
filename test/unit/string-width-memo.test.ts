// scripts/string-width-memo.mjs stands in for string-width in the bundle and measures some
// graphemes itself, without string-width's emoji expression: it must give string-width's answer
// for every one of them, alone, mixed with emoji and wide text, and asked again (from its caches).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import stringWidth from 'string-width';

const memoUrl = new URL('../../scripts/string-width-memo.mjs', import.meta.url).href;
const memoWidth = (await import(memoUrl)).default as (s: string) => number;

test('each code point measures as string-width measures it (all of planes 0 and 1, samples above)', () => {
  for (let cp = 0; cp <= 0x10ffff; cp += cp < 0x20000 ? 1 : 97) {
    const s = String.fromCodePoint(cp);
    assert.equal(memoWidth(s), stringWidth(s), `U+${cp.toString(16)}`);
    if (cp < 0x3000) assert.equal(memoWidth(`a${s}b`), stringWidth(`a${s}b`), `a U+${cp.toString(16)} b`);
  }
});

test('mixed strings (emoji, flags, wide, combining, zero-width, escapes) measure the same, twice', () => {
  const pieces = [
    'a',
    ' ',
    'é',
    'e\u0301',
    '日本',
    '🎉',
    '👍🏽',
    '🇩🇪',
    '✔',
    '\u2764\ufe0f',
    '❤',
    'ｱ',
    '─',
    '\u200b',
    '\u00ad',
    '\t',
    'x\u200dy',
    '1\u20e3',
    '한',
    '\u1100\u1161',
    '👨‍👩‍👧',
    '\u001b[31m',
    '\u001b[1m',
    '\u001b[22m',
    '\u001b[39m',
    '\u009b7m',
    '\u001b]8;;https://x.test\u0007',
    '\u001b',
    '\u0301',
    '©',
    '©\ufe0f',
    '⌚',
  ];
  let seed = 1;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let n = 0; n < 3000; n++) {
    const s = Array.from({ length: Math.floor(rnd() * 12) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
    assert.equal(memoWidth(s), stringWidth(s), JSON.stringify(s));
    assert.equal(memoWidth(s), stringWidth(s), `${JSON.stringify(s)} again`);
  }
});
