// What to send to the terminal for one grapheme cluster that the layout gave `width` columns.
// The layout measures with string-width; terminals measure emoji sequences their own way
// (tmux 3.3: 👍🏽 is 4 columns, ❤️ and 🏳️‍🌈 are 1, 1️⃣ is 1; most GUI terminals: 2) and a
// cluster drawn wider than planned pushes the rest of its row over the edge. So:
// - emoji sequences (ZWJ, skin tones, variation selectors, keycaps, tags) are replaced by their
//   base emoji, padded with spaces to the planned width: every terminal agrees on those;
// - flags (two regional indicators) stay: 2 columns in every terminal we know; a lone regional
//   indicator becomes '?';
// - a letter with combining marks, and Hangul syllables from jamo, stay (0-width marks);
// - other clusters whose width terminals disagree on (Indic conjuncts) are sent as they are
//   but flagged `unsure`: the renderer blanks their cells first and positions the cursor
//   explicitly after them, so a terminal that disagrees cannot shift the rest of the row.
// - invisible code points (controls, format characters) become spaces: a cell must show something.
export interface Glyph {
  text: string;
  unsure: boolean;
}

const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{M}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]$/u;
const REGIONAL = /^\p{Regional_Indicator}$/u;
// The joiners and modifiers (ZWJ, VS15/VS16, the keycap mark) stand as alternatives: inside a class
// a combining character would read as part of the one before it.
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u{e0020}-\u{e007f}]|\u{200d}|\u{fe0e}|\u{fe0f}|\u{20e3}/u;
const MARKS_ONLY = /^\P{M}[\p{Mn}\p{Me}]+$/u;
const HANGUL_JAMO = /^[\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]+$/u;

function pad(text: string, textWidth: number, width: number): Glyph {
  return { text: text + ' '.repeat(Math.max(0, width - textWidth)), unsure: false };
}

/** `cluster` is one grapheme; `width` its columns in the layout (1 or 2). */
export function safeGlyph(cluster: string, width: number): Glyph {
  const first = String.fromCodePoint(cluster.codePointAt(0)!);
  if (first.length === cluster.length) {
    if (INVISIBLE.test(cluster)) return pad('', 0, width);
    if (REGIONAL.test(cluster)) return pad('?', 1, width);
    return { text: cluster, unsure: false };
  }
  const points = [...cluster];
  if (points.length === 2 && REGIONAL.test(points[0]!) && REGIONAL.test(points[1]!)) return { text: cluster, unsure: false };
  if (EMOJI.test(cluster)) {
    // The base emoji in its own default presentation: wide emoji are 2 columns everywhere,
    // text-style symbols (❤, ☺, digits of keycaps) 1.
    const baseWidth = /\p{Emoji_Presentation}/u.test(first) ? 2 : 1;
    if (baseWidth > width) return pad('?', 1, width);
    return pad(first, baseWidth, width);
  }
  if (MARKS_ONLY.test(cluster) || HANGUL_JAMO.test(cluster)) return { text: cluster, unsure: false };
  return { text: cluster, unsure: true };
}
