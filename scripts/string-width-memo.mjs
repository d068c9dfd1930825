// Bundled in place of string-width for every importer (Ink's output and layout, wrap-ansi,
// slice-ansi, tmail's own code): see the plugin in build-bundle.mjs. string-width tests each
// grapheme of a non-ASCII string against /^\p{RGI_Emoji}$/v (~0.2 ms for a line with an emoji),
// and Ink measures every line and every character of every frame again, with caches that live
// for one frame. The same lines and characters come back frame after frame, so widths are
// remembered for the whole process: bounded, cleared when full; long strings and calls with
// options go straight through.
//
// A string's width is the sum of its graphemes' widths (string-width measures each grapheme on
// its own), so graphemes are remembered too. A grapheme of one code point matches RGI_Emoji
// exactly when the code point has Emoji_Presentation (the RGI singletons; regional indicators
// aside): then it is 2 columns,
// else string-width's rule for everything else, East Asian Width when visible. That spares the
// first frame the RGI_Emoji expression (~0.1 s of CPU to build; the bundle builds it on first use,
// for emoji sequences). test/unit/string-width-memo.test.ts checks code points one by one and
// mixed strings against string-width itself.
import { eastAsianWidth } from 'get-east-asian-width';
import stringWidth from 'string-width';
import stripAnsi from 'strip-ansi';
import { GraphemeSegmenter } from '../src/text/grapheme-segmenter.ts';

const LIMIT = 20_000;
const MAX_LENGTH = 512;
const FIRST_EMOJI_PRESENTATION = 0x231a;
const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
// string-width's test for a printing character.
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
const VISIBLE = /[^\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}\p{Surrogate}]/v;
const NARROW_AMBIGUOUS = { ambiguousAsWide: false };
// Intl.Segmenter's graphemes, created on first need (see grapheme-segmenter.ts).
const segmenter = new GraphemeSegmenter();
const widths = new Map();
const graphemeWidths = new Map();

function graphemeWidth(grapheme) {
  let width = graphemeWidths.get(grapheme);
  if (width === undefined) {
    const codePoint = grapheme.codePointAt(0);
    // Emoji sequences, and lone regional indicators (Emoji_Presentation, but not RGI on their own).
    if (grapheme.length !== (codePoint > 0xffff ? 2 : 1) || (codePoint >= 0x1f1e6 && codePoint <= 0x1f1ff)) width = stringWidth(grapheme);
    else if (!VISIBLE.test(grapheme)) width = 0;
    else if (codePoint >= FIRST_EMOJI_PRESENTATION && EMOJI_PRESENTATION.test(grapheme)) width = 2;
    else width = eastAsianWidth(codePoint, NARROW_AMBIGUOUS);
    if (graphemeWidths.size >= LIMIT) graphemeWidths.clear();
    graphemeWidths.set(grapheme, width);
  }
  return width;
}

function measure(input) {
  if (ASCII_PRINTABLE.test(input)) return input.length;
  // Escape sequences are stripped from the whole string first, as string-width does. Ink's styled
  // text (a bold label, a coloured flag) reaches here with its SGR codes: measured grapheme by
  // grapheme like the rest, not by string-width, whose emoji expression costs ~0.1 s to build and
  // ~10 µs per grapheme (the reader's first frame measured its list rows that way: 36–250 ms).
  const text = input.includes('\u001b') || input.includes('\u009b') ? stripAnsi(input) : input;
  if (text !== input && ASCII_PRINTABLE.test(text)) return text.length;
  let width = 0;
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

export default function cachedStringWidth(input, options) {
  if (options !== undefined || typeof input !== 'string' || input.length > MAX_LENGTH) return stringWidth(input, options);
  let width = widths.get(input);
  if (width === undefined) {
    width = measure(input);
    if (widths.size >= LIMIT) widths.clear();
    widths.set(input, width);
  }
  return width;
}
