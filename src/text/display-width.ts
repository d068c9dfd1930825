// Terminal column arithmetic for the UI. JavaScript's `length` counts UTF-16 units, which is
// wrong for CJK (2 columns), emoji sequences (one glyph from many code points) and combining
// marks (0 columns). string-width knows the rules and Intl.Segmenter knows where a grapheme
// (user-perceived character) ends, so we never cut a surrogate pair or a ZWJ sequence.
//
// Speed: string-width segments every non-ASCII string with Intl.Segmenter, which costs ~2 µs
// per character (a long Japanese paragraph took milliseconds per line). Most text has no
// character that can join its neighbours into one grapheme; for such "simple" text every code
// point is its own grapheme and its width is its East Asian Width, exactly what string-width
// computes, only without the segmenter. Anything else takes string-width's path.
// (test/unit/mime-render.test.ts checks the two agree for every BMP and emoji-plane code point.)
import { eastAsianWidth } from 'get-east-asian-width';
import stringWidth from 'string-width';
import { GraphemeSegmenter } from './grapheme-segmenter.js';

const graphemes = new GraphemeSegmenter(undefined, { granularity: 'grapheme' });

// string-width tests every grapheme of a non-ASCII string against /^\p{RGI_Emoji}$/v, which
// costs ~0.2 ms a call (and ~150 ms to compile on first use): a list row with one emoji in
// its subject took milliseconds to measure, and the first screen is dozens of such rows. Text
// repeats (the same graphemes, the same senders and subjects in every frame), so widths are
// remembered; bounded, cleared when full.
const CACHE_LIMIT = 20_000;
const widthCache = new Map<string, number>();

function cachedStringWidth(s: string): number {
  let w = widthCache.get(s);
  if (w === undefined) {
    w = stringWidth(s);
    if (widthCache.size >= CACHE_LIMIT) widthCache.clear();
    widthCache.set(s, w);
  }
  return w;
}

const ASCII = /^[\u0020-\u007e]*$/;
// Characters that can be zero-width or join a neighbour into one grapheme: controls, format
// characters, marks, default-ignorables, surrogates, emoji and their modifiers, regional
// indicators, Hangul jamo, and the few letters that are grapheme Prepend/SpacingMark/Extend
// (halfwidth katakana voiced marks, Kirat Rai vowel signs; the list in grapheme-segmenter.ts).
const COMPLEX =
  /[\p{Cc}\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}\p{Cs}\p{Extended_Pictographic}\p{Regional_Indicator}\u{1F3FB}-\u{1F3FF}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\u0e33\u0eb3\u0d4e\u{111c2}\u{111c3}\u{1193f}\u{11941}\u{11a3a}\u{11a84}-\u{11a89}\u{11d46}\u{113d1}\u{11f02}\uff9e\uff9f\u{16d63}\u{16d67}-\u{16d6a}]/u;

/** True when every code point of `s` is a grapheme of its own with a plain East Asian Width. */
export function isSimpleText(s: string): boolean {
  return !COMPLEX.test(s);
}

/** Columns `s` occupies in a terminal. */
export function displayWidth(s: string): number {
  if (ASCII.test(s)) return s.length;
  if (!isSimpleText(s)) return cachedStringWidth(s);
  let width = 0;
  for (const ch of s) width += eastAsianWidth(ch.codePointAt(0)!);
  return width;
}

/** The graphemes of `s` with their widths, the cheap way when the text allows it. */
function* widthUnits(s: string): Generator<{ unit: string; width: number; index: number }> {
  if (isSimpleText(s)) {
    let index = 0;
    for (const ch of s) {
      yield { unit: ch, width: ch.charCodeAt(0) < 0x7f ? 1 : eastAsianWidth(ch.codePointAt(0)!), index };
      index += ch.length;
    }
    return;
  }
  for (const { segment, index } of graphemes.segment(s)) yield { unit: segment, width: cachedStringWidth(segment), index };
}

/**
 * The longest prefix of whole graphemes that fits in `width` columns, and the rest. With
 * `atLeastOne`, a first grapheme wider than `width` is still taken (so a loop always advances).
 */
export function splitAtWidth(s: string, width: number, atLeastOne = false): { head: string; rest: string } {
  let used = 0;
  for (const { unit, width: w, index } of widthUnits(s)) {
    if (used + w > width) {
      if (atLeastOne && index === 0) return { head: unit, rest: s.slice(unit.length) };
      return { head: s.slice(0, index), rest: s.slice(index) };
    }
    used += w;
  }
  return { head: s, rest: '' };
}

/** `s` cut to at most `width` columns, ending in `ellipsis` when something was cut. */
export function truncateToWidth(s: string, width: number, ellipsis = '…'): string {
  const max = Math.max(0, Math.floor(width));
  if (displayWidth(s) <= max) return s;
  const ellipsisWidth = displayWidth(ellipsis);
  if (ellipsisWidth > max) return splitAtWidth(s, max).head;
  return splitAtWidth(s, max - ellipsisWidth).head + ellipsis;
}

/** Exactly `width` columns: truncated with an ellipsis if too wide, else padded with spaces. */
export function padToWidth(s: string, width: number, ellipsis = '…'): string {
  const max = Math.max(0, Math.floor(width));
  const fitted = truncateToWidth(s, max, ellipsis);
  return fitted + ' '.repeat(Math.max(0, max - displayWidth(fitted)));
}
