// Sits between Ink and the terminal. Ink (in its `debug` mode) writes every frame whole to a
// stream of ours; we parse it into cells, compare with what the terminal already shows and
// write only the difference: one write per frame, wrapped in synchronized output (DEC mode
// 2026: terminals that know it show the frame at once, the others ignore it). Frames that
// arrive in the same tick are coalesced. Components stay declarative; the bytes per key go
// from a whole frame (~6.8 kB at 120x40) to the cells that changed.
import { EventEmitter } from 'node:events';
import { diffGrids } from './grid-diff.js';
import { parseFrame, type ScreenGrid } from './screen-grid.js';

export const SYNC_BEGIN = '\u001b[?2026h';
export const SYNC_END = '\u001b[?2026l';
// Only Ink's cursor show/hide arrives here besides frames; we keep the cursor hidden ourselves.
const CURSOR_ONLY = /^(?:\u001b\[\?25[hl])+$/;

export interface TerminalOut {
  write(data: string): unknown;
}

export class CellRenderer {
  private shown: ScreenGrid | undefined;
  private pending: string | undefined;
  private last = '';
  private scheduled = false;
  private paused = false;
  /** Bytes written to the terminal so far (for tests and the bench). */
  bytesWritten = 0;
  /** The stream Ink writes to: sized like the terminal, never a TTY (so Ink adds nothing). */
  readonly inkStdout: NodeJS.WriteStream;

  constructor(
    private readonly out: TerminalOut,
    private cols: number,
    private rows: number,
    private readonly schedule: (fn: () => void) => void = setImmediate,
  ) {
    const stream = new EventEmitter() as EventEmitter & Record<string, unknown>;
    stream.columns = cols;
    stream.rows = rows;
    stream.isTTY = false;
    stream.writable = true;
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      this.submit(String(chunk));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    };
    this.inkStdout = stream as unknown as NodeJS.WriteStream;
  }

  /** A frame from Ink (also: console output that Ink prepends to the frame, which we drop). */
  submit(data: string): void {
    if (CURSOR_ONLY.test(data)) return;
    if (this.last && data !== this.last && data.endsWith(this.last)) return;
    this.last = data;
    this.pending = data;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Draws the newest frame now. */
  flush(): void {
    if (this.paused || this.pending === undefined) return;
    const grid = parseFrame(this.pending, this.cols, this.rows);
    this.pending = undefined;
    const diff = diffGrids(this.shown, grid);
    this.shown = grid;
    if (!diff) return;
    const data = SYNC_BEGIN + diff + SYNC_END;
    this.bytesWritten += Buffer.byteLength(data);
    this.out.write(data);
  }

  /** The terminal's size changed: the next frame is laid out and drawn whole at the new size. */
  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    const s = this.inkStdout as unknown as Record<string, unknown>;
    s.columns = cols;
    s.rows = rows;
    this.shown = undefined;
  }

  /** Forget what the screen shows (after a suspend, or Ctrl-L) and draw the last frame whole. */
  redraw(): void {
    this.shown = undefined;
    this.paused = false;
    if (this.pending === undefined && this.last) this.pending = this.last;
    this.flush();
  }

  /** While the terminal belongs to someone else (editor, shell after Ctrl-Z), nothing is drawn. */
  pause(): void {
    this.paused = true;
  }
}
