// A parsed search (src/search/parse.ts turns what the user types into this tree). Plain data, so
// the backend contract can carry it: IMAP compiles it into one SEARCH command, a local store
// evaluates it message by message (src/search/evaluate.ts).

/** Text fields; 'text' is anywhere in the message (headers and body), 'body' the body only. */
export type SearchField = 'from' | 'to' | 'cc' | 'subject' | 'body' | 'text';

/** A calendar day, without a time zone: it starts at midnight in the user's local time zone. */
export interface CalendarDay {
  year: number;
  /** 1-12. */
  month: number;
  day: number;
}

export type SearchNode =
  | { kind: 'and'; nodes: SearchNode[] }
  | { kind: 'or'; nodes: SearchNode[] }
  | { kind: 'not'; node: SearchNode }
  /** Case-insensitive substring of the field. */
  | { kind: 'text'; field: SearchField; value: string }
  /** By the message's date (the Date header, as the list shows it). */
  | { kind: 'date'; op: 'before' | 'since' | 'on'; day: CalendarDay }
  /** Size in octets: larger = more than, smaller = less than. */
  | { kind: 'size'; op: 'larger' | 'smaller'; bytes: number }
  | { kind: 'flag'; state: 'unread' | 'read' | 'flagged' | 'answered' }
  | { kind: 'attachment' }
  /** Every message (an empty query). */
  | { kind: 'all' };
