// Turns a message into what the reader pane shows, through the MIME module (src/mime): parsing,
// body choice, wrapping and attachment saving all live there. The UI only depends on
// `MessageLoader`, so tests and the controller never care how a message is parsed.
import type { Address, MailAccount } from '../accounts/account.js';
import { sanitizeLine } from '../mime/sanitize.js';

export interface ReaderAttachment {
  filename: string;
  contentType: string;
  size: number;
}

export interface ReaderMessage {
  from: string;
  to: string;
  cc: string;
  date: string;
  subject: string;
  /** Body as plain text (HTML already converted), sanitized, not yet wrapped. */
  text: string;
  /** Every header line, sanitized, for the full-headers view. */
  headerLines: string[];
  attachments: ReaderAttachment[];
  /** Problems with the message's structure, for the user (already sanitized). */
  warnings: string[];
  /** Where the message lives ("on the server", "local cache, deleted from the server"). */
  location?: string;
}

export interface MessageLoader {
  load(account: MailAccount, path: string, uid: number): Promise<ReaderMessage>;
  /** Wraps body text to `width` display cells. */
  render(text: string, width: number): string[];
  /** Saves attachment `index` of `message` into `dir`; resolves to the path written. */
  saveAttachment(message: ReaderMessage, index: number, dir: string): Promise<string>;
}

export function formatAddresses(list: Address[]): string {
  return sanitizeLine(list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', '));
}

const two = (n: number) => String(n).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Local time, unambiguous and short: `Sun 2024-03-10 10:40`. */
export function formatReaderDate(d: Date | undefined): string {
  if (!d || Number.isNaN(d.getTime())) return '(no valid date)';
  return `${DAYS[d.getDay()]} ${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export async function createDefaultLoader(): Promise<MessageLoader> {
  const { parseMessage, renderBody, saveAttachment } = await import('../mime/index.js');
  // Where a shown message came from, so `s` can stream the attachment again from the account.
  const origin = new WeakMap<ReaderMessage, { account: MailAccount; path: string; uid: number }>();
  return {
    async load(account, path, uid) {
      const parsed = await parseMessage(await account.fetchRaw(path, uid));
      const msg: ReaderMessage = {
        from: formatAddresses(parsed.from),
        to: formatAddresses(parsed.to),
        cc: formatAddresses(parsed.cc),
        date: formatReaderDate(parsed.date),
        subject: sanitizeLine(parsed.subject),
        text: parsed.bodyText,
        headerLines: parsed.headerLines.map(sanitizeLine),
        attachments: parsed.attachments.map((a) => ({
          filename: sanitizeLine(a.filename),
          contentType: sanitizeLine(a.contentType),
          size: a.size,
        })),
        warnings: parsed.warnings.map(sanitizeLine),
      };
      origin.set(msg, { account, path, uid });
      return msg;
    },
    render: (text, width) => renderBody(text, width),
    async saveAttachment(message, index, dir) {
      const o = origin.get(message);
      if (!o) throw new Error('the message is no longer open');
      const saved = await saveAttachment(await o.account.fetchRaw(o.path, o.uid), index, dir);
      return saved.path;
    },
  };
}
