import { Box, Text } from 'ink';
import type { MessageLoader } from '../message-loader.js';
import { shownLines } from '../state/reader-view.js';
import type { UiState } from '../state/types.js';
import { padToWidth } from '../../text/display-width.js';
import type { Theme } from '../theme.js';
import { Pane } from './Pane.js';

export function Reader(props: { state: UiState; width: number; height: number; theme: Theme; loader: MessageLoader }) {
  const { state, width, height, theme, loader } = props;
  const r = state.reader;
  const textWidth = width - 4;
  const visible = height - 2;
  const focused = state.focus === 'reader';
  let body;
  if (!r) {
    body = <Text dimColor={theme.dim}>{padToWidth('No message open (Enter opens one)', textWidth)}</Text>;
  } else if (r.status === 'loading') {
    body = <Text>{padToWidth('Loading message…', textWidth)}</Text>;
  } else if (r.status === 'error' || !r.message) {
    body = <Text color={theme.error}>{padToWidth(`Could not load the message: ${r.error ?? ''}`, textWidth)}</Text>;
  } else {
    const lines = shownLines(r, textWidth, loader, r.scroll + visible, r.scroll).slice(r.scroll, r.scroll + visible);
    body = lines.map((l, i) => {
      if (l.kind === 'header') {
        const colon = l.text.indexOf(':');
        return (
          <Text key={i}>
            <Text bold>{l.text.slice(0, colon + 1)}</Text>
            {padToWidth(l.text.slice(colon + 1), Math.max(0, textWidth - colon - 1))}
          </Text>
        );
      }
      if (l.kind === 'attachment')
        return (
          <Text key={i} color={theme.accent}>
            {padToWidth(l.text, textWidth)}
          </Text>
        );
      if (l.kind === 'separator')
        return (
          <Text key={i} dimColor={theme.dim}>
            {l.text.slice(0, textWidth)}
          </Text>
        );
      return <Text key={i}>{padToWidth(l.text, textWidth)}</Text>;
    });
  }
  return (
    <Pane width={width} height={height} focused={focused} accent={theme.accent}>
      <Box flexDirection="column" paddingX={1}>
        {body}
      </Box>
    </Pane>
  );
}
