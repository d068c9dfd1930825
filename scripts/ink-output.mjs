// Bundled in place of Ink's build/output.js (see the plugin in build-bundle.mjs). Ink's Output
// lays every frame out as one object per cell, each with its own array of style codes, and turns
// each row back into a string by diffing the style arrays of every pair of neighbouring cells:
// 40–130 ms of CPU per 120x40 frame, most of tmail's first frame. This is the same algorithm
// with the same output, byte for byte (test/unit/ink-output.test.ts compares the two): a cell is
// a glyph and a small number naming its style, the styled characters of a line are remembered
// across frames (list rows come back frame after frame), and the codes between two styles are
// computed once per pair of styles.
import { ansiCodesToString, diffAnsiCodes, reduceAnsiCodesIncremental, styledCharsFromTokens, tokenize } from '@alcalzone/ansi-tokenize';
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import { GraphemeSegmenter } from '../src/text/grapheme-segmenter.ts';

// Bounds of the process-wide caches: a line cache is cleared when full (a 200x50 frame has a few
// hundred lines; 1,500 lines of cells are a few MB), the style tables between frames.
const LINE_LIMIT = 1_500;
const STYLE_LIMIT = 2_000;
const MAX_LINE_LENGTH = 1_024;
const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
// Characters slice-ansi cuts as one column each: a line of only these, cut at or past its end,
// is the line itself (test/unit/ink-output.test.ts checks every one of them).
const PLAIN_NARROW = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25ff]*$/;
// What Ink's tokenizer uses: graphemes, as a terminal draws them (Intl.Segmenter's, created on
// first need: see grapheme-segmenter.ts).
const segmenter = new GraphemeSegmenter(undefined, { granularity: 'grapheme' });

/** Style number → Ink's style codes; number 0 is "no style". */
let styleCodes = [[]];
/** Style key (the codes as a string) → style number. */
let styleIds = new Map([['', 0]]);
/** Line → its cells: glyphs, style numbers, and the columns each glyph takes. */
let lines = new Map();
/** `${style}\u0000${sgr}` → the style after that SGR sequence. */
let afterSgr = new Map();
/** `${line}\u0000${from}\u0000${to}` → Ink's cut of a line that sticks out of a clipped box. */
let slices = new Map();
/** `from * 65536 + to` → the codes that go from one style to the other. */
let transitions = new Map();

function resetCaches() {
  styleCodes = [[]];
  styleIds = new Map([['', 0]]);
  lines = new Map();
  transitions = new Map();
  slices = new Map();
  afterSgr = new Map();
}

function cachedSlice(line, from, to) {
  const key = `${line}\u0000${from}\u0000${to}`;
  let cut = slices.get(key);
  if (cut === undefined) {
    cut = sliceAnsi(line, from, to);
    if (line.length <= MAX_LINE_LENGTH) {
      if (slices.size >= LINE_LIMIT) slices.clear();
      slices.set(key, cut);
    }
  }
  return cut;
}

function styleId(codes) {
  if (codes.length === 0) return 0;
  const key = codes.map((c) => `${c.code}\u0000${c.endCode}`).join('\u0001');
  let id = styleIds.get(key);
  if (id === undefined) {
    id = styleCodes.length;
    styleCodes.push(codes);
    styleIds.set(key, id);
  }
  return id;
}

function transition(from, to) {
  const key = from * 65_536 + to;
  let codes = transitions.get(key);
  if (codes === undefined) {
    codes = from === 0 ? ansiCodesToString(styleCodes[to]) : ansiCodesToString(diffAnsiCodes(styleCodes[from], styleCodes[to]));
    transitions.set(key, codes);
  }
  return codes;
}

/** Index of the `m` ending the SGR sequence at `start` (ESC [ digits and semicolons m), or -1; as Ink's tokenizer. */
function sgrEnd(line, start) {
  for (let i = start + 2; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 109) return i;
    if (c === 59 || (c >= 48 && c <= 57)) continue;
    break;
  }
  return -1;
}

/** The style after `sgr` (one sequence, maybe compound), applied code by code as Ink's styledCharsFromTokens does. */
function applySgr(style, sgr) {
  const key = `${style}\u0000${sgr}`;
  let next = afterSgr.get(key);
  if (next === undefined) {
    let codes = styleCodes[style];
    for (const token of tokenize(sgr)) if (token.type === 'ansi') codes = reduceAnsiCodesIncremental(codes, [token]);
    next = styleId(codes);
    afterSgr.set(key, next);
  }
  return next;
}

/**
 * Ink's tokenize + styledCharsFromTokens for a line whose escapes are all SGR sequences (what
 * Ink's colours produce), walking the same graphemes with the same skipping rule; undefined for
 * anything else (links, stray escapes), which goes to Ink's own functions.
 */
function sgrCells(line) {
  const values = [];
  const styles = [];
  const widths = [];
  let style = 0;
  let codeEnd = 0;
  for (const { segment, index } of segmenter.segment(line)) {
    if (index < codeEnd) continue;
    const c = segment.charCodeAt(0);
    if (c === 27 || c === 155) {
      if (line.charCodeAt(index + 1) !== 91) return undefined;
      const end = sgrEnd(line, index);
      if (end === -1) return undefined;
      style = applySgr(style, line.slice(index, end + 1));
      codeEnd = end + 1;
      continue;
    }
    values.push(segment);
    styles.push(style);
    widths.push(Math.max(1, stringWidth(segment)));
  }
  return { values, styles, widths };
}

