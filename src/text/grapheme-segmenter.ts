// Intl.Segmenter for graphemes, without its start-up cost when the text does not need it. The
// first Intl.Segmenter a process creates costs ~30 ms of CPU (ICU loads its break rules), and
// several modules on the first frame's path (tmail's, Ink's, slice-ansi, ansi-tokenize,
// string-width) create one when they load; the bundle gives them this one instead
// (scripts/build-bundle.mjs). It creates the real segmenter on the first string that needs it:
// text in which no character can join a neighbour (no marks, joiners, variation selectors, emoji
// modifiers, regional indicators, Hangul jamo, CR, or the few Prepend/SpacingMark letters) has
// one grapheme per code point, and that is split here. test/unit/grapheme-segmenter.test.ts
// checks it against Intl.Segmenter for every code point. Other granularities go to Intl.Segmenter.
const RealSegmenter = Intl.Segmenter;

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
// What may join its neighbours into one grapheme (UAX #29: Extend, ZWJ, SpacingMark, Prepend,
// Regional_Indicator, Hangul L/V/T, CR, Kirat Rai's vowel signs), generously: every mark, format
// and default-ignorable character, and lone surrogates.
const JOINERS =
  /[\r\p{Cf}\p{M}\p{Grapheme_Extend}\p{Default_Ignorable_Code_Point}\p{Cs}\p{Regional_Indicator}\p{Emoji_Modifier}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\u0e33\u0eb3\u0d4e\u{111c2}\u{111c3}\u{1193f}\u{11941}\u{11a3a}\u{11a84}-\u{11a89}\u{11d46}\u{113d1}\u{11f02}\u{16d63}\u{16d67}-\u{16d6a}]/u;

/** True when every code point of `s` is a grapheme of its own. */
export function splitsByCodePoint(s: string): boolean {
  return ASCII_PRINTABLE.test(s) || !JOINERS.test(s);
}

type Segment = Intl.SegmentData;

/** What Intl.Segmenter's segment() returns, for text with one grapheme per code point. */
class CodePointSegments implements Iterable<Segment> {
  constructor(private readonly input: string) {}

  *[Symbol.iterator](): Generator<Segment> {
    const input = this.input;
    for (let index = 0; index < input.length; ) {
      const length = input.codePointAt(index)! > 0xffff ? 2 : 1;
      yield { segment: input.slice(index, index + length), index, input };
      index += length;
    }
  }

  containing(codeUnitIndex = 0): Segment | undefined {
    const input = this.input;
    let index = Math.trunc(Number(codeUnitIndex)) || 0;
    if (index < 0 || index >= input.length) return undefined;
    if (index > 0 && input.codePointAt(index - 1)! > 0xffff) index--;
    const length = input.codePointAt(index)! > 0xffff ? 2 : 1;
    return { segment: input.slice(index, index + length), index, input };
  }
}

export class GraphemeSegmenter {
  private real: Intl.Segmenter | undefined;
  private readonly graphemes: boolean;

  constructor(
    private readonly locales?: string | string[],
    private readonly options?: Intl.SegmenterOptions,
  ) {
    this.graphemes = options?.granularity === undefined || options.granularity === 'grapheme';
    // Other granularities, or options Intl.Segmenter would reject: the real one now (same errors).
    if (!this.graphemes || (options !== undefined && (typeof options !== 'object' || options === null))) this.get();
  }

  private get(): Intl.Segmenter {
    this.real ??= new RealSegmenter(this.locales, this.options);
    return this.real;
  }

  segment(input: string): Intl.Segments | CodePointSegments {
    const s = String(input);
    if (this.graphemes && splitsByCodePoint(s)) return new CodePointSegments(s);
    return this.get().segment(s);
  }

  resolvedOptions(): Intl.ResolvedSegmenterOptions {
    return this.get().resolvedOptions();
  }

  static supportedLocalesOf(locales: string | string[], options?: { localeMatcher?: 'lookup' | 'best fit' }): string[] {
    return RealSegmenter.supportedLocalesOf(locales, options);
  }
}
