// Widths as the layout measures them (displayWidth, string-width rules) and what the renderer
// sends for each grapheme cluster so that a terminal that measures differently cannot shift the
// row: emoji sequences become their base emoji padded to the planned width, flags and combining
// marks pass, clusters terminals disagree on (Indic conjuncts) are drawn "unsure" (blanked and
// followed by an explicit cursor position).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayWidth, padToWidth, truncateToWidth } from '../../src/text/display-width.js';
import { safeGlyph } from '../../src/ui/terminal/safe-glyph.js';
import { parseFrame } from '../../src/ui/terminal/screen-grid.js';

// cluster, layout width, what the renderer sends, unsure
const TABLE: [string, string, number, string, boolean][] = [
  ['ASCII letter', 'a', 1, 'a', false],
  ['CJK ideograph', '中', 2, '中', false],
  ['Hangul syllable', '한', 2, '한', false],
  ['Hangul from jamo L V T', '\u1100\u1161\u11a8', 2, '\u1100\u1161\u11a8', false],
  ['fullwidth Latin', 'ｆ', 2, 'ｆ', false],
  ['combining acute', 'e\u0301', 1, 'e\u0301', false],
  ['two combining marks', 'a\u0308\u0301', 1, 'a\u0308\u0301', false],
  ['emoji', '👍', 2, '👍', false],
  ['emoji + skin tone (tmux: 4 columns)', '👍🏽', 2, '👍', false],
  ['flag (two regional indicators)', '🇩🇪', 2, '🇩🇪', false],
  ['lone regional indicator', '🇩', 1, '?', false],
  ['ZWJ family', '👨‍👩‍👧', 2, '👨', false],
  ['ZWJ rainbow flag (tmux: 1 column)', '🏳️‍🌈', 2, '🏳 ', false],
  ['VS16 on a text heart (tmux: 1)', '❤️', 2, '❤ ', false],
  ['VS15 on a text smiley', '☺︎', 1, '☺', false],
  ['keycap (tmux: 1)', '1️⃣', 2, '1 ', false],
  ['tag sequence flag', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', 2, '🏴', false],
  ['Devanagari with vowel sign', 'कि', 2, 'कि', true],
  ['Devanagari conjunct (tmux: 2, string-width: 1)', 'क्ष', 1, 'क्ष', true],
  ['zero-width space', '\u200b', 1, ' ', false],
  ['soft hyphen', '\u00ad', 1, ' ', false],
];

test('width table: layout width, glyph sent, unsure flag', () => {
  for (const [what, cluster, width, sent, unsure] of TABLE) {
    const layout = Math.max(1, displayWidth(cluster));
    assert.equal(layout, width, `${what}: layout width`);
    const g = safeGlyph(cluster, width);
    assert.equal(g.text, sent, `${what}: glyph sent`);
    assert.equal(g.unsure, unsure, `${what}: unsure`);
    if (!unsure) assert.equal(displayWidth(g.text), width, `${what}: the glyph sent fills exactly the planned width`);
  }
});

test('a row with every cluster of the table keeps its planned width', () => {
  const row = TABLE.map(([, c]) => c).join('|');
  const grid = parseFrame(row, 200, 1);
  // The '|' separators land exactly where the layout put them.
  let x = 0;
  for (const [what, , w] of TABLE.slice(0, -1)) {
    x += w;
    assert.equal(grid.chars[x], '|', `separator after ${what} at column ${x}`);
    x += 1;
  }
});

test('truncate and pad never cut inside a cluster and land on the exact width', () => {
  for (const [, cluster] of TABLE) {
    const s = `ab${cluster}${cluster}cd`;
    for (let w = 0; w <= displayWidth(s) + 1; w++) {
      const t = truncateToWidth(s, w);
      assert.ok(displayWidth(t) <= w, `${JSON.stringify(s)} at ${w}`);
      assert.equal(displayWidth(padToWidth(s, w)), w);
      assert.ok(!/[\ud800-\udbff]$/.test(t.replace(/…$/, '')), 'no half surrogate pair');
    }
  }
});

test('a halfwidth katakana and its voiced mark are one grapheme: measured as Ink does, and never cut apart', async () => {
  const { default: stringWidth } = await import('string-width');
  for (const s of ['ｶﾞ', 'ﾊﾟ', 'ｶﾞｷﾞｸﾞ']) assert.equal(displayWidth(s), stringWidth(s), s);
  // Two columns each (the mark has its own cell); 3 columns hold one whole grapheme, not ｶﾞｷ.
  assert.equal(truncateToWidth('ｶﾞｷﾞ', 3, ''), 'ｶﾞ');
});
