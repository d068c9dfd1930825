// Turns a message into what the reader pane shows, through the MIME module (src/mime): parsing,
// body choice, wrapping and attachment saving all live there. The UI only depends on
// `MessageLoader`, so tests and the controller never care how a message is parsed.
import type { Address, MailAccount, MessageSummary } from '../accounts/account.js';
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
  /** True when the message was over the limits and only part of it is shown (`s` saves it whole). */
  cut?: boolean;
}

export interface LoadOptions {
  /** Leaving the message aborts its loading (the parser's worker is terminated). */
  signal?: AbortSignal;
  /** The list's summary: used when the message's own header block cannot be read. */
  envelope?: MessageSummary;
}

export interface MessageLoader {
  load(account: MailAccount, path: string, uid: number, options?: LoadOptions): Promise<ReaderMessage>;
  /** Wraps body text to `width` display cells. */
  render(text: string, width: number): string[];
  /** Saves attachment `index` of `message` into `dir`; resolves to the path written. */
  saveAttachment(message: ReaderMessage, index: number, dir: string): Promise<string>;
  /** Saves the whole raw message into `dir` as an .eml file; resolves to the path written. */
  saveSource?(message: ReaderMessage, dir: string): Promise<string>;
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

/** Messages up to this size are parsed on the UI thread (no worker round trip). */
const SMALL_MESSAGE_BYTES = 128 * 1024;

export async function createDefaultLoader(): Promise<MessageLoader> {
  const { parseMessage, renderBody, saveAttachment } = await import('../mime/index.js');
  const { MessageParser, ParseLimitError } = await import('../mime/parse-in-worker.js');
  // Started at the first message that needs it, not at start-up: loading the mail libraries into
  // a worker competes with the first screen for the CPU.
  const parser = new MessageParser();
  const { overLimitMessage, withEnvelope } = await import('./over-limit-message.js');
  const { saveRawMessage } = await import('../mime/save-raw-message.js');
  // Where a shown message came from, so `s` can stream the attachment again from the account.
  const origin = new WeakMap<ReaderMessage, { account: MailAccount; path: string; uid: number }>();
  return {
    async load(account, path, uid, options = {}) {
      let msg: ReaderMessage;
      try {
        const raw = await account.fetchRaw(path, uid);
        // A small message parses here in a few milliseconds (every step is linear); anything
        // bigger, or of unknown size, goes to the worker where it cannot hold up a key press.
        const small = options.envelope !== undefined && options.envelope.size <= SMALL_MESSAGE_BYTES;
        const parsed = small ? await parseMessage(raw) : await parser.parse(raw, { signal: options.signal });
        msg = withEnvelope(
          {
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
            cut: parsed.warnings.some((w) => /only its first|could not be read completely|unusually complex/.test(w)),
          },
          options.envelope,
        );
      } catch (err) {
        if (!(err instanceof ParseLimitError)) throw err;
        msg = overLimitMessage(err.rawHead, err.message, options.envelope);
      }
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
    async saveSource(message, dir) {
      const o = origin.get(message);
      if (!o) throw new Error('the message is no longer open');
      return saveRawMessage(await o.account.fetchRaw(o.path, o.uid), dir, `message-${o.uid}.eml`);
    },
  };
}
