// Keys on the compose screens, through the key table (compose scope; dialog scope for the
// attach prompt and the discard question), turned into ComposeFlow commands.
import type { ComposeCommand, ComposeFlow } from '../../compose/ui-flow.js';
import { actionFor, type KeyTable } from '../keys/bindings.js';
import { editLine } from '../keys/line-editor.js';
import type { KeyInput } from './controller-options.js';

export function composeCommand(flow: Pick<ComposeFlow, 'current'>, keys: KeyTable, input: KeyInput): ComposeCommand | undefined {
  const v = flow.current;
  if (!v || v.busy) return undefined;
  if (v.prompt) {
    if (actionFor(keys, input.spec, 'dialog') === 'complete') return { kind: 'complete' };
    const e = editLine(v.prompt.value, actionFor(keys, input.spec, 'dialog'), input.text);
    if (!e) return undefined;
    if (e.kind === 'cancel') return { kind: 'prompt' };
    return { kind: 'prompt', value: e.value, submit: e.kind === 'submit' };
  }
  if (v.confirmDiscard) return { kind: 'discard', yes: actionFor(keys, input.spec, 'dialog') === 'yes' };
  const a = actionFor(keys, input.spec, 'compose');
  if (v.resume) {
    if (a === 'resumeDraft' || a === 'newDraft') return { kind: 'resume', resume: a === 'resumeDraft' };
    return a === 'discard' ? { kind: 'close' } : undefined;
  }
  switch (a) {
    case 'send':
      return { kind: 'send' };
    case 'edit':
      return { kind: 'edit' };
    case 'attach':
      return { kind: 'askAttach' };
    case 'editTo':
      return { kind: 'askTo' };
    case 'editCc':
      return { kind: 'askCc' };
    case 'editBcc':
      return { kind: 'askBcc' };
    case 'identity':
      return { kind: 'switchIdentity' };
    case 'postpone':
      return { kind: 'postpone' };
    case 'discard':
      return { kind: 'askDiscard' };
    default:
      return undefined;
  }
}

/** A key on the compose screens. */
export function composeKey(flow: ComposeFlow, keys: KeyTable, input: KeyInput): void {
  const c = composeCommand(flow, keys, input);
  if (c) flow.command(c);
}
