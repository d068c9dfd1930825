// imapflow LIST (+ STATUS) entries → FolderInfo.
import type { ListResponse } from 'imapflow';
import type { FolderInfo, SpecialUse } from '../../domain/index.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { displayFolderPath } from '../folder-names.js';

const SPECIAL_USE: Record<string, SpecialUse> = {
  '\\Inbox': 'inbox',
  '\\Sent': 'sent',
  '\\Drafts': 'drafts',
  '\\Trash': 'trash',
  '\\Junk': 'junk',
  '\\Archive': 'archive',
  '\\All': 'all',
  '\\Flagged': 'flagged',
};

/** `personalPrefix`: the personal namespace prefix (NAMESPACE), left out of the display path. */
export function toFolderInfo(entry: ListResponse, personalPrefix = ''): FolderInfo {
  const flags = entry.flags;
  const info: FolderInfo = {
    path: entry.path,
    // The path stays as the server spells it (it is the folder's identity); the display name
    // reaches the terminal and is sanitized.
    name: sanitizeLine(entry.name),
    delimiter: entry.delimiter ?? '',
    selectable: !flags.has('\\Noselect') && !flags.has('\\NonExistent'),
    total: entry.status?.messages ?? 0,
    unread: entry.status?.unseen ?? 0,
  };
  const display = sanitizeLine(displayFolderPath(entry.path, { delimiter: info.delimiter, prefix: personalPrefix }));
  if (display !== entry.path) info.display = display;
  // imapflow leaves `subscribed` unset for a folder the server reported as not subscribed.
  info.subscribed = entry.subscribed === true;
  const special = entry.specialUse ? SPECIAL_USE[entry.specialUse] : undefined;
  if (special) info.specialUse = special;
  return info;
}
