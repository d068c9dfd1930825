// What the local search evaluator (src/search) reads of a message, decoded the way an IMAP server
// searches: text parts with their transfer encoding (base64, quoted-printable) and charset undone
// (mailparser), the calendar day the Date header is written in, and whether the structure holds
// an attachment by the same rule the IMAP list uses for BODYSTRUCTURE.
import { simpleParser, type Attachment } from 'mailparser';
import type { CalendarDay } from '../domain/index.js';

export interface SearchableMessage {
  /** The header block as received, a blank line, then the decoded text of the text parts. */
  text: string;
  /** The Date header's calendar day in its own zone (what IMAP SENTON/SENTSINCE/SENTBEFORE compare). */
  writtenDay?: CalendarDay;
  hasAttachment: boolean;
}

/** RFC 5322 4.3 obsolete zone names; any other name counts as +0000 (as the RFC says). */
const ZONES: Record<string, number> = { EDT: -240, EST: -300, CDT: -300, CST: -360, MDT: -360, MST: -420, PDT: -420, PST: -480 };

/** The calendar day a Date header value is written in (its own zone), or undefined when unparseable. */
export function writtenDay(value: string): CalendarDay | undefined {
  const bare = value.replace(/\([^)]*\)/g, ' ').trim();
  const t = new Date(bare).getTime();
  if (Number.isNaN(t)) return undefined;
  const numeric = /([+-])(\d{2})(\d{2})$/.exec(bare);
  const named = /\b([A-Z]{3})$/.exec(bare);
  const offset = numeric ? (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3])) : (ZONES[named?.[1] ?? ''] ?? 0);
  const shifted = new Date(t + offset * 60_000);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** The IMAP list's rule (accounts/imap/summary.ts hasAttachment) on mailparser's non-body parts. */
function countsAsAttachment(a: Attachment): boolean {
  const type = a.contentType.toLowerCase();
  if (a.contentDisposition?.toLowerCase() === 'attachment') return true;
  if (type === 'message/rfc822' || type === 'message/global' || type.startsWith('application/')) return true;
  if (type.startsWith('text/')) return false;
  return Boolean(a.filename);
}

function headerBlock(raw: Buffer): string {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const end = crlf < 0 ? lf : lf < 0 ? crlf : Math.min(crlf, lf);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('latin1');
}

/** Parses `raw` (the caller bounds its size) for the local evaluator. */
export async function searchableMessage(raw: Buffer): Promise<SearchableMessage> {
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const bodies = [parsed.text, typeof parsed.html === 'string' ? parsed.html : undefined].filter((b): b is string => !!b);
  const dateLine = parsed.headerLines.find((l) => l.key === 'date')?.line.replace(/^date:\s*/i, '');
  const message: SearchableMessage = {
    text: `${headerBlock(raw)}\r\n\r\n${bodies.join('\n')}`,
    hasAttachment: parsed.attachments.some(countsAsAttachment),
  };
  const day = dateLine ? writtenDay(dateLine) : undefined;
  if (day) message.writtenDay = day;
  return message;
}
