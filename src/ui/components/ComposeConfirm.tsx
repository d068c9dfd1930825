// The screen after the editor: who the message goes to, what is attached, and the choices.
// Draws only; ComposeFlow (src/compose/ui-flow.ts) decides what the keys do, and the key lines
// come from the key table (keys/compose-footer.ts).
import { Box, Text } from 'ink';
import type { ComposeView } from '../../compose/ui-flow.js';
import type { KeyTable } from '../keys/bindings.js';
import { composeFooter, discardQuestion, promptHint, resumeFooter } from '../keys/compose-footer.js';
import { padToWidth } from '../../text/display-width.js';
import { sanitizeLine } from '../../text/sanitize.js';

export function ComposeConfirm(props: { view: ComposeView; keys: KeyTable; width: number; height: number }) {
  const v = props.view;
  const inner = Math.max(10, props.width - 4);
  const row = (label: string, value: string) => padToWidth(`${label.padEnd(9)}${sanitizeLine(value) || '—'}`, inner);
  const attachments = v.attachments.length ? v.attachments.map((a) => sanitizeLine(a.split('/').pop() ?? a)).join(', ') : 'none';
  let footer: string;
  if (v.resume) {
    const when = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)/.exec(v.resume);
    const stamp = when ? ` from ${when[1]}-${when[2]}-${when[3]} ${when[4]}:${when[5]} UTC` : '';
    return (
      <Box width={props.width} height={props.height} borderStyle="double" flexDirection="column" paddingX={1} overflow="hidden">
        <Text bold>{padToWidth(`${v.title}`, inner)}</Text>
        <Text> </Text>
        <Text>{padToWidth(`An unsent draft${stamp} was kept from an earlier session.`, inner)}</Text>
        <Text> </Text>
        <Text bold>{padToWidth(resumeFooter(props.keys), inner)}</Text>
      </Box>
    );
  }
  if (v.busy) footer = v.busy;
  else if (v.prompt)
    footer = `${v.prompt.label}${sanitizeLine(v.prompt.value)}▏  ${promptHint(sanitizeLine(v.prompt.hint ?? '(Enter adds, Esc cancels)'), props.keys)}`;
  else if (v.confirmDiscard) footer = discardQuestion(props.keys);
  else footer = composeFooter(props.keys);
  return (
    <Box width={props.width} height={props.height} borderStyle="double" flexDirection="column" paddingX={1} overflow="hidden">
      <Text bold>{padToWidth(v.busy ? v.title : `${v.title} — ready to send?`, inner)}</Text>
      <Text> </Text>
      <Text>{row('From:', v.from)}</Text>
      <Text>{row('To:', v.to)}</Text>
      {v.cc ? <Text>{row('Cc:', v.cc)}</Text> : null}
      {v.bcc ? <Text>{row('Bcc:', v.bcc)}</Text> : null}
      <Text>{row('Subject:', v.subject)}</Text>
      <Text>{row('Attach:', attachments)}</Text>
      <Text> </Text>
      {v.error ? (
        <Text color="red" wrap="wrap">
          {sanitizeLine(v.error)}
        </Text>
      ) : null}
      <Text bold>{padToWidth(footer, inner)}</Text>
    </Box>
  );
}
