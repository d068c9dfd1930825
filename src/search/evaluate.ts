// Evaluates a SearchNode on one message locally (the POP3 cache, the in-memory fake, a limit view
// over summaries already fetched). Same meaning as the IMAP compilation where the two can agree:
// text matches are case-insensitive substrings. Dates: the rule is the Date header's calendar day
// as written, in its own zone, which is what IMAP's SENT* keys compare (Dovecot does so); the
// local evaluator uses `writtenDay` when it read the source (mime/searchable-text.ts), else the
// summary's date in the local zone (a limit view over the rows on screen).
import type { Address, CalendarDay, MessageSummary, SearchNode } from '../domain/index.js';
import { localMidnight } from './values.js';

export interface EvaluableMessage {
  summary: MessageSummary;
  /**
   * The message as text (possibly only its start), needed only when needsSource(node): the header
   * block, a blank line, and the body — decoded (mime/searchable-text.ts) so words inside a base64
   * or quoted-printable part are found, as the IMAP server finds them.
   */
  source?: string;
  /** The Date header's calendar day in its own zone; date terms use it when present. */
  writtenDay?: CalendarDay;
  /** has:attachment judged from the structure; overrides `summary.hasAttachments` when present. */
  hasAttachment?: boolean;
}

const dayNumber = (d: CalendarDay) => Date.UTC(d.year, d.month - 1, d.day);

/** Whether evaluating `node` reads the message source (body or anywhere-in-message terms). */
export function needsSource(node: SearchNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.nodes.some(needsSource);
    case 'not':
      return needsSource(node.node);
    case 'text':
      return node.field === 'body' || node.field === 'text';
    // The written day and the structure come from the source too (see EvaluableMessage).
    case 'date':
    case 'attachment':
      return true;
    default:
      return false;
  }
}

const addressText = (list: readonly Address[]): string =>
  list
    .map((a) => `${a.name} <${a.address}>`)
    .join(', ')
    .toLowerCase();

function bodyOf(source: string): string {
  const crlf = source.indexOf('\r\n\r\n');
  const lf = source.indexOf('\n\n');
  const at = crlf === -1 ? lf : lf === -1 ? crlf : Math.min(crlf, lf);
  return at === -1 ? '' : source.slice(at);
}

/** True when the message matches. A term that needs the source and has none does not match. */
export function matches(node: SearchNode, message: EvaluableMessage): boolean {
  const s = message.summary;
  switch (node.kind) {
    case 'all':
      return true;
    case 'and':
      return node.nodes.every((n) => matches(n, message));
    case 'or':
      return node.nodes.some((n) => matches(n, message));
    case 'not':
      return !matches(node.node, message);
    case 'flag': {
      const seen = s.flags.includes('\\Seen');
      if (node.state === 'unread') return !seen;
      if (node.state === 'read') return seen;
      return s.flags.includes(node.state === 'flagged' ? '\\Flagged' : '\\Answered');
    }
    case 'attachment':
      return message.hasAttachment ?? s.hasAttachments;
    case 'size':
      return node.op === 'larger' ? s.size > node.bytes : s.size < node.bytes;
    case 'date': {
      if (message.writtenDay) {
        const day = dayNumber(message.writtenDay);
        const want = dayNumber(node.day);
        return node.op === 'since' ? day >= want : node.op === 'before' ? day < want : day === want;
      }
      const start = localMidnight(node.day).getTime();
      const t = s.date.getTime();
      if (node.op === 'since') return t >= start;
      if (node.op === 'before') return t < start;
      return t >= start && t < localMidnight(node.day, 1).getTime();
    }
    case 'text': {
      const needle = node.value.toLowerCase();
      switch (node.field) {
        case 'from':
          return addressText(s.from).includes(needle);
        case 'to':
          return addressText(s.to).includes(needle);
        case 'cc':
          return addressText(s.cc).includes(needle);
        case 'subject':
          return s.subject.toLowerCase().includes(needle);
        case 'body':
          return message.source !== undefined && bodyOf(message.source).toLowerCase().includes(needle);
        case 'text':
          return (
            [addressText(s.from), addressText(s.to), addressText(s.cc), s.subject.toLowerCase()].some((h) => h.includes(needle)) ||
            (message.source !== undefined && message.source.toLowerCase().includes(needle))
          );
      }
    }
  }
}
