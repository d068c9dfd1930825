// A screen as cells: what Ink renders as one string per frame (lines joined by '\n', styles as
// SGR sequences) parsed into a cols x rows grid, each cell a glyph and a style id. A wide glyph
// fills its first cell; the cell after it holds '' (a continuation), as terminals store them.
import stringWidth from 'string-width';
import { isSimpleText } from '../../text/display-width.js';
import { GraphemeSegmenter } from '../../text/grapheme-segmenter.js';
import { applySgr, DEFAULT_STYLE } from './sgr-style.js';
import { safeGlyph } from './safe-glyph.js';

export class ScreenGrid {
  readonly chars: string[];
  readonly styles: Uint32Array;
  /** Cells whose glyph terminals may draw at another width (see safe-glyph.ts). */
  readonly unsure: Uint8Array;

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.chars = new Array<string>(cols * rows).fill(' ');
    this.styles = new Uint32Array(cols * rows);
    this.unsure = new Uint8Array(cols * rows);
  }

  /** Row `y` as plain text (continuation cells left out), for tests. */
  rowText(y: number): string {
    return this.chars.slice(y * this.cols, (y + 1) * this.cols).join('');
  }
}

// CSI (ESC [ … final), OSC (ESC ] … BEL or ST), or any other two-byte escape.
const ESCAPE = /\u001b(?:\[([0-9;:?<=>]*)[ -/]*([@-~])|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_]?)/gy;
const PLAIN = /[\u0020-\u007e]+/y;
const segmenter = new GraphemeSegmenter(undefined, { granularity: 'grapheme' });

function* clusters(s: string): Generator<string> {
  for (const { segment } of segmenter.segment(s)) yield segment;
}

interface CellGlyph {
  text: string;
  width: number;
  unsure: boolean;
}
// Width and glyph of each cluster seen, as Ink measured it: string-width, at least one column.
const cache = new Map<string, CellGlyph>();

function cell(unit: string): CellGlyph {
  let c = cache.get(unit);
  if (!c) {
    const width = Math.min(2, Math.max(1, stringWidth(unit)));
    c = { width, ...safeGlyph(unit, width) };
    if (cache.size > 50_000) cache.clear();
    cache.set(unit, c);
  }
  return c;
}

/** Parses one frame of Ink output; what does not fit in cols x rows is cut off. */
export function parseFrame(frame: string, cols: number, rows: number): ScreenGrid {
  const grid = new ScreenGrid(cols, rows);
  const lines = frame.split('\n');
  let style = DEFAULT_STYLE;
  for (let y = 0; y < rows && y < lines.length; y++) {
    const line = lines[y]!;
    const base = y * cols;
    let x = 0;
    let i = 0;
    const put = (text: string, width: number, unsure: boolean) => {
      if (x + width > cols) {
        // A wide glyph that does not fit: the last column shows blank instead.
        x = cols;
        return;
      }
      grid.chars[base + x] = text;
      grid.styles[base + x] = style;
      if (unsure) grid.unsure[base + x] = 1;
      for (let k = 1; k < width; k++) {
        grid.chars[base + x + k] = '';
        grid.styles[base + x + k] = style;
      }
      x += width;
    };
    while (i < line.length && x < cols) {
      const code = line.charCodeAt(i);
      if (code === 0x1b) {
        ESCAPE.lastIndex = i;
        const m = ESCAPE.exec(line);
        if (!m || m[0].length === 0) {
          i++;
          continue;
        }
        if (m[2] === 'm') style = applySgr(style, m[1] ?? '');
        i += m[0].length;
        continue;
      }
      PLAIN.lastIndex = i;
      const plain = PLAIN.exec(line);
      if (plain) {
        // ASCII text: one cell per character (a following combining mark joins the last one
        // through the segmenter path below, since the run then ends before it).
        let text = plain[0];
        const next = line.charCodeAt(i + text.length);
        if (next >= 0x300 && text.length > 0) text = text.slice(0, -1);
        for (let k = 0; k < text.length && x < cols; k++) put(text[k]!, 1, false);
        i += text.length;
        if (text.length > 0) continue;
      }
      // Non-ASCII: up to the next escape, one grapheme at a time, as Ink laid it out.
      let end = line.indexOf('\u001b', i);
      if (end < 0) end = line.length;
      const run = line.slice(i, end);
      // Text where every code point is a grapheme of its own needs no segmenter.
      const units: Iterable<string> = isSimpleText(run) ? run : clusters(run);
      for (const unit of units) {
        if (x >= cols) break;
        const c = cell(unit);
        put(c.text, c.width, c.unsure);
      }
      i = end;
    }
  }
  return grid;
}
