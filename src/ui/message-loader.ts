// Turns a message into what the reader pane shows, through the MIME module (src/mime): parsing,
// body choice, wrapping and attachment saving all live there. The UI only depends on
// `MessageLoader`, so tests and the controller never care how a message is parsed.
import type { Readable } from 'node:stream';
import type { MailAccount } from '../accounts/account.js';
import type { MessageContent } from '../mime/message-content.js';
import type { ParsedMessage } from '../mime/types.js';
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
  /** Starts what reading needs (the parser's worker) ahead of the first message. */
  warm?(): void;
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

export interface LoaderOptions {
  /**
   * Parses a raw message. Default: in the parser's worker (src/mime/parse-in-worker.ts). The UI
   * tests pass parseMessage, on their own thread: a worker started under tsx takes seconds.
   */
  parse?: (raw: Readable, options: { signal?: AbortSignal }) => Promise<ParsedMessage>;
}

export async function createDefaultLoader(options: LoaderOptions = {}): Promise<MessageLoader> {
  // Only what reading a message needs on this thread: the worker's client, wrapping and the
  // over-limit view, none of which loads a mail library. Every message is parsed in the worker:
  // loading mailparser, libmime and iconv-lite's tables here would block keys for ~0.1–0.25 s.
  // The libraries for saving and handing off load when one of those is asked for.
  const [{ MessageParser, ParseLimitError }, { renderBody }, { overLimitMessage, withEnvelope }] = await Promise.all([
    import('../mime/parse-in-worker.js'),
    import('../mime/render-body.js'),
    import('./over-limit-message.js'),
  ]);
  // The worker starts at warm() (run.tsx: once the list has been quiet for a second) or at the
  // first message, on its own thread.
  const parser = new MessageParser();
  const parse = options.parse ?? ((raw: Readable, o: { signal?: AbortSignal }) => parser.parse(raw, o));
  // Where a shown message came from, so `s` can stream the attachment again from the account.
  const origin = new WeakMap<ReaderMessage, { account: MailAccount; path: string; uid: number }>();
  return {
    async load(account, path, uid, loadOptions = {}) {
      let msg: ReaderMessage;
      try {
        const raw = await account.fetchRaw(path, uid);
        const parsed = await parse(raw, { signal: loadOptions.signal });
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
          loadOptions.envelope,
        );
      } catch (err) {
        if (!(err instanceof ParseLimitError)) throw err;
        msg = overLimitMessage(err.rawHead, err.message, loadOptions.envelope);
      }
      origin.set(msg, { account, path, uid });
      return msg;
    },
    warm: () => {
      if (!options.parse) parser.warm();
    },
    render: (text, width) => renderBody(text, width),
    async saveAttachment(message, index, dir) {
      const o = origin.get(message);
      if (!o) throw new Error('the message is no longer open');
      const { saveAttachment } = await import('../mime/save-attachment.js');
      const saved = await saveAttachment(await o.account.fetchRaw(o.path, o.uid), index, dir);
      return saved.path;
    },
    async saveSource(message, dir) {
      const o = origin.get(message);
      if (!o) throw new Error('the message is no longer open');
      const { saveRawMessage } = await import('../mime/save-raw-message.js');
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
