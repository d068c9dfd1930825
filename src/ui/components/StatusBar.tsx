import { Text } from 'ink';
import { useEffect, useState } from 'react';
import { sanitizeLine } from '../../text/sanitize.js';
import { folderTitle } from '../state/folder-rows.js';
import type { UiState } from '../state/types.js';
import { displayWidth, padToWidth } from '../../text/display-width.js';
import type { Theme } from '../theme.js';
import { modelOf, modelWords } from '../state/model-words.js';
import { listOrder, orderLabel } from '../state/list-order.js';
import { accountEntry } from '../state/folder-rows.js';
import { clockText } from '../state/check-clock.js';
import { taggedCount, taggedHere } from '../state/tags.js';

const SPINNER = ['|', '/', '-', '\\'];

// Every tick is a whole frame for Ink (tens of ms of CPU for a 120x40 screen, more on a busy
// machine): at 150 ms the spinner alone took most of the CPU while a cold start waited for the
// server, slowing the login and the first FETCH it was waiting for.
const SPINNER_MS = 500;

/** Ticks only while something is loading, so an idle UI does not redraw. */
function useSpinner(active: boolean): string {
  const [i, setI] = useState(0);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setI((n) => (n + 1) % SPINNER.length), SPINNER_MS);
    return () => clearInterval(t);
  }, [active]);
  return active ? SPINNER[i]! : ' ';
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Room the status bar keeps for notes when it decides whether the cache path fits. */
const NOTE_ROOM = 30;

/** `compact`: the model as just "IMAP"/"POP3", to leave a note its room on a narrow terminal. */
export function statusText(state: UiState, count: number, width = 80, compact = false): string {
  const parts: string[] = [];
  const cur = state.current;
  const acc = accountEntry(state, cur?.account) ?? state.accounts[0];
  let cache = '';
  if (acc) {
    parts.push(sanitizeLine(acc.name));
    // The model in words: what this account does with mail (longer when there is room).
    const inbox = acc.folders.find((f) => f.path.toUpperCase() === 'INBOX');
    const model = modelOf(acc.protocol);
    parts.push(
      compact
        ? model.label
        : modelWords(model, width >= 140, {
            ...(inbox ? { cached: inbox.total } : {}),
            ...(acc.keptOnServer !== undefined ? { keptOnServer: acc.keptOnServer } : {}),
          }),
    );
    // Where the downloaded copies are, when a wide bar has room for it after everything else.
    if (!compact && width >= 140 && model.capabilities.downloadsMail && acc.cacheDir) cache = ` · cache: ${sanitizeLine(acc.cacheDir)}`;
    if (acc.status === 'connecting') parts.push('connecting…');
    else if (acc.status === 'reconnecting') parts.push('reconnecting…');
    else if (acc.status === 'error') parts.push('offline');
    if (acc.sync) parts.push(`downloading ${acc.sync.done}/${acc.sync.total}${acc.sync.bytes ? `, ${formatBytes(acc.sync.bytes)}` : ''}`);
    else if (acc.nextCheckAt !== undefined && acc.status !== 'error') parts.push(`next check ${clockText(acc.nextCheckAt)}`);
  }
  if (cur) {
    const folder =
      sanitizeLine(folderTitle(state, cur.account, cur.path)) + (state.search ? ` /${sanitizeLine(state.search.saved ?? state.search.query)}` : '');
    parts.push(folder);
    parts.push(count > 0 ? `${state.listCursor + 1}/${count}` : '0/0');
    // A search lists its own order; otherwise say when the list is not in arrival order.
    const order = state.search ? '' : orderLabel(listOrder(state), state.sortFromByAddress);
    if (order) parts.push(order);
    if (!state.search && cur.unread > 0) parts.push(`${cur.unread} unread`);
    // Tags of other folders count too (`;` acts on all of them): "5 tagged (2 here)".
    const tagged = taggedCount(state);
    const here = taggedHere(state).length;
    if (tagged > 0) parts.push(`${tagged} tagged${here < tagged ? ` (${here} here)` : ''}${state.tagPrefix ? ' ;' : ''}`);
  }
  if (cache && displayWidth(parts.join(' │ ') + cache) + 2 + NOTE_ROOM <= width) parts[1] += cache;
  return parts.join(' │ ');
}

export function StatusBar(props: { state: UiState; count: number; width: number; theme: Theme }) {
  const { state, count, width, theme } = props;
  const spin = useSpinner(state.loading.length > 0);
  const o = state.overlay;
  if (o?.kind === 'prompt') {
    return <Text>{padToWidth(`${o.label}${o.value}█${o.hint ? `  ${o.hint}` : ''}`, width)}</Text>;
  }
  // The password prompt: the label only, never what is typed (not even its length).
  if (o?.kind === 'secret') return <Text>{padToWidth(`${o.label}█`, width)}</Text>;
  if (o?.kind === 'confirmFolderDelete') return <Text inverse>{padToWidth(o.text, width)}</Text>;
  if (o?.kind === 'confirmDelete') {
    // The warning comes first, so a long subject cannot push it off a narrow screen.
    // Several messages: the subject is "3 tagged messages", already fit to show.
    const what = o.uids && o.uids.length > 1 ? o.subject : `"${sanitizeLine(o.subject)}"`;
    const ask = o.permanent ? `Delete for good, cannot be undone: ${what}? (y/n)` : `Delete ${what}? (y/n)`;
    return <Text inverse>{padToWidth(ask, width)}</Text>;
  }
  // The position always stays visible; the message is what gets cut on a narrow terminal.
  const message = state.error ?? state.info;
  // With an error to show, the spinner alone says that work goes on; the error gets the room.
  const loading = state.loading.length === 0 ? '' : state.error ? ` ${spin}` : ` ${spin} ${state.loading.join(', ')}`;
  let left = ` ${statusText(state, count, width)}${loading} `;
  // A where-note that would be cut gets the model words' room: the note itself says where.
  const whereNote = !state.error && state.info !== undefined && state.info === state.lastNote?.short;
  if (message && whereNote && displayWidth(left) + displayWidth(message) + 1 > width) {
    left = ` ${statusText(state, count, width, true)}${state.loading.length ? ` ${spin}` : ''} `;
  }
  const room = Math.max(0, width - displayWidth(left));
  if (!message || room < 4) return <Text inverse>{padToWidth(left, width)}</Text>;
  return (
    <Text>
      <Text inverse>{left}</Text>
      <Text color={state.error ? theme.error : undefined} bold={!!state.error}>
        {padToWidth(` ${sanitizeLine(message)}`, room)}
      </Text>
    </Text>
  );
}
