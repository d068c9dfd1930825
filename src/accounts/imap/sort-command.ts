// imapflow has no SORT (RFC 5256). Rather than sort envelopes of a whole folder on the client,
// tmail registers a small command on the connection that sends `UID SORT (REVERSE DATE) UTF-8 ALL`
// through imapflow's own command pipeline (`run` → IDLE is broken and resumed like for any
// built-in command). This touches imapflow internals (`commands`, `run`, `exec`), so it is kept
// in this one file and guarded: when they are missing, callers fall back to arrival order.
import type { ImapFlow } from 'imapflow';

const COMMAND = 'TMAIL_SORT_REVERSE_DATE';

interface Untagged {
  attributes?: Array<{ value?: unknown }>;
  numbers?: number[];
}
interface Internals {
  commands?: Map<string, (connection: Internals, ...args: unknown[]) => Promise<unknown>>;
  run?: (command: string, ...args: unknown[]) => Promise<unknown>;
  exec?: (
    command: string,
    attributes: unknown[],
    options: { untagged: Record<string, (u: Untagged) => Promise<void>> },
  ) => Promise<{ next: () => void }>;
}

export function serverCanSort(client: ImapFlow): boolean {
  const internals = client as unknown as Internals;
  return client.capabilities.has('SORT') && internals.commands instanceof Map && typeof internals.run === 'function';
}

/** UIDs of the selected mailbox, newest Date header first. Null when SORT is unavailable. */
export async function sortUidsByDateDesc(client: ImapFlow): Promise<number[] | null> {
  if (!serverCanSort(client)) return null;
  const internals = client as unknown as Internals;
  if (!internals.commands!.has(COMMAND)) {
    internals.commands!.set(COMMAND, async (connection) => {
      const uids: number[] = [];
      const response = await connection.exec!(
        'UID SORT',
        [[{ type: 'ATOM', value: 'REVERSE' }, { type: 'ATOM', value: 'DATE' }], { type: 'ATOM', value: 'UTF-8' }, { type: 'ATOM', value: 'ALL' }],
        {
          untagged: {
            SORT: async (untagged) => {
              const values = untagged.numbers ?? (untagged.attributes ?? []).map((a) => Number(a.value));
              for (const v of values) if (Number.isSafeInteger(v) && v > 0) uids.push(v);
            },
          },
        },
      );
      response.next();
      return uids;
    });
  }
  const result = await internals.run!(COMMAND);
  return Array.isArray(result) ? (result as number[]) : null;
}

const GENERAL = 'TMAIL_SORT';

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
  const internals = client as unknown as Internals;
  if (!internals.commands!.has(GENERAL)) {
    internals.commands!.set(GENERAL, async (connection, ...args) => {
      const keys = (args[0] as string[]).map((value) => ({ type: 'ATOM', value }));
      const uids: number[] = [];
      const response = await connection.exec!('UID SORT', [keys, { type: 'ATOM', value: 'UTF-8' }, { type: 'ATOM', value: 'ALL' }], {
        untagged: {
          SORT: async (untagged) => {
            const values = untagged.numbers ?? (untagged.attributes ?? []).map((a) => Number(a.value));
            for (const v of values) if (Number.isSafeInteger(v) && v > 0) uids.push(v);
          },
        },
      });
      response.next();
      return uids;
    });
  }
  const result = await internals.run!(GENERAL, criteria);
  return Array.isArray(result) ? (result as number[]) : null;
}
