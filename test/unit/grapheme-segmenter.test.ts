// GraphemeSegmenter splits text in which no character can join a neighbour by code points,
// without creating an Intl.Segmenter: it must give Intl.Segmenter's graphemes for every such text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphemeSegmenter, splitsByCodePoint } from '../../src/text/grapheme-segmenter.js';

const intl = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const segments = (it: Iterable<Intl.SegmentData>) => [...it].map(({ segment, index }) => [segment, index] as const);

/** Every code point of planes 0 and 1 and samples above that splitsByCodePoint lets through. */
function simpleCodePoints(): string[] {
  const out: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp += cp < 0x20000 ? 1 : 97) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (splitsByCodePoint(ch)) out.push(ch);
  }
  return out;
}

test('text it splits by code points has the graphemes Intl.Segmenter finds (every neighbour order tried)', () => {
  const chars = simpleCodePoints();
  assert.ok(chars.length > 100_000, `only ${chars.length} code points`);
  // A fixed shuffle, so every kind of character meets every other kind somewhere.
  const shuffled = [...chars];
  let seed = 42;
  for (let i = shuffled.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const orders = [chars, chars.flatMap((c) => [c, c]), [...chars].reverse(), shuffled];
  // Pieces of 100 characters that overlap by one, so every neighbouring pair is in one (Intl.Segmenter
  // is quadratic in the length of a string).
  const texts = orders.flatMap((order) => Array.from({ length: Math.ceil(order.length / 100) }, (_, k) => order.slice(k * 100, k * 100 + 101).join('')));
  for (const text of texts) {
    assert.ok(splitsByCodePoint(text));
    const ours = segments(new GraphemeSegmenter(undefined, { granularity: 'grapheme' }).segment(text));
    const theirs = segments(intl.segment(text));
    assert.equal(ours.length, theirs.length);
    for (let i = 0; i < ours.length; i++) assert.deepEqual(ours[i], theirs[i], `segment ${i}: U+${ours[i]![0].codePointAt(0)!.toString(16)}`);
  }
});

test('text with joining characters goes to Intl.Segmenter', () => {
  for (const text of ['e\u0301', '👍🏽', '🇩🇪', 'x\u200dy', '\u2764\ufe0f', '\r\n', '\u1100\u1161', 'क्ष', '\u0600\u0661', 'a\u0e33']) {
    assert.equal(splitsByCodePoint(text), false, JSON.stringify(text));
    const s = new GraphemeSegmenter();
    assert.deepEqual(segments(s.segment(`ab${text}c`)), segments(intl.segment(`ab${text}c`)), JSON.stringify(text));
  }
});

test('no Intl.Segmenter is created for simple text; one is for text that needs it', () => {
  const s = new GraphemeSegmenter();
  const real = () => (s as unknown as { real?: Intl.Segmenter }).real;
  assert.deepEqual(segments(s.segment('Zoë 🚀 Launch 会議')), segments(intl.segment('Zoë 🚀 Launch 会議')));
  assert.equal(real(), undefined);
  s.segment('👍🏽');
  assert.ok(real() instanceof Intl.Segmenter);
});

test('containing() and other granularities behave as Intl.Segmenter', () => {
  const text = 'a🎉日\u0000b';
  const ours = new GraphemeSegmenter().segment(text);
  for (let i = -1; i <= text.length; i++) assert.deepEqual(ours.containing(i), intl.segment(text).containing(i), `index ${i}`);
  const words = new GraphemeSegmenter('en', { granularity: 'word' });
  assert.deepEqual(segments(words.segment('two words')), segments(new Intl.Segmenter('en', { granularity: 'word' }).segment('two words')));
  assert.equal(words.resolvedOptions().granularity, 'word');
  assert.throws(() => new GraphemeSegmenter(undefined, { granularity: 'letters' as 'word' }), RangeError);
});
