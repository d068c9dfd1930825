import { Box, Text } from 'ink';
import { ACTIONS, displayKey, SCOPE_TITLES, scopeOf, type KeyTable } from '../keys/bindings.js';
import { padToWidth } from '../../text/display-width.js';
import { renderBody } from '../../mime/render-body.js';

/** Generated from the key table, so user re-bindings show up here too. */
export function helpLines(keys: KeyTable): string[] {
  const lines: string[] = [];
  let scope = 'main';
  for (const a of ACTIONS) {
    // The mail screen's keys come first, untitled; each other scope under its title.
    if (scopeOf(a) !== scope) {
      scope = scopeOf(a);
      lines.push('', SCOPE_TITLES[scopeOf(a)]);
    }
    const k = keys[a].keys.map(displayKey).join(' ');
    lines.push(`${padToWidth(k, 22)} ${keys[a].description}`);
  }
  return lines;
}

export function HelpOverlay(props: { keys: KeyTable; width: number; height: number; scroll: number; lastError?: string; lastNote?: string }) {
  // The status line may cut a long error and shows notes short; here they are in full.
  const errorLines = props.lastError ? [...renderBody(`Last error: ${props.lastError}`, props.width - 4), ''] : [];
  const noteLines = props.lastNote ? [...renderBody(`Last note: ${props.lastNote}`, props.width - 4), ''] : [];
  const lines = [...errorLines, ...noteLines, ...helpLines(props.keys)];
  const visible = props.height - 4;
  const scroll = Math.min(props.scroll, Math.max(0, lines.length - visible));
  return (
    <Box width={props.width} height={props.height} borderStyle="double" flexDirection="column" paddingX={1} overflow="hidden">
      <Text bold>{padToWidth('Keys (any other key closes; j/k scroll)', props.width - 4)}</Text>
      <Text> </Text>
      {lines.slice(scroll, scroll + visible).map((l, i) => (
        <Text key={i}>{padToWidth(l, props.width - 4)}</Text>
      ))}
    </Box>
  );
}
