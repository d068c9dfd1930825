// The compose screens' key lines, read off the key table (as the help overlay is), so a rebound
// key is what the screen names. Each item shows the action's first key, or the key the default
// line has always shown (`s` for send, `q` for cancel) while that one is still bound.
import { type Action, displayKey, type KeyTable } from './bindings.js';

/** How `action` is named on a key line; undefined when nothing is bound to it. */
function keyOf(keys: KeyTable, action: Action, preferred?: string): string | undefined {
  const bound = keys[action].keys;
  const spec = preferred !== undefined && bound.includes(preferred) ? preferred : bound[0];
  return spec === undefined ? undefined : displayKey(spec);
}

function line(items: [string | undefined, string][]): string {
  return items
    .filter(([k]) => k !== undefined)
    .map(([k, what]) => `${k} ${what}`)
    .join(' · ');
}

/** The confirm screen's choices: "s send · e edit · t/C/b To/Cc/Bcc · …". */
export function composeFooter(keys: KeyTable): string {
  const to = keyOf(keys, 'editTo');
  const cc = keyOf(keys, 'editCc');
  const bcc = keyOf(keys, 'editBcc');
  const fields = to && cc && bcc ? `${to}/${cc}/${bcc}` : undefined;
  return line([
    [keyOf(keys, 'send', 's'), 'send'],
    [keyOf(keys, 'edit'), 'edit'],
    [fields, 'To/Cc/Bcc'],
    [keyOf(keys, 'identity'), 'From'],
    [keyOf(keys, 'attach'), 'attach'],
    [keyOf(keys, 'postpone'), 'postpone'],
    [keyOf(keys, 'discard', 'q'), 'cancel'],
  ]);
}

/** The question after the discard key. */
export function discardQuestion(keys: KeyTable): string {
  return `Discard this draft? ${keyOf(keys, 'yes', 'y') ?? 'yes'} = discard, any other key = keep it`;
}

/** The question when a draft was left by an earlier session. */
export function resumeFooter(keys: KeyTable): string {
  return line([
    [keyOf(keys, 'resumeDraft'), 'resume that draft'],
    [keyOf(keys, 'newDraft'), 'start a new message'],
    [keyOf(keys, 'discard', 'esc'), 'back'],
  ]);
}

/**
 * A prompt's hint ("(Tab completes, Enter sets, Esc cancels)", written by the compose flow with
 * the default keys) with the keys bound now: the dialog scope's complete, submit and cancel.
 */
export function promptHint(hint: string, keys: KeyTable): string {
  const words: Record<string, Action> = { Tab: 'complete', Enter: 'submit', Esc: 'cancel' };
  return hint.replace(/(^\(|, )(Tab|Enter|Esc)(?= )/g, (_m, lead: string, word: string) => `${lead}${keyOf(keys, words[word]!, word.toLowerCase()) ?? word}`);
}
