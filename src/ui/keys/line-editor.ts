// The one-line editor of every prompt (search, command line, save directory, attach file):
// which keys edit is the key table's dialog scope; typed text is sanitized on the way in.
import { sanitizeLine } from '../../text/sanitize.js';
import type { DialogAction } from './bindings.js';

export type LineEdit = { kind: 'submit'; value: string } | { kind: 'cancel' } | { kind: 'change'; value: string };

/** What a key does to a prompt holding `value`; undefined: nothing (e.g. a control key). */
export function editLine(value: string, action: DialogAction | undefined, text: string): LineEdit | undefined {
  switch (action) {
    case 'submit':
      return { kind: 'submit', value };
    case 'cancel':
      return { kind: 'cancel' };
    case 'erase':
      return { kind: 'change', value: [...value].slice(0, -1).join('') };
    case 'clearLine':
      return { kind: 'change', value: '' };
    default: {
      // Pasted or typed text; control characters never enter a prompt.
      const typed = sanitizeLine(text);
      return typed ? { kind: 'change', value: value + typed } : undefined;
    }
  }
}
