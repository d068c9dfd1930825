// What the status line says after a delete or move: exactly what the backend reports it did.
import type { RemovalOutcome } from '../../accounts/account.js';
import { sanitizeLine } from '../../text/sanitize.js';

/** Why a message can stay marked deleted (a server without UIDPLUS, other clients' marks). */
const KEPT_MARKED = 'an expunge now would also remove messages another client marked deleted';
/** What tmail does with such a message: the account leaves it out of the list and the counts. */
const HIDDEN = 'hidden, marked deleted until the server expunges it';

/**
 * The status line after a delete (`destination` undefined: deleted in place) or a move.
 * `fallback` is used when the backend says nothing more than "done"; `displayName` turns a
 * server path into the name the folder pane shows (INBOX.Archive -> Archive).
 */
export function removalNote(
  outcome: RemovalOutcome | undefined,
  fallback: string,
  action: 'delete' | 'move' = 'move',
  displayName: (path: string) => string = (path) => path,
): string {
  if (!outcome) return fallback;
  const where = outcome.destination ? sanitizeLine(displayName(outcome.destination)) : undefined;
  let text: string;
  if (outcome.result === 'moved') text = !where ? fallback : action === 'delete' ? `Message deleted (moved to ${where})` : `Moved to ${where}`;
  else if (outcome.result === 'expunged') text = 'Message deleted for good';
  else if (where) text = `Copied to ${where}; original ${HIDDEN} (${KEPT_MARKED})`;
  else text = `Message ${HIDDEN} (${KEPT_MARKED})`;
  return outcome.recovered ? `${text} (${sanitizeLine(outcome.recovered)})` : text;
}

/** True when `d` on a message in `path` removes it for good (no Trash, or it is in Trash). */
export function deleteIsPermanent(folders: ReadonlyArray<{ path: string; specialUse?: string }>, path: string): boolean {
  const trash = folders.find((f) => f.specialUse === 'trash');
  return !trash || trash.path === path;
}
