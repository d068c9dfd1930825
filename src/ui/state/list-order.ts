// Which order the message list asks the backend for: the sort the user cycled to with `o`, or the
// thread view toggled with `v`. Only orders the account says it can serve are offered.
import type { SortOrder } from '../../domain/index.js';

export type ListSort = Exclude<SortOrder, 'thread'>;

const CYCLE: readonly ListSort[] = ['arrival', 'date', 'from', 'subject'];

/** The sort after `current` among those the backend serves (arrival is always served). */
export function nextSort(current: ListSort, available: readonly SortOrder[]): ListSort {
  const offered = CYCLE.filter((s) => s === 'arrival' || available.includes(s));
  const i = offered.indexOf(current);
  return offered[(i + 1) % offered.length] ?? 'arrival';
}

export function listOrder(state: { sort?: ListSort; threads?: boolean }): SortOrder {
  return state.threads ? 'thread' : (state.sort ?? 'arrival');
}

/** Per order: its status-bar words (none for the default) and the sentence shown on a change. */
const ORDER_WORDS: Record<SortOrder | 'fromAddress', { label: string; note: string }> = {
  arrival: { label: '', note: 'Sorted by arrival, newest first' },
  date: { label: 'by date', note: 'Sorted by Date header, newest first' },
  from: { label: 'by sender', note: 'Sorted by sender A-Z, newest first for each' },
  // A server with SORT but not SORT=DISPLAY compares addresses, not the names the list shows.
  fromAddress: { label: 'by sender address', note: 'Sorted by sender address A-Z (this server cannot sort by name), newest first for each' },
  subject: { label: 'by subject', note: 'Sorted by subject A-Z (Re: ignored), newest first for each' },
  thread: { label: 'threads', note: 'Threads: the conversation with the newest mail first' },
};

const words = (order: SortOrder, fromByAddress?: boolean) => ORDER_WORDS[order === 'from' && fromByAddress ? 'fromAddress' : order];

/** A few words for the status bar; nothing for the default order. */
export function orderLabel(order: SortOrder, fromByAddress?: boolean): string {
  return words(order, fromByAddress).label;
}

/** The sentence shown when the order changes. */
export function orderNote(order: SortOrder, fromByAddress?: boolean): string {
  return words(order, fromByAddress).note;
}
