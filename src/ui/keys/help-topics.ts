// The help overlay's content: the mail screen's keys grouped by topic under headers, then the
// dialog and compose keys, all generated from the key table (so re-bindings show). An action no
// topic names (a new one) still shows, under "Other keys".
import { renderBody } from '../../mime/render-body.js';
import { padToWidth } from '../../text/display-width.js';
import { ACTIONS, displayKey, type KeyTable, MAIN_ACTIONS, type MainAction, SCOPE_TITLES, scopeOf } from './bindings.js';

const TOPICS: [string, MainAction[]][] = [
  ['Moving around', ['down', 'up', 'top', 'bottom', 'pageDown', 'pageUp', 'halfPageDown', 'halfPageUp', 'open', 'back', 'nextPane', 'toggleFolders']],
  ['Jumps', ['nextUnread', 'prevUnread', 'nextThread', 'prevThread', 'nextMessage', 'prevMessage', 'jumpFolder']],
  ['Changing messages', ['toggleRead', 'toggleFlag', 'delete', 'move', 'copy', 'undo']],
  ['Tags: act on many messages (any folders, any accounts)', ['tag', 'tagQuery', 'untagAll', 'tagPrefix']],
  ['Search, filter and order', ['search', 'limit', 'sortOrder', 'threadView', 'command']],
  ['Reading a message', ['fullHeaders', 'rawSource', 'saveAttachment', 'openAttachment', 'viewHtml', 'openUrl', 'pipe']],
  ['Writing', ['compose', 'reply', 'replyAll', 'forward', 'editDraft']],
  ['Folders', ['createFolder', 'renameFolder', 'subscribeFolder']],
  ['Accounts, trace and screen', ['sync', 'switchMode', 'password', 'trace', 'traceZoom', 'help', 'suspend', 'redraw', 'quit']],
];

function keyLine(keys: KeyTable, a: (typeof ACTIONS)[number]): string {
  return `${padToWidth(keys[a].keys.map(displayKey).join(' '), 22)} ${keys[a].description}`;
}

/** The key table as help lines, grouped by topic. */
export function helpLines(keys: KeyTable): string[] {
  const lines: string[] = [];
  const listed = new Set<string>();
  for (const [title, actions] of TOPICS) {
    const present = actions.filter((a) => keys[a] !== undefined);
    if (present.length === 0) continue;
    if (lines.length) lines.push('');
    lines.push(`── ${title}`);
    for (const a of present) {
      lines.push(keyLine(keys, a));
      listed.add(a);
    }
  }
  const rest = MAIN_ACTIONS.filter((a) => !listed.has(a));
  if (rest.length) lines.push('', '── Other keys', ...rest.map((a) => keyLine(keys, a)));
  let scope = 'main';
  for (const a of ACTIONS) {
    if (scopeOf(a) === 'main') continue;
    if (scopeOf(a) !== scope) {
      scope = scopeOf(a);
      lines.push('', `── ${SCOPE_TITLES[scopeOf(a)]}`);
    }
    lines.push(keyLine(keys, a));
  }
  return lines;
}

/** Everything the overlay scrolls through: the last error and note in full, then the keys. */
export function helpContent(keys: KeyTable, width: number, lastError?: string, lastNote?: string): string[] {
  const errorLines = lastError ? [...renderBody(`Last error: ${lastError}`, width - 4), ''] : [];
  const noteLines = lastNote ? [...renderBody(`Last note: ${lastNote}`, width - 4), ''] : [];
  return [...errorLines, ...noteLines, ...helpLines(keys).flatMap((l) => wrapKeyLine(l, width - 4))];
}

const KEY_COLUMN = 23;

/** A description too long for the screen goes on under itself, not cut off (80x24 is 76 wide inside). */
function wrapKeyLine(line: string, width: number): string[] {
  if (line.length <= width || width <= KEY_COLUMN + 10) return [line];
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= KEY_COLUMN) cut = width;
    out.push(rest.slice(0, cut));
    rest = ' '.repeat(KEY_COLUMN) + rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}

/** Rows of content the overlay shows at `height` (its border and title take four). */
export const helpRows = (height: number): number => Math.max(1, height - 4);

/** The furthest scroll that still fills the overlay. */
export function maxHelpScroll(lineCount: number, height: number): number {
  return Math.max(0, lineCount - helpRows(height));
}
