// The draft as the user edits it: an RFC 5322-like text with editable headers above the body.
// Only the headers listed here are understood; anything else is refused with a clear message
// instead of being dropped silently, so a typo ("Bc:") never sends mail to fewer people than the
// user thinks. Parsing of the address lists is nodemailer's addressparser (no hand-written one).
import addressparser from 'nodemailer/lib/addressparser';
import { formatAddress, type MailAddress } from './address-format.js';

export { formatAddress, type MailAddress };

export interface Draft {
  from: string;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  /** Message-ID (with <>) of the message replied to. */
  inReplyTo?: string;
  references?: string[];
  /** Paths of files to attach. */
  attachments: string[];
  body: string;
}

/** A draft whose addresses have been checked: ready to become a message. */
export interface CheckedDraft extends Draft {
  fromAddress: MailAddress;
  toList: MailAddress[];
  ccList: MailAddress[];
  bccList: MailAddress[];
}

export class DraftError extends Error {
  override name = 'DraftError';
}

const HEADERS: [keyof Draft, string][] = [
  ['from', 'From'],
  ['to', 'To'],
  ['cc', 'Cc'],
  ['bcc', 'Bcc'],
  ['subject', 'Subject'],
];

export function emptyDraft(from: string): Draft {
  return { from, to: '', cc: '', bcc: '', subject: '', attachments: [], body: '' };
}

export function formatDraft(d: Draft): string {
  const lines = HEADERS.map(([key, name]) => `${name}: ${oneLine(String(d[key] ?? ''))}`.trimEnd());
  if (d.inReplyTo) lines.push(`In-Reply-To: ${d.inReplyTo}`);
  if (d.references?.length) lines.push(`References: ${d.references.join(' ')}`);
  for (const a of d.attachments) lines.push(`Attach: ${a}`);
  const body = d.body.replace(/\r\n/g, '\n');
  return `${lines.join('\n')}\n\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}`;
}

/** Reads the edited text back. Throws DraftError (fit to show) for a header it does not know. */
export function parseDraft(text: string): Draft {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const blank = normalized.search(/\n\n|^\n/);
  const head = blank < 0 ? normalized : normalized.slice(0, blank);
  const body = blank < 0 ? '' : normalized.slice(blank + (normalized[blank + 1] === '\n' ? 2 : 1));
  const draft: Draft = { from: '', to: '', cc: '', bcc: '', subject: '', attachments: [], body };
  const fields: { name: string; value: string; line: number }[] = [];
  head.split('\n').forEach((line, i) => {
    if (line === '') return;
    if (/^[ \t]/.test(line) && fields.length) {
      fields[fields.length - 1]!.value += ` ${line.trim()}`;
      return;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]*):[ \t]?(.*)$/.exec(line);
    if (!m) throw new DraftError(`line ${i + 1} of the draft is not a "Header: value" line; leave an empty line between the headers and the text`);
    fields.push({ name: m[1]!.toLowerCase(), value: m[2]!.trim(), line: i + 1 });
  });
  for (const f of fields) {
    switch (f.name) {
      case 'from':
      case 'to':
      case 'cc':
      case 'bcc':
        draft[f.name] = draft[f.name] ? `${draft[f.name]}, ${f.value}` : f.value;
        break;
      case 'subject':
        draft.subject = f.value;
        break;
      case 'in-reply-to':
        if (f.value) draft.inReplyTo = f.value;
        break;
      case 'references':
        draft.references = f.value.split(/\s+/).filter(Boolean);
        break;
      case 'attach':
        if (f.value) draft.attachments.push(f.value);
        break;
      default:
        throw new DraftError(`line ${f.line}: unknown header "${f.name}" (use From, To, Cc, Bcc, Subject, Attach)`);
    }
  }
  return draft;
}

/** Checks the addresses; throws DraftError naming the field and the bad entry. */
export function checkDraft(d: Draft): CheckedDraft {
  const fromList = addresses(d.from, 'From');
  if (fromList.length !== 1) throw new DraftError('From must hold exactly one address');
  const toList = addresses(d.to, 'To');
  const ccList = addresses(d.cc, 'Cc');
  const bccList = addresses(d.bcc, 'Bcc');
  if (toList.length + ccList.length + bccList.length === 0) throw new DraftError('there is no recipient: fill in To, Cc or Bcc');
  return { ...d, fromAddress: fromList[0]!, toList, ccList, bccList };
}

export function addresses(value: string, field: string): MailAddress[] {
  if (!value.trim()) return [];
  const parsed = addressparser(value, { flatten: true });
  for (const a of parsed) {
    if (!/^[^\s@<>",;]+@[^\s@<>",;]+$/.test(a.address)) {
      const shown = a.address || a.name || value;
      throw new DraftError(`${field}: "${oneLine(shown)}" is not an e-mail address`);
    }
  }
  return parsed.map((a) => ({ name: a.name, address: a.address }));
}

/** `Name <address>` (name quoted when needed) for the draft text. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
