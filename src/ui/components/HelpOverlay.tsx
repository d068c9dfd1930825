import { Box, Text } from 'ink';
import type { KeyTable } from '../keys/bindings.js';
import { helpContent, helpRows, maxHelpScroll } from '../keys/help-topics.js';
import { padToWidth } from '../../text/display-width.js';

export { helpLines } from '../keys/help-topics.js';

/** Generated from the key table (keys/help-topics.ts), so user re-bindings show up here too. */
export function HelpOverlay(props: { keys: KeyTable; width: number; height: number; scroll: number; lastError?: string; lastNote?: string }) {
  // The status line may cut a long error and shows notes short; here they are in full.
  const lines = helpContent(props.keys, props.width, props.lastError, props.lastNote);
  const visible = helpRows(props.height);
  const scroll = Math.min(props.scroll, maxHelpScroll(lines.length, props.height));
  const end = Math.min(lines.length, scroll + visible);
  // Where the page is, so a short screen says there is more.
  const where = lines.length > visible ? ` ${scroll + 1}-${end}/${lines.length}` : '';
  return (
    <Box width={props.width} height={props.height} borderStyle="double" flexDirection="column" paddingX={1} overflow="hidden">
      <Text bold>{padToWidth(`Keys (any other key closes; j/k, space/PgUp, g/G scroll)${where}`, props.width - 4)}</Text>
      <Text> </Text>
      {lines.slice(scroll, end).map((l, i) => (
        <Text key={i}>{padToWidth(l, props.width - 4)}</Text>
      ))}
    </Box>
  );
}
