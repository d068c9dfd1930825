import { Box, Text } from 'ink';
import { padToWidth } from '../../text/display-width.js';
import { renderBody } from '../../mime/render-body.js';

/** The IMAP <-> POP3 confirmation: what will happen, in full, and the keys that answer it. */
export function ModeConfirm(props: { text: string; target: 'imap' | 'pop3'; leaveOnServer: boolean; width: number; height: number }) {
  const inner = Math.max(10, props.width - 4);
  const lines = renderBody(props.text, inner);
  const keys =
    props.target === 'pop3'
      ? `y: switch now   l: ${props.leaveOnServer ? 'leave on server: ON' : 'keep copies on the server'}   n/Esc: cancel`
      : 'y: switch now   n/Esc: cancel';
  const visible = Math.max(1, props.height - 6);
  return (
    <Box width={props.width} height={props.height} borderStyle="double" flexDirection="column" paddingX={1} overflow="hidden">
      <Text bold>{padToWidth(`Switch to ${props.target.toUpperCase()}?`, inner)}</Text>
      <Text> </Text>
      {lines.slice(0, visible).map((l, i) => (
        <Text key={i}>{padToWidth(l, inner)}</Text>
      ))}
      <Text> </Text>
      <Text inverse>{padToWidth(keys, inner)}</Text>
    </Box>
  );
}
