import { Box, Text } from 'ink';
import { padToWidth } from '../../mime/display-width.js';
import { formatTraceEntry, type TraceBuffer } from '../../trace/buffer.js';
import type { TraceEntry } from '../../trace/types.js';
import type { Theme } from '../theme.js';

/** The lines the trace view shows; `scroll` counts lines up from the newest (0 = follow). */
export function traceLines(buffer: TraceBuffer | undefined, account: string | undefined, all: boolean): TraceEntry[] {
  if (!buffer) return [];
  return buffer.entries(all ? undefined : account);
}

export function TracePane(props: {
  buffer?: TraceBuffer;
  account?: string;
  all: boolean;
  scroll: number;
  width: number;
  height: number;
  theme: Theme;
}) {
  const { width, height, theme } = props;
  const inner = width - 4;
  const visible = Math.max(1, height - 4);
  const entries = traceLines(props.buffer, props.account, props.all);
  const maxScroll = Math.max(0, entries.length - visible);
  const scroll = Math.min(props.scroll, maxScroll);
  const shown = entries.slice(Math.max(0, entries.length - visible - scroll), entries.length - scroll);
  const who = props.all ? 'all accounts' : (props.account ?? 'no account');
  const title = `Trace · ${who} · C: tmail S: server · j/k scroll · a all · t close`;
  return (
    <Box width={width} height={height} borderStyle="double" flexDirection="column" paddingX={1} overflow="hidden">
      <Text bold>{padToWidth(title, inner)}</Text>
      <Text dimColor={theme.dim}>
        {padToWidth(scroll > 0 ? `(${scroll} newer line(s) below; G jumps to the newest)` : entries.length ? '' : 'Nothing yet: the trace fills as tmail talks to the server.', inner)}
      </Text>
      {shown.map((e, i) => {
        // Text is sanitized by the buffer; short times keep the protocol text in view at 80 columns.
        const line = formatTraceEntry(e, props.all).replace(/^(\d\d:\d\d:\d\d)\.\d{3}/, '$1');
        const color = e.dir === 'C' ? theme.accent : undefined;
        return (
          <Text key={i} color={color} dimColor={e.dir === '-' && theme.dim}>
            {padToWidth(line, inner)}
          </Text>
        );
      })}
    </Box>
  );
}
