// `tmail list`: the newest messages of a folder, one line each: flags, date, from, subject.
import type { MessageSummary } from '../../domain/index.js';
import { findFolder } from '../../accounts/folder-names.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { intOption, parseCommand } from '../args.js';
import type { CommandRun } from '../context.js';
import { withAccount } from '../open-account.js';
import { fit, truncate } from '../table.js';

const USAGE = `Usage: tmail list [--account NAME] [--folder FOLDER] [--limit N]

Prints the newest N messages (default 20) of FOLDER (default INBOX), newest first.
Flags column: N = unread, ! = flagged, r = answered, D = deleted, + = has attachments.`;

const DEFAULT_LIMIT = 20;
const FROM_WIDTH = 22;
const DATE_WIDTH = 16;
const FLAG_WIDTH = 4;

export const run: CommandRun = async (args, ctx) => {
  const { values, help } = parseCommand<{ account?: string; folder?: string; limit?: string }>(
    args,
    { account: { type: 'string', short: 'a' }, folder: { type: 'string', short: 'f' }, limit: { type: 'string', short: 'n' } },
    USAGE,
  );
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const limit = intOption(values.limit, '--limit', 1, 1_000_000, USAGE) ?? DEFAULT_LIMIT;
  const folder = values.folder ?? 'INBOX';
  const messages = await withAccount(ctx, values.account, async (account) => {
    // FOLDER as the folder pane and `tmail folders` show it ("Projects/2024"), or as the server
    // spells it ("INBOX.Projects.2024"): both find the same folder.
    const path = isInbox(folder) ? 'INBOX' : (findFolder(await account.listFolders(), folder)?.path ?? folder);
    const opened = await account.openFolder(path);
    if (opened.total === 0) return [];
    return account.fetchWindow(opened.path, 0, Math.min(limit, opened.total));
  });
  if (!messages.length) {
    ctx.stderr.write(`tmail: ${sanitizeLine(folder)} has no messages\n`);
    return 0;
  }
  const columns = ctx.stdout.isTTY && ctx.stdout.columns ? ctx.stdout.columns : undefined;
  ctx.stdout.write(`${messages.map((m) => formatMessageLine(m, columns)).join('\n')}\n`);
  return 0;
};

const isInbox = (name: string) => name.toUpperCase() === 'INBOX';

/** One list line; with `columns` (a TTY) the line never exceeds the terminal width. */
export function formatMessageLine(m: MessageSummary, columns?: number): string {
  const flags = flagLetters(m);
  const date = formatDate(m.date);
  const sender = m.from[0];
  const from = sanitizeLine(sender ? sender.name || sender.address : '') || '(unknown sender)';
  const subject = sanitizeLine(m.subject).trim() || '(no subject)';
  const fixed = FLAG_WIDTH + 1 + DATE_WIDTH + 2;
  if (columns === undefined) return `${flags} ${date}  ${fit(from, FROM_WIDTH)}  ${subject}`;
  // Narrow terminals give up sender width before subject width.
  const fromWidth = Math.max(8, Math.min(FROM_WIDTH, Math.floor((columns - fixed) / 3)));
  const subjectWidth = columns - fixed - fromWidth - 2;
  const line = `${flags} ${date}  ${fit(from, fromWidth)}  ${truncate(subject, subjectWidth)}`;
  return truncate(line, columns);
}

function flagLetters(m: MessageSummary): string {
  const has = (f: string) => m.flags.includes(f);
  return [has('\\Seen') ? ' ' : 'N', has('\\Flagged') ? '!' : ' ', has('\\Deleted') ? 'D' : has('\\Answered') ? 'r' : ' ', m.hasAttachments ? '+' : ' '].join(
    '',
  );
}

function formatDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return fit('?', DATE_WIDTH);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
