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
  onAttachment(attachment: AttachmentStream, index: number, state: WalkState): Promise<void>;
}

export interface WalkState {
  /**
   * Set once the source failed. The parser then ends what it has, so an attachment in progress
   * ends early: check this after reading one to know whether it arrived whole.
   */
  sourceFailure?: Error;
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

    const finish = (failure?: Error, stop = true): void => {
      if (settled) return;
      settled = true;
      if (failure && stop) {
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
      const handled = handlers.onAttachment(data, index, state).catch((err: unknown) => {
        handlerError ??= err;
        data.content.resume();
      });
      pending.push(handled.finally(() => data.release?.()));
    });
    const state: WalkState = {};
    parser.on('end', () => finish(state.sourceFailure, false));
    parser.on('error', (err: Error) => finish(err));

    if (Buffer.isBuffer(source)) {
      ends.add(source);
      parser.end(source);
    } else {
      // A source that fails midway (dropped connection): let the parser finish what it has, so
      // the caller still gets the headers and text that did arrive.
      const sourceFailed = (err: Error): void => {
        if (state.sourceFailure || settled) return;
        state.sourceFailure = err;
        source.unpipe(parser);
        parser.end();
      };
      let sourceEnded = false;
      source.on('end', () => (sourceEnded = true));
      source.on('error', sourceFailed);
      // Destroyed without an error: pipe() would never end the parser, so do it here.
      source.on('close', () => {
        if (!sourceEnded) sourceFailed(new Error('the message stream closed early'));
      });
      source.on('data', (chunk: Buffer | string) => ends.add(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
      if (source.destroyed || source.errored || source.readableEnded) {
        // It failed (or was read by someone else) before we got it: 'end' will never come.
        sourceFailed(source.errored ?? new Error(source.readableEnded ? 'the message stream was already read' : 'the message stream closed early'));
        return;
      }
      source.pipe(parser);
    }
  });
}
