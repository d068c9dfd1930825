// The one rule for how a folder is named to the user, in the UI and on the command line: the
// personal namespace prefix is left out ("INBOX.Archive" → "Archive" on a server whose personal
// namespace is "INBOX.") and levels are separated by "/" whatever the server's delimiter
// ("Projects.2024" → "Projects/2024"). The server path stays the folder's identity; this module
// maps both ways so a name the user types finds the folder the server knows.
import type { FolderInfo } from '../domain/index.js';

export interface FolderNaming {
  /** The server's hierarchy delimiter ("." or "/"; "" when flat). */
  delimiter: string;
  /** The personal namespace prefix, e.g. "INBOX." (Courier, Cyrus); "" on most servers. */
  prefix: string;
}

export const DISPLAY_SEPARATOR = '/';

const isInbox = (path: string) => path.toUpperCase() === 'INBOX';

/** The name the user sees for a server path. */
export function displayFolderPath(path: string, naming: FolderNaming): string {
  if (isInbox(path)) return 'INBOX';
  let rest = path;
  const { prefix, delimiter } = naming;
  // The prefix "INBOX." is matched case-insensitively, as INBOX itself is (RFC 3501 5.1).
  if (
    prefix &&
    rest.length > prefix.length &&
    (rest.startsWith(prefix) || (isInbox(prefix.slice(0, 5)) && rest.toUpperCase().startsWith(prefix.toUpperCase())))
  ) {
    rest = rest.slice(prefix.length);
  }
  if (!delimiter || delimiter === DISPLAY_SEPARATOR) return rest;
  return rest.split(delimiter).join(DISPLAY_SEPARATOR);
}

/** The server path for a name in display form (the reverse of displayFolderPath). */
export function serverFolderPath(display: string, naming: FolderNaming): string {
  if (isInbox(display)) return 'INBOX';
  const { prefix, delimiter } = naming;
  const levels = delimiter && delimiter !== DISPLAY_SEPARATOR ? display.split(DISPLAY_SEPARATOR).join(delimiter) : display;
  return prefix && !levels.startsWith(prefix) ? `${prefix}${levels}` : levels;
}

/** What a folder is called on screen: its display path, or its server path when none was given. */
export function folderLabel(folder: Pick<FolderInfo, 'path'> & { display?: string }): string {
  return folder.display ?? folder.path;
}

/**
 * The folder a user means by `name`: its display path ("Projects/2024"), or its server path as
 * the server spells it ("INBOX.Projects.2024"); INBOX in any case. Undefined when none matches.
 */
export function findFolder<F extends Pick<FolderInfo, 'path'> & { display?: string }>(folders: readonly F[], name: string): F | undefined {
  if (isInbox(name)) return folders.find((f) => isInbox(f.path));
  return folders.find((f) => folderLabel(f) === name) ?? folders.find((f) => f.path === name);
}

/** Nesting level as the user sees it: by display path (a namespace prefix is not a level). */
export function folderDepth(f: Pick<FolderInfo, 'path' | 'delimiter'> & { display?: string }): number {
  if (f.display !== undefined) return f.display.split(DISPLAY_SEPARATOR).length - 1;
  return f.delimiter ? f.path.split(f.delimiter).length - 1 : 0;
}
