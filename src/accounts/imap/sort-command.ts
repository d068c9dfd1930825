// Server-side ordering with SORT (RFC 5256): the server answers with UIDs only, so ordering a
// 100k folder by date, sender or subject costs no envelope fetch. Sent through runRawCommand.
import type { ImapFlow } from 'imapflow';
import { atom, canRunRaw, runRawCommand } from './raw-command.js';

export function serverCanSort(client: ImapFlow): boolean {
  return client.capabilities.has('SORT') && canRunRaw(client);
}

/** SORT criteria for a list order: alphabetical ones fall back to newest first among equals. */
export function sortCriteria(client: ImapFlow, order: 'date' | 'from' | 'subject'): string[] {
  if (order === 'date') return ['REVERSE', 'DATE'];
  // RFC 5957 DISPLAYFROM sorts by the name the list shows; plain FROM by the mailbox part only.
  if (order === 'from') return [client.capabilities.has('SORT=DISPLAY') ? 'DISPLAYFROM' : 'FROM', 'REVERSE', 'DATE'];
  return ['SUBJECT', 'REVERSE', 'DATE'];
}

/** UIDs of the selected mailbox in the order of `criteria` (RFC 5256 keys). Null without SORT. */
export async function sortUids(client: ImapFlow, criteria: string[]): Promise<number[] | null> {
  if (!serverCanSort(client)) return null;
  const uids: number[] = [];
  const sent = await runRawCommand(client, 'UID SORT', [criteria.map(atom), atom('UTF-8'), atom('ALL')], 'SORT', (untagged) => {
    const values = untagged.numbers ?? (untagged.attributes ?? []).map((a) => Number(a.value));
    for (const v of values) if (Number.isSafeInteger(v) && v > 0) uids.push(v);
  });
  return sent ? uids : null;
}
