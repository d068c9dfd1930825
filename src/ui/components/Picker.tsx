import { Box, Text } from 'ink';
import { padToWidth } from '../../text/display-width.js';

/** `filter` given: a type-to-filter picker (the arrows move, typed text narrows the list). */
export function Picker(props: { title: string; items: { label: string }[]; cursor: number; width: number; height: number; filter?: string }) {
  const visible = props.height - 4;
  const filtering = props.filter !== undefined;
  const top = Math.max(0, Math.min(props.cursor - Math.floor(visible / 2), props.items.length - visible));
  const inner = props.width - 4;
  return (
    <Box width={props.width} height={props.height} borderStyle="double" flexDirection="column" paddingX={1} overflow="hidden">
      <Text bold>{padToWidth(`${props.title} (${filtering ? '↑/↓' : 'j/k'}, Enter, Esc cancels)`, inner)}</Text>
      <Text>{filtering ? padToWidth(`> ${props.filter}█${props.items.length === 0 ? '  (no match)' : ''}`, inner) : ' '}</Text>
      {props.items.slice(top, top + visible).map((item, i) => (
        <Text key={top + i} inverse={top + i === props.cursor}>
          {padToWidth(item.label, inner)}
        </Text>
      ))}
    </Box>
  );
}
