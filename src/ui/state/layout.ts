// Pane geometry from the terminal size. Wide terminals get three columns, medium ones the list
// above the reader, and narrow ones (< 100 columns) one pane at a time so nothing is clipped.
import type { Pane } from './types.js';

export interface Rect { width: number; height: number }
export interface Layout {
  mode: 'columns' | 'stacked' | 'single';
  folders?: Rect;
  list?: Rect;
  reader?: Rect;
  /** Height of the main area (everything but the status line). */
  mainHeight: number;
}

export const NARROW_COLS = 100;
const COLUMNS_COLS = 150;

export function computeLayout(cols: number, rows: number, focus: Pane, readerOpen: boolean): Layout {
  // Ink clears the whole screen on every frame once its output reaches the terminal's height,
  // which flickers; one spare line avoids that.
  const mainHeight = Math.max(3, rows - 2);
  if (cols < NARROW_COLS) {
    const rect = { width: cols, height: mainHeight };
    const pane: Pane = focus === 'reader' && !readerOpen ? 'list' : focus;
    return { mode: 'single', mainHeight, [pane]: rect };
  }
  const folderWidth = Math.min(30, Math.max(18, Math.floor(cols * 0.18)));
  const rest = cols - folderWidth;
  if (cols >= COLUMNS_COLS) {
    const listWidth = Math.floor(rest * 0.5);
    return {
      mode: 'columns',
      mainHeight,
      folders: { width: folderWidth, height: mainHeight },
      list: { width: listWidth, height: mainHeight },
      reader: { width: rest - listWidth, height: mainHeight },
    };
  }
  const listHeight = Math.max(5, Math.floor(mainHeight * 0.4));
  return {
    mode: 'stacked',
    mainHeight,
    folders: { width: folderWidth, height: mainHeight },
    list: { width: rest, height: listHeight },
    reader: { width: rest, height: mainHeight - listHeight },
  };
}

/** Rows the trace pane takes at the bottom of the main area: a third, at least 5, panes keep 3. */
export function tracePaneRows(rows: number): number {
  const main = Math.max(3, rows - 2);
  return Math.max(0, Math.min(Math.max(5, Math.floor(main / 3)), main - 3));
}

/** The terminal rows the folder/list/reader layout gets: all of them, or less the trace pane. */
export function panesRows(rows: number, traceOpen: boolean): number {
  return traceOpen ? rows - tracePaneRows(rows) : rows;
}

/** Rows of messages visible in the list pane (its height minus the border). */
export function listPageSize(cols: number, rows: number, focus: Pane, readerOpen: boolean): number {
  const l = computeLayout(cols, rows, 'list', readerOpen);
  void focus;
  return Math.max(1, (l.list?.height ?? rows) - 2);
}

/** Text columns available for the message body in the reader pane. */
export function readerTextWidth(cols: number, rows: number): number {
  const l = computeLayout(cols, rows, 'reader', true);
  return Math.max(10, (l.reader?.width ?? cols) - 4);
}

export function readerTextHeight(cols: number, rows: number): number {
  const l = computeLayout(cols, rows, 'reader', true);
  return Math.max(1, (l.reader?.height ?? rows) - 2);
}
