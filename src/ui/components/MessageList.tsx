import { Text } from 'ink';
import type { MessageSummary } from '../../domain/index.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { modelOf } from '../state/model-words.js';
import { folderTitle } from '../state/folder-rows.js';
import type { UiState } from '../state/types.js';
import { padToWidth } from '../../text/display-width.js';
import type { Theme } from '../theme.js';
import { Pane } from './Pane.js';
import { accountEntry } from '../state/folder-rows.js';
import { taggedHere } from '../state/tags.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

export function formatListDate(d: Date, now = new Date()): string {
  if (Number.isNaN(d.getTime())) return '';
  if (d.toDateString() === now.toDateString()) return `${two(d.getHours())}:${two(d.getMinutes())}`;
  if (d.getFullYear() === now.getFullYear()) return `${MONTHS[d.getMonth()]} ${two(d.getDate())}`;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/**
 * Mutt-style flag column: N unread, D marked deleted (still on the server, e.g. left so by a server
 * that could not expunge it alone), ! flagged, A answered, + has attachments.
 */
export function flagColumn(m: MessageSummary): string {
  return (
    (m.flags.includes('\\Deleted') ? 'D' : m.flags.includes('\\Seen') ? ' ' : 'N') +
    (m.flags.includes('\\Flagged') ? '!' : ' ') +
    (m.hasAttachments ? '+' : m.flags.includes('\\Answered') ? 'A' : ' ')
  );
}

export function senderText(m: MessageSummary): string {
  const a = m.from[0];
  return sanitizeLine(a ? a.name || a.address : '');
}

/** `subjectPrefix`: the thread tree drawn before the subject (see threadPrefix). */
export function formatRow(m: MessageSummary, width: number, subjectPrefix = '', tagged = false): string {
  const dateW = 10;
  const senderW = Math.max(8, Math.min(24, Math.floor(width * 0.25)));
  const subjectW = Math.max(1, width - 3 - 1 - dateW - 1 - senderW - 1);
  return (
    flagColumn(m) +
    (tagged ? '*' : ' ') +
    padToWidth(formatListDate(m.date), dateW) +
    ' ' +
    padToWidth(senderText(m), senderW) +
    ' ' +
    padToWidth(subjectPrefix + sanitizeLine(m.subject), subjectW)
  );
}

/** Deeper replies stop indenting here, so the subject keeps its room on a narrow terminal. */
const MAX_INDENT = 6;
/** How far ahead a row looks for a later sibling (rows not fetched yet end the look). */
const SIBLING_LOOKAHEAD = 60;

/**
 * The tree before a reply's subject: `├─` when another reply to the same parent follows, `└─`
 * for the last one. Works from the cached rows after it only, so the list stays virtualized.
 */
export function threadPrefix(pos: number, rowAt: (pos: number) => MessageSummary | undefined): string {
  const depth = rowAt(pos)?.threadDepth ?? 0;
  if (depth <= 0) return '';
  let last = true;
  for (let p = pos + 1; p <= pos + SIBLING_LOOKAHEAD; p++) {
    const d = rowAt(p)?.threadDepth;
    if (d === undefined || d < depth) break;
    if (d === depth) {
      last = false;
      break;
    }
  }
  return '  '.repeat(Math.min(depth, MAX_INDENT) - 1) + (last ? '└─' : '├─');
}

/**
 * Rows end with where the message lives, so the model shows in the list itself: `server` (IMAP:
 * the message and its flags are on the server), `local` (POP3, deleted from the server) or
 * `+server` (POP3, a copy is still there) — side by side when an IMAP account shows its local cache.
 */
export function locationTag(m: MessageSummary): string {
  if (m.location.kind !== 'local') return 'server';
  return m.location.onServer ? '+server' : 'local';
}

const TAG_WIDTH = 7;

/**
 * The selected row is inverse and also starts with `>`, so the cursor stays visible where a
 * terminal (or TERM=dumb) shows no attributes at all.
 *
 * Virtualized: only the rows between listTop and listTop+height are ever built, whatever the
 * folder size. `rowAt` reads the window cache; rows still in flight show a placeholder.
 */
export function MessageList(props: {
  state: UiState;
  width: number;
  height: number;
  theme: Theme;
  count: number;
  rowAt: (pos: number) => MessageSummary | undefined;
  /** A collapsed thread's row: how many messages it holds, whether some are unread. */
  collapsedAt?: (pos: number) => { size: number; unread: boolean } | undefined;
}) {
  const { state, width, height, theme, count, rowAt, collapsedAt } = props;
  const inner = width - 2;
  const visible = height - 2;
  const focused = state.focus === 'list';
  const cur = state.current;
  const lines = [];
  // The tag mark (`*` after the flags) of the folder's tagged messages.
  const tags = new Set(taggedHere(state));
  if (!cur) {
    lines.push(<Text key="none">{padToWidth('No folder open', inner)}</Text>);
  } else if (!cur.opened && count === 0) {
    lines.push(<Text key="opening">{padToWidth(`Opening ${sanitizeLine(folderTitle(state, cur.account, cur.path))}…`, inner)}</Text>);
  } else if (count === 0) {
    const acc = accountEntry(state, cur.account);
    // An empty local copy of a downloading account (POP3): say how to download.
    const downloads = acc !== undefined && acc.localCacheOf === undefined && modelOf(acc.protocol).capabilities.downloadsMail;
    const text = state.search ? 'No message matches' : downloads ? 'No mail in the local copy yet; $ downloads from the server' : 'This folder is empty';
    lines.push(<Text key="empty">{padToWidth(text, inner)}</Text>);
  } else {
    const end = Math.min(count, state.listTop + visible);
    for (let pos = state.listTop; pos < end; pos++) {
      const thread = collapsedAt?.(pos);
      const fetched = rowAt(pos);
      // A collapsed thread: its root, marked N when any of it is unread, the count before the subject.
      const m = thread && fetched && thread.unread ? { ...fetched, flags: fetched.flags.filter((f) => f !== '\\Seen') } : fetched;
      const selected = pos === state.listCursor;
      if (!m) {
        lines.push(
          <Text key={`p${pos}`} inverse={selected} dimColor={theme.dim}>
            {padToWidth(`${selected ? '>' : ' '}    …`, inner)}
          </Text>,
        );
        continue;
      }
      const tagged = inner > 40;
      const tree = state.search ? '' : thread ? `[${thread.size}] ` : threadPrefix(pos, rowAt);
      const mark = tags.has(m.uid);
      const row = tagged ? `${formatRow(m, inner - 2 - TAG_WIDTH, tree, mark)} ${padToWidth(locationTag(m), TAG_WIDTH)}` : formatRow(m, inner - 1, tree, mark);
      const unread = !m.flags.includes('\\Seen');
      const flagged = m.flags.includes('\\Flagged');
      lines.push(
        <Text
          key={`m${pos}`}
          inverse={selected && (focused || state.focus === 'reader')}
          underline={selected && state.focus === 'folders'}
          bold={unread}
          color={flagged ? theme.flagged : undefined}
        >
          {(selected ? '>' : ' ') + row}
        </Text>,
      );
    }
  }
  return (
    <Pane width={width} height={height} focused={focused} accent={theme.accent}>
      {lines}
    </Pane>
  );
}
