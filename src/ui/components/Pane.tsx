import { Box } from 'ink';
import type { ReactNode } from 'react';

/** A bordered pane of fixed size; the focused one gets a double border (visible in monochrome). */
export function Pane(props: { width: number; height: number; focused: boolean; accent?: string; children: ReactNode }) {
  return (
    <Box
      width={props.width}
      height={props.height}
      borderStyle={props.focused ? 'double' : 'single'}
      borderColor={props.focused ? props.accent : undefined}
      flexDirection="column"
      overflow="hidden"
      flexShrink={0}
    >
      {props.children}
    </Box>
  );
}
