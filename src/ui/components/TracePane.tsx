import { Box, Text } from 'ink';
import { displayWidth, padToWidth, truncateToWidth } from '../../text/display-width.js';
import { formatTraceEntry, type TraceBuffer } from '../../trace/buffer.js';
import type { TraceEntry } from '../../trace/types.js';
import type { Theme } from '../theme.js';

/** The lines the trace view shows; `scroll` counts lines up from the newest (0 = follow). */
export function traceLines(buffer: TraceBuffer | undefined, account: string | undefined, all: boolean): TraceEntry[] {
  if (!buffer) return [];
  return buffer.entries(all ? undefined : account);
}

function TraceLine(props: { entry: TraceEntry; all: boolean; width: number; theme: Theme }) {
  const { entry: e, theme } = props;
  // Text is sanitized by the buffer; short times keep the protocol text in view at 80 columns.
  const line = formatTraceEntry(e, props.all).replace(/^(\d\d:\d\d:\d\d)\.\d{3}/, '$1');
  return (
    <Text color={e.dir === 'C' ? theme.accent : undefined} dimColor={e.dir === '-' && theme.dim}>
      {padToWidth(line, props.width)}
    </Text>
  );
}

/**
 * The live trace under the mail panes (`t`): a title rule and the newest lines, always following,
 * so the reader stays usable while `UID STORE … \Seen` scrolls in. No border: at 80x24 every row
 * counts. `T` zooms it into the full-screen TracePane below, which scrolls.
 */
export function TraceStrip(props: { buffer?: TraceBuffer; account?: string; all: boolean; width: number; height: number; theme: Theme }) {
  const { width, height, theme } = props;
  const entries = traceLines(props.buffer, props.account, props.all);
  const visible = Math.max(0, height - 1);
  const shown = entries.slice(Math.max(0, entries.length - visible));
  const who = props.all ? 'all accounts' : (props.account ?? 'no account');
  const fitted = truncateToWidth(`─ Trace · ${who} · C: tmail S: server · T zoom/scroll · t hide `, width);
  const title = fitted + '─'.repeat(Math.max(0, width - displayWidth(fitted)));
  return (
    <Box width={width} height={height} flexDirection="column" overflow="hidden" flexShrink={0}>
      <Text bold>{title}</Text>
      {shown.length === 0 ? (
        <Text dimColor={theme.dim}>{padToWidth('Nothing yet: the trace fills as tmail talks to the server.', width)}</Text>
      ) : (
        shown.map((e, i) => <TraceLine key={i} entry={e} all={props.all} width={width} theme={theme} />)
      )}
    </Box>
  );
}

export function TracePane(props: { buffer?: TraceBuffer; account?: string; all: boolean; scroll: number; width: number; height: number; theme: Theme }) {
  const { width, height, theme } = props;
  const inner = width - 4;
  const visible = Math.max(1, height - 4);
  const entries = traceLines(props.buffer, props.account, props.all);
  const maxScroll = Math.max(0, entries.length - visible);
  const scroll = Math.min(props.scroll, maxScroll);
  const shown = entries.slice(Math.max(0, entries.length - visible - scroll), entries.length - scroll);
  const who = props.all ? 'all accounts' : (props.account ?? 'no account');
  const title = `Trace · ${who} · C: tmail S: server · j/k scroll · a all · t back`;
  return (
    <Box width={width} height={height} borderStyle="double" flexDirection="column" paddingX={1} overflow="hidden">
      <Text bold>{padToWidth(title, inner)}</Text>
      <Text dimColor={theme.dim}>
        {padToWidth(
          scroll > 0
            ? `(${scroll} newer line(s) below; G jumps to the newest)`
            : entries.length
              ? ''
              : 'Nothing yet: the trace fills as tmail talks to the server.',
          inner,
        )}
      </Text>
      {shown.map((e, i) => (
        <TraceLine key={i} entry={e} all={props.all} width={inner} theme={theme} />
      ))}
    </Box>
  );
}
