// Turns a message into what the reader pane shows, through the MIME module (src/mime): parsing,
// body choice, wrapping and attachment saving all live there. The UI only depends on
// `MessageLoader`, so tests and the controller never care how a message is parsed.
import type { Readable } from 'node:stream';
import type { MailAccount } from '../accounts/account.js';
import type { MessageContent } from '../mime/message-content.js';
import type { MessageSummary } from '../domain/index.js';
import { sanitizeLine } from '../text/sanitize.js';
import { formatAddresses, formatReaderDate, type ReaderMessage } from './reader-message.js';

export type { ReaderAttachment, ReaderMessage } from './reader-message.js';
export { formatAddresses, formatReaderDate } from './reader-message.js';

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
  /**
   * The raw message as sanitized lines, at most `maxBytes` of it (for an in-app source view);
   * `cut` says it was longer. Reads only that much from the account.
   */
  rawSource?(message: ReaderMessage, maxBytes?: number): Promise<{ lines: string[]; cut: boolean }>;
  /** Attachment `which` (its index) or the HTML body, read whole, for another program; undefined: there is none. */
  content?(message: ReaderMessage, which: number | 'html'): Promise<MessageContent | undefined>;
  /** The raw message as the account sends it (for `|`). */
  rawStream?(message: ReaderMessage): Promise<Readable>;
}

/** How much of a message the source view reads by default. */
export const RAW_SOURCE_BYTES = 1024 * 1024;

export async function createDefaultLoader(): Promise<MessageLoader> {
  const { parseMessage, renderBody, saveAttachment } = await import('../mime/index.js');
  const { MessageParser, ParseLimitError } = await import('../mime/parse-in-worker.js');
  const { takeSmallMessage } = await import('../mime/small-message.js');
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
        // A small, plain message parses here in a few milliseconds (every step is linear); a
        // bigger one (by the bytes received, not the size the server reported) or one of a shape
        // a library may choke on goes to the worker, where it cannot hold up a key press.
        const taken = await takeSmallMessage(raw);
        const parsed = 'whole' in taken ? await parseMessage(taken.whole) : await parser.parse(taken.stream, { signal: options.signal });
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
    async content(message, which) {
      const o = origin.get(message);
      if (!o) throw new Error('the message is no longer open');
      const { attachmentContent, htmlContent } = await import('../mime/message-content.js');
      const raw = await o.account.fetchRaw(o.path, o.uid);
      return which === 'html' ? htmlContent(raw) : attachmentContent(raw, which);
    },
    async rawStream(message) {
      const o = origin.get(message);
      if (!o) throw new Error('the message is no longer open');
      return o.account.fetchRaw(o.path, o.uid);
    },
    async rawSource(message, maxBytes = RAW_SOURCE_BYTES) {
      const o = origin.get(message);
      if (!o) throw new Error('the message is no longer open');
      const stream = await o.account.fetchRaw(o.path, o.uid);
      const chunks: Buffer[] = [];
      let size = 0;
      let cut = false;
      try {
        for await (const chunk of stream) {
          const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), 'latin1');
          chunks.push(buf.subarray(0, maxBytes - size));
          size += Math.min(buf.length, maxBytes - size);
          if (size >= maxBytes) {
            cut = true;
            break;
          }
        }
      } finally {
        stream.destroy();
      }
      const text = Buffer.concat(chunks).toString('utf8');
      return { lines: text.split(/\r?\n/).map((l) => sanitizeLine(l)), cut };
    },
  };
}
