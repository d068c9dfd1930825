// Position arithmetic for windowed fetches. Position 0 is the newest message.
// - arrival order: positions map onto sequence numbers of the selected mailbox (newest = EXISTS),
//   valid only inside the one FETCH that uses them; results are keyed by UID.
// - date/from/subject order: the server sorts (UID SORT); thread order: the server threads (UID
//   THREAD REFERENCES). The UID list is cached per folder, order and UIDVALIDITY until the folder
//   changes, and a window is a slice of it fetched by UID.

/** Sequence range `lo:hi` covering positions [start, start+count) of `exists` messages, or null. */
export function arrivalSeqRange(exists: number, start: number, count: number): { lo: number; hi: number } | null {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count <= 0) return null;
  if (start >= exists) return null;
  const hi = exists - start;
  const lo = Math.max(1, hi - count + 1);
  return { lo, hi };
}

/** Compact UID set ("1:5,9") in ascending order, as IMAP wants it. */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * Longest UID set tmail puts on one command line. Dovecot refuses lines over 64 KiB (measured: a
 * set of 20,000 scattered UIDs, 114 KB, is answered NO) and RFC 7162 3.2.4 asks clients to stay
 * under 8192 octets; ranges compress, so 10,000 consecutive UIDs are still one short set.
 */
export const MAX_UID_SET_LENGTH = 8000;

/** `uids` as few UID sets as fit the line limit (one, unless the set is long and scattered). */
export function uidSets(uids: readonly number[], maxLength = MAX_UID_SET_LENGTH): string[] {
  const parts = uidSet(uids).split(',').filter(Boolean);
  const sets: string[] = [];
  let current = '';
  for (const part of parts) {
    if (current && current.length + 1 + part.length > maxLength) {
      sets.push(current);
      current = part;
    } else {
      current = current ? `${current},${part}` : part;
    }
  }
  if (current) sets.push(current);
  return sets;
}

interface SortedEntry {
  uidValidity: bigint;
  /** EXISTS and UIDNEXT when the list was made: a change while another folder was selected shows up here. */
  stamp: string;
  uids: number[];
  /** Thread order only: indentation of each row. */
  depths?: number[];
}

/** What identifies one state of a folder for the sorted-UID cache. */
export interface FolderStamp {
  uidValidity: bigint;
  exists: number;
  uidNext: number;
}

const stampOf = (f: FolderStamp) => `${f.exists}:${f.uidNext}`;

/** Server-sorted (or threaded) UID lists per folder and order, dropped when the folder changes. */
export class SortedUidCache {
  private entries = new Map<string, Map<string, SortedEntry>>();

  get(folder: string, state: FolderStamp, order = 'date'): number[] | undefined {
    return this.entry(folder, state, order)?.uids;
  }

  entry(folder: string, state: FolderStamp, order: string): { uids: number[]; depths?: number[] } | undefined {
    const entry = this.entries.get(folder)?.get(order);
    return entry && entry.uidValidity === state.uidValidity && entry.stamp === stampOf(state) ? entry : undefined;
  }

  set(folder: string, state: FolderStamp, uids: number[], order = 'date', depths?: number[]): void {
    let byOrder = this.entries.get(folder);
    if (!byOrder) {
      byOrder = new Map();
      this.entries.set(folder, byOrder);
    }
    byOrder.set(order, { uidValidity: state.uidValidity, stamp: stampOf(state), uids, ...(depths ? { depths } : {}) });
  }

  invalidate(folder?: string): void {
    if (folder === undefined) this.entries.clear();
    else this.entries.delete(folder);
  }
}
