// The type-to-filter folder picker: `i` jumps to a folder of any account, `m` and `C` pick the
// destination of a move or copy (of the tagged messages too) within the account. Typed text narrows the list (any
// part of the name, case-insensitive); the arrows move; Enter picks.
import { folderLabel } from '../../accounts/folder-names.js';
import { sanitizeLine } from '../../text/sanitize.js';
import type { ControllerContext } from './controller-context.js';
import { tell } from './tell.js';
import type { AccountId, Overlay } from './types.js';

type Picker = Extract<Overlay, { kind: 'picker' }>;

/** The items a picker shows now: all of them, or those whose label contains the filter. */
export function visibleItems(o: Picker): Picker['items'] {
  if (!o.filter) return o.items;
  const f = o.filter.toLowerCase();
  return o.items.filter((i) => i.label.toLowerCase().includes(f));
}

/** A jump target as a picker value: account and path, which may hold any character but NUL. */
export function jumpValue(account: AccountId, path: string): string {
  return `${account}\u0000${path}`;
}

export function parseJumpValue(value: string): { account: AccountId; path: string } {
  const at = value.indexOf('\u0000');
  return { account: value.slice(0, at), path: value.slice(at + 1) };
}

/** `y`: every selectable folder of every shown account. */
export function openJumpPicker(ctx: ControllerContext): void {
  const shown = ctx.state.accounts.filter((a) => !a.hidden);
  const many = shown.length > 1;
  const items = shown.flatMap((a) =>
    a.folders
      .filter((f) => f.selectable)
      .map((f) => ({ label: (many ? `${sanitizeLine(a.name)}: ` : '') + sanitizeLine(folderLabel(f)), value: jumpValue(a.id, f.path) })),
  );
  if (items.length === 0) return tell(ctx, 'No folders yet (still connecting?)');
  ctx.post({ type: 'overlayShown', overlay: { kind: 'picker', purpose: 'jump', title: 'Go to folder: type to filter', items, cursor: 0, filter: '' } });
}
