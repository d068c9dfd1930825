// The bytes that turn a terminal showing grid `prev` into one showing grid `next`: only changed
// cells are written, the cursor is moved between runs of them (or walks over a short unchanged
// gap when that is cheaper), and styles change by the shortest SGR sequence. Autowrap must be
// off (DECAWM, CSI ? 7 l) while this output is used: the last column then never scrolls.
import { DEFAULT_STYLE, sgrTransition } from './sgr-style.js';
import { ScreenGrid } from './screen-grid.js';

function moveTo(y: number, x: number): string {
  if (x === 0) return y === 0 ? '\u001b[H' : `\u001b[${y + 1}H`;
  return `\u001b[${y + 1};${x + 1}H`;
}

/** Terminal output that turns `prev` (undefined: an unknown screen) into `next`. */
export function diffGrids(prev: ScreenGrid | undefined, next: ScreenGrid): string {
  const { cols, rows } = next;
  const full = !prev || prev.cols !== cols || prev.rows !== rows;
  const before = full ? new ScreenGrid(cols, rows) : prev;
  // A full redraw starts from a cleared screen in the default style.
  let out = full ? '\u001b[m\u001b[H\u001b[2J' : '';
  let style = full ? DEFAULT_STYLE : -1; // -1: unknown, as another program may have changed it
  let cy = full ? 0 : -1;
  let cx = full ? 0 : -1;
  for (let y = 0; y < rows; y++) {
    const base = y * cols;
    let force = 0; // cells after an unsure glyph are rewritten: it may have drawn over them
    for (let x = 0; x < cols; x++) {
      const i = base + x;
      const changed = force > 0 || next.chars[i] !== before.chars[i] || next.styles[i] !== before.styles[i] || next.unsure[i] !== before.unsure[i];
      if (force > 0) force--;
      if (!changed) continue;
      // Start a wide glyph at its first cell.
      let sx = x;
      if (next.chars[i] === '' && x > 0) sx = x - 1;
      if (cy !== y || cx !== sx) {
        const gap = cy === y && sx > cx ? sx - cx : -1;
        let walked = false;
        if (gap > 0 && gap <= 4) {
          // Rewriting a short unchanged stretch in the current style is shorter than a move.
          let text = '';
          for (let k = cx; k < sx; k++) {
            const ch = next.chars[base + k]!;
            if (next.styles[base + k] !== style || ch.length !== 1 || ch.charCodeAt(0) >= 0x7f) {
              text = '';
              break;
            }
            text += ch;
          }
          if (text) {
            out += text;
            walked = true;
          }
        }
        if (!walked) out += moveTo(y, sx);
        cy = y;
        cx = sx;
      }
      const ci = base + sx;
      const s = next.styles[ci]!;
      if (s !== style) {
        out += style === -1 ? '\u001b[m' + sgrTransition(DEFAULT_STYLE, s) : sgrTransition(style, s);
        style = s;
      }
      const glyph = next.chars[ci]!;
      let width = 1;
      while (sx + width < cols && next.chars[ci + width] === '') width++;
      if (next.unsure[ci]) {
        // Blank the planned cells, draw the glyph from their start, then place the cursor
        // ourselves: whatever width the terminal gives it, the row continues where planned.
        out += ' '.repeat(width) + moveTo(y, sx) + glyph + moveTo(y, sx + width < cols ? sx + width : sx);
        force = 2;
        cx = sx + width < cols ? sx + width : sx;
      } else {
        out += glyph;
        cx = sx + width;
      }
      if (cx >= cols) cx = -1; // at the right edge the cursor position is the terminal's choice
      x = sx + width - 1;
    }
  }
  if (style !== DEFAULT_STYLE && out) out += '\u001b[m';
  return out;
}
