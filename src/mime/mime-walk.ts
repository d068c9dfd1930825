// One pass of mailparser's streaming parser over a raw message, shared by parseMessage and
// saveAttachment so both number attachments identically. Streaming (not simpleParser) is what
// bounds memory: attachment content flows through the caller's handler and is never collected
// here, so a 50 MB attachment is not held in memory at all (simpleParser would hold it, plus the
// raw message if the caller buffered that). Text bodies are still collected by mailparser.
import { MailParser, type AttachmentStream, type HeaderLines, type MessageText } from 'mailparser';
import type { MessageSource } from './types.js';

export interface WalkHandlers {
  onHeaderLines?(lines: HeaderLines): void;
  /**
   * Must read `attachment.content` to its end (or resume it) before resolving; the walker calls
   * `release()` afterwards. A rejection is reported in `handlerError`; the rest is drained.
   */
  onAttachment(attachment: AttachmentStream, index: number): Promise<void>;
}

export interface WalkResult {
  text?: MessageText;
  /** The parser or the source failed; everything seen before that is still reported. */
  failure?: Error;
  handlerError?: unknown;
  attachmentCount: number;
  /** mailparser's internal part tree (undocumented: only inspected defensively for warnings). */
  tree?: unknown;
  /** The first bytes of the raw message (at most RAW_HEAD_BYTES), for a raw-text fallback. */
  rawHead: Buffer;
  /** The last bytes of the raw message (at most RAW_TAIL_BYTES), to spot a truncated message. */
  rawTail: Buffer;
}

export const RAW_HEAD_BYTES = 1024 * 1024;
export const RAW_TAIL_BYTES = 8 * 1024;

/** Keeps a bounded copy of the start and the end of what flows past, nothing in between. */
class RawEnds {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail = Buffer.alloc(0);

  add(chunk: Buffer): void {
    if (this.headBytes < RAW_HEAD_BYTES) {
      const part = chunk.subarray(0, RAW_HEAD_BYTES - this.headBytes);
      this.head.push(Buffer.from(part));
      this.headBytes += part.length;
    }
    const joined = chunk.length >= RAW_TAIL_BYTES ? chunk : Buffer.concat([this.tail, chunk]);
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - RAW_TAIL_BYTES)));
  }

  get rawHead(): Buffer {
    return Buffer.concat(this.head);
  }

  get rawTail(): Buffer {
    return this.tail;
  }
}

export function walkMessage(source: MessageSource, handlers: WalkHandlers): Promise<WalkResult> {
  const parser = new MailParser({
    skipHtmlToText: true, // we convert HTML ourselves, with our own html-to-text options
    skipTextToHtml: true,
    skipImageLinks: true,
    checksumAlgo: false,
  });
  return new Promise((resolve) => {
    let settled = false;
    let text: MessageText | undefined;
    let handlerError: unknown;
    let attachmentCount = 0;
    const pending: Promise<void>[] = [];
    const ends = new RawEnds();
    // Attachments whose content has not ended; on failure they are destroyed so their readers
    // see an error instead of waiting forever for data that will not come.
    const open = new Set<AttachmentStream>();

    const finish = (failure?: Error): void => {
      if (settled) return;
      settled = true;
      if (failure) {
        if (!Buffer.isBuffer(source)) {
          // Keep draining a network stream so the connection it came from does not stall.
          source.unpipe(parser);
          source.resume();
        }
        parser.destroy();
        for (const att of open) att.content.destroy(failure);
      }
      void Promise.allSettled(pending).then(() =>
        resolve({
          text,
          failure,
          handlerError,
          attachmentCount,
          tree: (parser as unknown as { tree?: unknown }).tree,
          rawHead: ends.rawHead,
          rawTail: ends.rawTail,
        }),
      );
    };

    if (handlers.onHeaderLines) parser.on('headerLines', handlers.onHeaderLines);
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        text = data;
        return;
      }
      const index = attachmentCount++;
      open.add(data);
      const done = (): void => void open.delete(data);
      data.content.once('end', done).once('close', done);
      const handled = handlers.onAttachment(data, index).catch((err: unknown) => {
        handlerError ??= err;
        data.content.resume();
      });
      pending.push(handled.finally(() => data.release?.()));
    });
    parser.on('end', () => finish());
    parser.on('error', (err: Error) => finish(err));

    if (Buffer.isBuffer(source)) {
      ends.add(source);
      parser.end(source);
    } else {
      source.on('error', (err: Error) => finish(err));
      source.on('data', (chunk: Buffer | string) => ends.add(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
      source.pipe(parser);
    }
  });
}
