// `tmail folders`: the folder tree with total and unread counts, INBOX first.
import type { FolderInfo } from '../../domain/index.js';
import { DISPLAY_SEPARATOR, folderDepth } from '../../accounts/folder-names.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { parseCommand } from '../args.js';
import type { CommandRun } from '../context.js';
import { withAccount } from '../open-account.js';
import { formatTable } from '../table.js';

const USAGE = `Usage: tmail folders [--account NAME]

Prints every folder of the account (default: the first account) with its total and unread counts.`;

export const run: CommandRun = async (args, ctx) => {
  const { values, help } = parseCommand<{ account?: string }>(args, { account: { type: 'string', short: 'a' } }, USAGE);
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const folders = await withAccount(ctx, values.account, (account) => account.listFolders());
  ctx.stdout.write(`${formatFolders(folders).join('\n')}\n`);
  return 0;
};

export function formatFolders(folders: FolderInfo[]): string[] {
  const rows = sortFolders(folders).map((f) => {
    const depth = folderDepth(f);
    const role = f.specialUse && f.specialUse !== 'inbox' ? `  (${f.specialUse})` : '';
    const name = `${'  '.repeat(depth)}${sanitizeLine(f.name)}${role}`;
    return f.selectable ? [name, String(f.total), String(f.unread)] : [name, '-', '-'];
  });
  return formatTable([['Folder', 'Total', 'Unread'], ...rows], [1, 2]);
}

// INBOX first, then by path segment so children follow their parent.
function sortFolders(folders: FolderInfo[]): FolderInfo[] {
  const key = (f: FolderInfo) =>
    (f.display !== undefined ? f.display.split(DISPLAY_SEPARATOR) : f.delimiter ? f.path.split(f.delimiter) : [f.path]).map((s) => s.toLowerCase());
  const isInbox = (f: FolderInfo) => f.path.toUpperCase() === 'INBOX';
  return [...folders].sort((a, b) => {
    if (isInbox(a) !== isInbox(b)) return isInbox(a) ? -1 : 1;
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const c = ka[i]!.localeCompare(kb[i]!);
      if (c) return c;
    }
    return ka.length - kb.length;
  });
}
