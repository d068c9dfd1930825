import { Text } from 'ink';
import { sanitizeLine } from '../../text/sanitize.js';
import { folderRows } from '../state/folder-rows.js';
import { modelOf } from '../state/model-words.js';
import type { UiState } from '../state/types.js';
import { padToWidth, displayWidth, truncateToWidth } from '../../text/display-width.js';
import type { Theme } from '../theme.js';
import { Pane } from './Pane.js';
import { accountEntry } from '../state/folder-rows.js';

const STATUS_MARK: Record<string, string> = {
  idle: ' ',
  connecting: '…',
  reconnecting: '…',
  connected: ' ',
  error: '!',
};

export function FolderPane(props: { state: UiState; width: number; height: number; theme: Theme }) {
  const { state, width, height, theme } = props;
  const inner = width - 2;
  const visible = height - 2;
  const rows = folderRows(state);
  const top = Math.max(0, Math.min(state.folderCursor - Math.floor(visible / 2), rows.length - visible));
  const focused = state.focus === 'folders';
  return (
    <Pane width={width} height={height} focused={focused} accent={theme.accent}>
      {rows.slice(top, top + visible).map((row, i) => {
        const index = top + i;
        const selected = index === state.folderCursor;
        const acc = accountEntry(state, row.account)!;
        if (row.kind === 'account') {
          const model = acc.localCacheOf !== undefined ? 'local' : modelOf(acc.protocol).label;
          const label = `${selected ? '>' : (STATUS_MARK[acc.status] ?? ' ')}${sanitizeLine(acc.name)} [${model}]`;
          return (
            <Text key={`a${row.account}`} bold inverse={selected && focused} color={acc.status === 'error' ? theme.error : undefined}>
              {padToWidth(label, inner)}
            </Text>
          );
        }
        if (row.kind === 'search') {
          const saved = acc.searches![row.search!]!;
          const isCurrent = state.search?.saved === saved.name && state.current?.account === row.account;
          const count = saved.error ? ' !' : saved.count ? ` ${saved.count}` : '';
          // '?' marks a saved search (a virtual folder), before its name where a folder has none.
          const name = `${selected ? '>' : ' '}${isCurrent ? '*' : ' '}?${sanitizeLine(saved.name)}`;
          const label = truncateToWidth(name, inner - displayWidth(count));
          return (
            <Text key={`s${row.account}:${saved.name}`} inverse={selected && focused} bold={isCurrent} italic color={saved.error ? theme.error : undefined}>
              {padToWidth(label, inner - displayWidth(count)) + count}
            </Text>
          );
        }
        const f = row.folder!;
        const isCurrent = state.current?.account === row.account && state.current.path === f.path && !state.search?.saved;
        const count = f.unread > 0 ? ` ${f.unread}` : '';
        // '>' the cursor, '*' the folder open in the list, '-' not subscribed (not by colour or weight alone).
        const name = (selected ? '>' : ' ') + (isCurrent ? '*' : f.subscribed === false ? '-' : ' ') + '  '.repeat(row.depth) + sanitizeLine(f.name);
        const label = truncateToWidth(name, inner - displayWidth(count));
        return (
          <Text key={`f${row.account}:${f.path}`} inverse={selected && focused} bold={isCurrent || f.unread > 0} dimColor={!f.selectable && theme.dim}>
            {padToWidth(label, inner - displayWidth(count)) + count}
          </Text>
        );
      })}
    </Pane>
  );
}
