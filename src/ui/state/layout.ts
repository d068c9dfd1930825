// Pane geometry from the terminal size. Wide terminals get three columns (the list the widest);
// from 60 columns a narrow folder pane beside the list (collapsible), the reader taking the whole
// width while it is open; below that one pane at a time, so nothing is clipped at 40x10.
import type { Pane } from './types.js';

export interface Rect {
  width: number;
  height: number;
}
export interface Layout {
  mode: 'columns' | 'sidebar' | 'single';
  folders?: Rect;
  list?: Rect;
  reader?: Rect;
  /** Height of the main area (everything but the status line). */
  mainHeight: number;
}

export const NARROW_COLS = 60;
const COLUMNS_COLS = 150;

export function computeLayout(cols: number, rows: number, focus: Pane, readerOpen: boolean, foldersHidden = false): Layout {
  // One spare line under the panes (kept from when Ink cleared the screen for a full-height frame).
  const mainHeight = Math.max(3, rows - 2);
  const shown: Pane = focus === 'reader' && !readerOpen ? 'list' : focus;
  if (cols < NARROW_COLS) {
    return { mode: 'single', mainHeight, [shown]: { width: cols, height: mainHeight } };
  }
  if (cols >= COLUMNS_COLS) {
    const folderWidth = Math.min(30, Math.max(18, Math.floor(cols * 0.15)));
    const rest = cols - folderWidth;
    // The list gets the room; the reader enough for a 72-column mail and its border.
    const readerWidth = Math.max(50, Math.min(80, Math.floor(rest * 0.4)));
    return {
      mode: 'columns',
      mainHeight,
      folders: { width: folderWidth, height: mainHeight },
      list: { width: rest - readerWidth, height: mainHeight },
      reader: { width: readerWidth, height: mainHeight },
    };
  }
  if (shown === 'reader') return { mode: 'sidebar', mainHeight, reader: { width: cols, height: mainHeight } };
  if (foldersHidden && shown !== 'folders') return { mode: 'sidebar', mainHeight, list: { width: cols, height: mainHeight } };
  const folderWidth = Math.min(26, Math.max(16, Math.floor(cols * 0.27)));
  return {
    mode: 'sidebar',
    mainHeight,
    folders: { width: folderWidth, height: mainHeight },
    list: { width: cols - folderWidth, height: mainHeight },
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
