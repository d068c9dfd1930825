// A tiny terminal for unit tests of the cell renderer: it understands exactly what a terminal
// must understand of our output (cursor position, clear, SGR, text with autowrap off) and keeps
// a cell grid, so a test can compare "what the screen shows" with "what the frame says".
import stringWidth from 'string-width';
import { applySgr, DEFAULT_STYLE } from '../../src/ui/terminal/sgr-style.js';

export class VirtualTerminal {
  chars: string[];
  styles: number[];
  private x = 0;
  private y = 0;
  private style = DEFAULT_STYLE;
  private readonly segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.chars = new Array<string>(cols * rows).fill(' ');
    this.styles = new Array<number>(cols * rows).fill(DEFAULT_STYLE);
  }

  write(data: string): void {
    const re = /\u001b\[([0-9;?]*)([A-Za-z])|([^\u001b]+)/gy;
    let m: RegExpExecArray | null;
    while (re.lastIndex < data.length && (m = re.exec(data))) {
      if (m[3] !== undefined) {
        this.text(m[3]);
        continue;
      }
      const params = m[1]!;
      const final = m[2]!;
      if (params.startsWith('?')) continue; // modes: sync output, autowrap, cursor visibility
      const n = params.split(';').map((p) => (p === '' ? undefined : Number(p)));
      if (final === 'H') {
        this.y = Math.min(this.rows - 1, (n[0] ?? 1) - 1);
        this.x = Math.min(this.cols - 1, (n[1] ?? 1) - 1);
      } else if (final === 'J' && n[0] === 2) {
        this.chars.fill(' ');
        this.styles.fill(DEFAULT_STYLE); // our renderer resets the style before clearing
      } else if (final === 'm') {
        this.style = applySgr(this.style, params);
      } else throw new Error(`unexpected escape ${JSON.stringify(m[0])}`);
    }
    if (re.lastIndex < data.length) throw new Error(`unparsed output at ${re.lastIndex}`);
  }

  private text(s: string): void {
    for (const { segment } of this.segmenter.segment(s)) {
      const w = Math.max(1, stringWidth(segment));
      if (this.x + w > this.cols) {
        this.x = this.cols - 1; // autowrap off: the last column is overwritten
        if (w > 1) continue;
      }
      const i = this.y * this.cols + this.x;
      // Drawing over half of a wide glyph erases the other half, as terminals do.
      if (this.chars[i] === '' && this.x > 0) this.chars[i - 1] = ' ';
      this.chars[i] = segment;
      this.styles[i] = this.style;
      for (let k = 1; k < w; k++) {
        this.chars[i + k] = '';
        this.styles[i + k] = this.style;
      }
      if (this.x + w < this.cols && this.chars[i + w] === '') this.chars[i + w] = ' ';
      this.x = Math.min(this.cols - 1, this.x + w);
    }
  }
}
