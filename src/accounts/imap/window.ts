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