function cellsOf(line) {
  let cells = lines.get(line);
  if (cells !== undefined) return cells;
  if (ASCII_PRINTABLE.test(line)) {
    const n = line.length;
    cells = { values: new Array(n), styles: new Array(n).fill(0), widths: new Array(n).fill(1) };
    for (let i = 0; i < n; i++) cells.values[i] = line[i];
  } else if ((cells = sgrCells(line)) === undefined) {
    const chars = styledCharsFromTokens(tokenize(line));
    const n = chars.length;
    cells = { values: new Array(n), styles: new Array(n), widths: new Array(n) };
    for (let i = 0; i < n; i++) {
      const c = chars[i];
      cells.values[i] = c.value;
      cells.styles[i] = styleId(c.styles);
      cells.widths[i] = Math.max(1, stringWidth(c.value));
    }
  }
  if (line.length <= MAX_LINE_LENGTH) {
    if (lines.size >= LINE_LIMIT) lines.clear();
    lines.set(line, cells);
  }
  return cells;
}

class OutputCaches {
  widths = new Map();
  blockWidths = new Map();
  getStringWidth(text) {
    let cached = this.widths.get(text);
    if (cached === undefined) {
      cached = stringWidth(text);
      this.widths.set(text, cached);
    }
    return cached;
  }
  getWidestLine(text) {
    let cached = this.blockWidths.get(text);
    if (cached === undefined) {
      let lineWidth = 0;
      for (const line of text.split('\n')) lineWidth = Math.max(lineWidth, this.getStringWidth(line));
      cached = lineWidth;
      this.blockWidths.set(text, cached);
    }
    return cached;
  }
}

export default class Output {
  width;
  height;
  operations = [];
  caches = new OutputCaches();

  constructor(options) {
    const { width, height } = options;
    this.width = width;
    this.height = height;
  }

  write(x, y, text, options) {
    const { transformers } = options;
    if (!text) return;
    this.operations.push({ type: 'write', x, y, text, transformers });
  }

  clip(clip) {
    this.operations.push({ type: 'clip', clip });
  }

  unclip() {
    this.operations.push({ type: 'unclip' });
  }

  get() {
    // Between frames: no row holds a style number now, so the tables may start again.
    if (styleCodes.length > STYLE_LIMIT) resetCaches();
    // Rows as two parallel arrays (glyph, style number), pre-filled with unstyled spaces like Ink's.
    const values = [];
    const styles = [];
    for (let y = 0; y < this.height; y++) {
      values.push(new Array(this.width).fill(' '));
      styles.push(new Array(this.width).fill(0));
    }
    const clips = [];
    for (const operation of this.operations) {
      if (operation.type === 'clip') clips.push(operation.clip);
      if (operation.type === 'unclip') clips.pop();
      if (operation.type !== 'write') continue;
      const { text, transformers } = operation;
      let { x, y } = operation;
      let textLines = text.split('\n');
      const clip = clips.at(-1);
      if (clip) {
        const clipHorizontally = typeof clip?.x1 === 'number' && typeof clip?.x2 === 'number';
        const clipVertically = typeof clip?.y1 === 'number' && typeof clip?.y2 === 'number';
        if (clipHorizontally) {
          const width = this.caches.getWidestLine(text);
          if (x + width < clip.x1 || x > clip.x2) continue;
        }
        if (clipVertically) {
          const height = textLines.length;
          if (y + height < clip.y1 || y > clip.y2) continue;
        }
        if (clipHorizontally) {
          textLines = textLines.map((line) => {
            const from = x < clip.x1 ? clip.x1 - x : 0;
            const width = this.caches.getStringWidth(line);
            const to = x + width > clip.x2 ? clip.x2 - x : width;
            return from === 0 && to >= width && PLAIN_NARROW.test(line) ? line : cachedSlice(line, from, to);
          });
          if (x < clip.x1) x = clip.x1;
        }
        if (clipVertically) {
          const from = y < clip.y1 ? clip.y1 - y : 0;
          const height = textLines.length;
          const to = y + height > clip.y2 ? clip.y2 - y : height;
          textLines = textLines.slice(from, to);
          if (y < clip.y1) y = clip.y1;
        }
      }
      let offsetY = 0;
      for (let index = 0; index < textLines.length; index++) {
        let line = textLines[index];
        const rowValues = values[y + offsetY];
        // Line can be missing if `text` is taller than the output.
        if (!rowValues) continue;
        const rowStyles = styles[y + offsetY];
        for (const transformer of transformers) line = transformer(line, index);
        const cells = cellsOf(line);
        let offsetX = x;
        for (let i = 0; i < cells.values.length; i++) {
          const style = cells.styles[i];
          rowValues[offsetX] = cells.values[i];
          rowStyles[offsetX] = style;
          const characterWidth = cells.widths[i];
          // A wide glyph: the cells it covers are empty, in its style.
          for (let k = 1; k < characterWidth; k++) {
            rowValues[offsetX + k] = '';
            rowStyles[offsetX + k] = style;
          }
          offsetX += characterWidth;
        }
        offsetY++;
      }
    }
    const rows = [];
    for (let y = 0; y < values.length; y++) {
      const rowValues = values[y];
      const rowStyles = styles[y];
      let out = '';
      let previous = 0;
      let any = false;
      // Holes (a write that started past the end of the row) are skipped, as Ink's filter does.
      for (let i = 0; i < rowValues.length; i++) {
        const value = rowValues[i];
        if (value === undefined) continue;
        const style = rowStyles[i];
        if (style !== previous) out += transition(previous, style);
        out += value;
        previous = style;
        any = true;
      }
      if (any && previous !== 0) out += transition(previous, 0);
      rows.push(out.trimEnd());
    }
    return { output: rows.join('\n'), height: values.length };
  }
}
