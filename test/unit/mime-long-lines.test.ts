// One very long line in any script must wrap correctly and in linear time: wrapping used to
// re-measure the rest of the line for every cut (a 400k-character CJK line took 44 s).
// No wall-clock assertion here (the machine is shared); `npm run bench` has the timings. A
// quadratic wrap of these inputs takes minutes, which the test runner's timeout catches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayWidth, renderBody } from '../../src/mime/index.js';

const SCRIPTS: [string, string][] = [
  ['ASCII without spaces', 'abcdefghij'],
  ['CJK', '漢字かな交じり文'],
  ['emoji ZWJ sequences and flags', '👩‍👩‍👧😀🇩🇪'],
  ['combining marks', 'e\u0301\u0302a\u0308'],
  ['Thai', 'ภาษาไทย'],
  ['Hangul jamo', '\u1100\u1161\u11a8'],
  ['Arabic', 'مرحبا بالعالم'],
];

for (const [name, unit] of SCRIPTS) {
  test(`a 200k-character line of ${name} wraps: every line fits, nothing lost`, { timeout: 120_000 }, () => {
    const text = unit.repeat(Math.ceil(200_000 / unit.length));
    const width = 76;
    const lines = renderBody(text, width);
    assert.ok(lines.length > 1);
    for (const l of lines.slice(0, 200)) assert.ok(displayWidth(l) <= width, `too wide: ${l}`);
    // Hard-wrapped without spaces: the pieces are the text itself, in order.
    if (!unit.includes(' ')) assert.equal(lines.join(''), text);
  });
}

test('a cut never splits a grapheme: ZWJ families and flags stay whole across line ends', () => {
  const text = '👩‍👩‍👧🇩🇪'.repeat(5000);
  for (const l of renderBody(text, 7)) assert.match(l, /^(?:👩‍👩‍👧|🇩🇪)+$/u);
});

test('a grapheme with thousands of combining marks stays on one line', () => {
  const zalgo = `a${'\u0301'.repeat(5000)}`;
  assert.deepEqual(renderBody(`${zalgo}bc`, 10), [`${zalgo}bc`]);
});
