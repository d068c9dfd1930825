// imapflow LIST (+ STATUS) entries → FolderInfo.
import type { ListResponse } from 'imapflow';
import type { FolderInfo, SpecialUse } from '../account.js';
import { sanitizeLine } from '../../mime/sanitize.js';

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

export function toFolderInfo(entry: ListResponse): FolderInfo {
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
  const special = entry.specialUse ? SPECIAL_USE[entry.specialUse] : undefined;
  if (special) info.specialUse = special;
  return info;
}
