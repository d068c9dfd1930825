// Turns the POP3 byte stream into replies. node-pop3 assumes every TCP chunk is one whole reply and
// that a multi-line reply ends with a chunk ending in CRLF.CRLF; neither holds on a real network, so
// we parse independently of how the bytes were chunked (any split, even byte by byte).
//
// Status lines and listings (UIDL, LIST, CAPA: per-line caps) are parsed line by line. Message
// bodies (RETR, TOP) are parsed on buffers: the raw bytes are collected while only the terminator
// is searched for, then dot-unstuffing and CRLF -> LF run once over the whole body in one byte loop
// (`unstuff`). Per-line JavaScript for 10,000 messages cost ~0.3 s of CPU; this costs a few ms.
//
// Replies are matched to requests in FIFO order, which also makes pipelining (RFC 2449) possible.
// Every request carries caps so a hostile server cannot make us allocate without bound.

export class Pop3ProtocolError extends Error {
  override name = 'Pop3ProtocolError';
  /** The start of the line that broke the protocol (untrusted): lets a caller tell IMAP from POP3. */
  constructor(
    message: string,
    readonly line?: string,
  ) {
    super(message);
  }
}

/** The server answered -ERR; `text` is what followed (untrusted, unsanitized). */
export class Pop3ServerError extends Error {
  override name = 'Pop3ServerError';
  constructor(readonly text: string) {
    super(text);
  }
}

export interface ReplyRequest {
  /** After +OK, a dot-terminated body follows (RETR, TOP, UIDL, LIST, CAPA). */
  multiline: boolean;
  /** Max octets of the status line. */
  maxStatusLength: number;
  /** Multi-line only: max octets of the body, after unstuffing. */
  maxBodyBytes?: number;
  /** Multi-line only: max number of body lines. */
  maxLines?: number;
  /** Multi-line only: max octets of one body line. */
  maxLineLength?: number;
  /** Multi-line only: 'lf' turns each CRLF line end into LF (Maildir convention); 'crlf' keeps the wire form. */
  lineEnding?: 'lf' | 'crlf';
  /** Multi-line only: describes the limits in errors, e.g. "message 12". */
  what?: string;
  /** During a SASL exchange (AUTH, RFC 5034) a "+ " continuation line is a reply too. */
  continuation?: boolean;
  /** Multi-line bodies on buffers: where to put the body (e.g. a batch's shared memory). */
  allocator?: BodyAllocator;
}

/**
 * Memory for bodies: `take` returns undefined when full; `takeRest` hands out the whole free end
 * (at least `min` bytes, else undefined) for a body of unknown length; `trim` keeps the first
 * `length` bytes of the last region handed out and gives back the rest.
 */
export interface BodyAllocator {
  take(n: number): Buffer | undefined;
  takeRest(min: number): Buffer | undefined;
  trim(b: Buffer, length: number): void;
}

export interface Reply {
  /** Status text after "+OK " (latin1-decoded, untrusted). */
  status: string;
  /** Multi-line body: dot-unstuffed, terminator removed. */
  body?: Buffer;
  lines?: number;
  /** A SASL continuation ("+ " and a base64 challenge in `status`), not +OK. */
  continuation?: boolean;
}

const TAIL_NONE = 0;
const TAIL_LF = 1;
const TAIL_DOT = 2;
const TAIL_DOT_CR = 3;

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const EMPTY = Buffer.alloc(0);
const LF_DOT = Buffer.from('\n.');

/** Where a reply goes: one object per `expect`, one shared by a whole `expectAll` burst. */
interface Settle {
  resolve(index: number, reply: Reply): void;
  reject(index: number, err: Error): void;
}

/**
 * One awaited reply. A class with every field set in the constructor: all instances share one
 * shape. (A spread of the request plus closures per reply cost ~3 KB each, and a pipelined batch
 * keeps a thousand of them alive long enough to survive young-generation GCs.)
 */
class Pending {
  status: string | undefined = undefined;
  /** Body bytes are copied into one growing buffer: no per-line objects, no final concat. */
  out: Buffer = EMPTY;
  bodyBytes = 0;
  lineCount = 0;
  /** How the raw bytes so far end: after an LF (or at the body start), "\n.", "\n.\r", or else. */
  tail = TAIL_LF;
  /** `out` is the free end of the request's allocator (given back in part when the body ends). */
  inArena = false;
  /** Body on buffers (no per-line caps): raw wire bytes in `out`. */
  readonly raw: boolean;

  constructor(
    readonly req: ReplyRequest,
    readonly settle: Settle,
    readonly index: number,
  ) {
    this.raw = req.multiline && req.maxLines === undefined && req.maxLineLength === undefined;
  }

  resolve(reply: Reply): void {
    this.settle.resolve(this.index, reply);
  }

  reject(err: Error): void {
    this.settle.reject(this.index, err);
  }
}

/** The replies of a pipelined burst, behind one promise. */
class BurstSettle implements Settle {
  private readonly replies: Reply[];
  private left: number;
  private firstError: Error | undefined;

  constructor(
    count: number,
    private readonly done: (replies: Reply[] | undefined, err: Error | undefined) => void,
    private readonly onReply: ((reply: Reply | undefined, err: Error | undefined) => void) | undefined,
  ) {
    this.replies = new Array<Reply>(count);
    this.left = count;
  }

  resolve(index: number, reply: Reply): void {
    this.replies[index] = reply;
    this.onReply?.(reply, undefined);
    this.settled();
  }

  reject(_index: number, err: Error): void {
    this.firstError ??= err;
    this.onReply?.(undefined, err);
    this.settled();
  }

  private settled(): void {
    if (--this.left > 0) return;
    if (this.firstError) this.done(undefined, this.firstError);
    else this.done(this.replies, undefined);
  }
}

export class ResponseReader {
  private queue: Pending[] = [];
  /** Bytes of an incomplete line carried over from earlier chunks. */
  private partial: Buffer[] = [];
  private partialLength = 0;
  private failure: Error | undefined;

  /** Registers the next expected reply (call in the order commands are sent). */
  expect(req: ReplyRequest): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Reply>((resolve, reject) => {
      this.queue.push(new Pending(req, { resolve: (_, reply) => resolve(reply), reject: (_, err) => reject(err) }, 0));
    });
  }

  /**
   * Registers the replies to a pipelined burst of commands at once, behind one promise (no promise
   * per reply). It settles when every reply is in: with all of them, or with the first error once
   * the others have settled too (so the connection is in a known state). `onReply` sees each one.
   */
  expectAll(requests: ReplyRequest[], onReply?: (reply: Reply | undefined, err: Error | undefined) => void): Promise<Reply[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (requests.length === 0) return Promise.resolve([]);
    return new Promise<Reply[]>((resolveAll, rejectAll) => {
      const settle = new BurstSettle(requests.length, (replies, err) => (err ? rejectAll(err) : resolveAll(replies!)), onReply);
      for (let i = 0; i < requests.length; i++) this.queue.push(new Pending(requests[i]!, settle, i));
    });
  }

  /** True when no reply is awaited and no unread bytes are buffered (required before STLS). */
  get idle(): boolean {
    return this.queue.length === 0 && this.partialLength === 0;
  }

  /** Fails every awaited reply (connection closed, timeout, protocol error). */
  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    const queue = this.queue;
    this.queue = [];
    for (const p of queue) p.reject(err);
  }

  push(chunk: Buffer): void {
    if (this.failure) return;
    let start = 0;
    while (start < chunk.length) {
      const head = this.queue[0];
      if (head?.raw && head.status !== undefined && this.partialLength === 0) {
        start = this.pushRaw(head, chunk, start);
        if (this.failure) return;
        continue;
      }
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) {
        this.keepPartial(chunk.subarray(start));
        return;
      }
      let line = chunk.subarray(start, nl + 1);
      start = nl + 1;
      if (this.partialLength > 0) {
        this.partial.push(line);
        line = Buffer.concat(this.partial, this.partialLength + line.length);
        this.partial = [];
        this.partialLength = 0;
      }
      this.onLine(line);
      if (this.failure) return;
    }
  }

  /**
   * Body bytes of `chunk` from `start`, copied once; on the terminator (a line that is just ".",
   * CRLF or a bare LF) finishes the reply and returns where the next reply starts in `chunk`.
   * `head.tail` says how the bytes before this chunk ended, for a terminator split across chunks.
   */
  private pushRaw(head: Pending, chunk: Buffer, start: number): number {
    // A terminator begun in earlier chunks ("\n." or "\n.\r" already copied).
    if (head.tail === TAIL_DOT || head.tail === TAIL_DOT_CR) {
      const b0 = chunk[start];
      const b1 = chunk[start + 1];
      if (head.tail === TAIL_DOT_CR ? b0 === LF : b0 === LF || (b0 === CR && b1 === LF)) {
        const copied = head.tail === TAIL_DOT ? 1 : 2;
        this.finishRaw(head, head.out.subarray(0, head.bodyBytes - copied), true);
        return start + (b0 === LF ? 1 : 2);
      }
      if (head.tail === TAIL_DOT && b0 === CR && b1 === undefined) {
        this.append(head, chunk, start, start + 1);
        head.tail = TAIL_DOT_CR;
        return start + 1;
      }
      head.tail = TAIL_NONE;
    }
    let from = start;
    for (;;) {
      let dot: number;
      if (from === start && head.tail === TAIL_LF && chunk[start] === DOT) dot = start;
      else {
        const i = chunk.indexOf(LF_DOT, from);
        dot = i === -1 ? -1 : i + 1;
      }
      if (dot === -1) break;
      const next = chunk[dot + 1];
      if (next === LF || (next === CR && chunk[dot + 2] === LF)) {
        if (head.bodyBytes === 0) {
          // The whole body is in this chunk (most messages, when pipelined).
          this.finishRaw(head, chunk.subarray(start, dot), false);
        } else {
          this.append(head, chunk, start, dot);
          this.finishRaw(head, head.out.subarray(0, head.bodyBytes), true);
        }
        return dot + (next === LF ? 2 : 3);
      }
      if (next === undefined || (next === CR && dot + 2 === chunk.length)) {
        // The rest of a possible terminator is in the next chunk.
        this.append(head, chunk, start, chunk.length);
        head.tail = next === undefined ? TAIL_DOT : TAIL_DOT_CR;
        return chunk.length;
      }
      from = dot + 1; // a dot-stuffed line: search on after it
    }
    this.append(head, chunk, start, chunk.length);
    head.tail = chunk[chunk.length - 1] === LF ? TAIL_LF : TAIL_NONE;
    const cap = head.req.maxBodyBytes;
    // Raw bytes are at most twice the unstuffed LF form (an empty CRLF line becomes one LF).
    if (cap !== undefined && head.bodyBytes > 2 * cap + 1024)
      this.fail(new Pop3ProtocolError(`${head.req.what ?? 'the reply'} is larger than the limit of ${cap} octets`));
    return chunk.length;
  }

  private append(head: Pending, chunk: Buffer, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    if (head.bodyBytes + n > head.out.length) this.grow(head, head.bodyBytes + n);
    chunk.copy(head.out, head.bodyBytes, from, to);
    head.bodyBytes += n;
  }

  /**
   * Room for `need` raw bytes. With an allocator, first the whole free end of it: the raw bytes
   * land where the body will be and are unstuffed in place (no buffer per message, one copy).
   * Else, or when that is too small, a buffer of our own that doubles as it fills.
   */
  private grow(head: Pending, need: number): void {
    const allocator = head.req.allocator;
    if (head.out.length === 0 && allocator) {
      const rest = allocator.takeRest(need);
      if (rest) {
        head.out = rest;
        head.inArena = true;
        return;
      }
    }
    // "+OK 2312 octets" (RETR on most servers) is a good first guess for the size; capped, so
    // the server's word alone cannot make us allocate much: real bytes grow the buffer.
    const hint =
      head.out.length === 0 ? Math.min(Number(/^(\d{1,12}) octets/.exec(head.status ?? '')?.[1] ?? 0) + 64, head.req.maxBodyBytes ?? 1 << 20, 1 << 20) : 0;
    const grown = Buffer.allocUnsafe(Math.max(head.out.length * 2, need, hint));
    head.out.copy(grown, 0, 0, head.bodyBytes);
    if (head.inArena) {
      allocator!.trim(head.out, 0);
      head.inArena = false;
    }
    head.out = grown;
  }

  /** `raw` is in `head.out` (owned) or in the socket's chunk (copied first: the socket may reuse it). */
  private finishRaw(head: Pending, raw: Buffer, owned: boolean): void {
    const allocator = head.req.allocator;
    let region: Buffer | undefined;
    let dest = raw;
    if (owned) {
      if (head.inArena) region = head.out;
    } else {
      region = allocator?.take(raw.length);
      dest = region ?? Buffer.allocUnsafe(raw.length);
      raw.copy(dest, 0);
    }
    const body = unstuffInPlace(dest, head.req.lineEnding === 'lf');
    // The body starts where the region does: keep its length, give back the rest.
    if (region) allocator!.trim(region, body.length);
    head.inArena = false;
    if (head.req.maxBodyBytes !== undefined && body.length > head.req.maxBodyBytes) {
      this.fail(new Pop3ProtocolError(`${head.req.what ?? 'the reply'} is larger than the limit of ${head.req.maxBodyBytes} octets`));
      return;
    }
    this.queue.shift();
    head.resolve({ status: head.status ?? '', body, lines: 0 });
  }

  private keepPartial(piece: Buffer): void {
    this.partialLength += piece.length;
    const head = this.queue[0];
    const cap = !head
      ? 4096
      : head.status === undefined
        ? head.req.maxStatusLength
        : (head.req.maxLineLength ?? head.req.maxBodyBytes ?? Number.MAX_SAFE_INTEGER);
    if (this.partialLength > cap + 2) {
      this.fail(this.lineTooLong(head));
      return;
    }
    // Copy: the socket may reuse its buffer.
    this.partial.push(Buffer.from(piece));
  }

  private lineTooLong(head: Pending | undefined): Error {
    if (!head || head.status === undefined) return new Pop3ProtocolError('the server sent a status line that is too long');
    if (head.req.maxLineLength !== undefined)
      return new Pop3ProtocolError(`the server sent a line longer than ${head.req.maxLineLength} octets${head.req.what ? ` in ${head.req.what}` : ''}`);
    return new Pop3ProtocolError(`${head.req.what ?? 'the reply'} is larger than the limit of ${head.req.maxBodyBytes} octets`);
  }

  private onLine(line: Buffer): void {
    const head = this.queue[0];
    if (!head) {
      this.fail(new Pop3ProtocolError('the server sent data nobody asked for'));
      return;
    }
    if (head.status === undefined) {
      this.onStatusLine(head, line);
      return;
    }
    this.onBodyLine(head, line);
  }

  private onStatusLine(head: Pending, line: Buffer): void {
    if (line.length > head.req.maxStatusLength + 2) {
      this.fail(this.lineTooLong(head));
      return;
    }
    const text = stripEol(line).toString('latin1');
    if (text.startsWith('+OK')) {
      // One reply per message and one per DELE: no regular expression for the optional space.
      head.status = text.charCodeAt(3) === 0x20 ? text.slice(4) : text.slice(3);
      if (head.req.multiline && !head.raw) head.out = Buffer.allocUnsafe(1024);
      if (!head.req.multiline) this.finish(head);
      return;
    }
    if (head.req.continuation && !head.req.multiline && (text === '+' || text.startsWith('+ '))) {
      this.queue.shift();
      head.resolve({ status: text.slice(2), continuation: true });
      return;
    }
    if (text.startsWith('-ERR')) {
      this.queue.shift();
      head.reject(new Pop3ServerError(text.slice(4).replace(/^ /, '')));
      return;
    }
    this.fail(new Pop3ProtocolError('the server sent a reply that is neither +OK nor -ERR', text.slice(0, 200)));
  }

  private onBodyLine(head: Pending, line: Buffer): void {
    let body = line;
    if (line[0] === DOT) {
      // A lone "." ends the reply; otherwise a leading dot was added by the server (RFC 1939 §3).
      if (line.length === 2 || (line.length === 3 && line[1] === CR)) {
        this.finish(head);
        return;
      }
      body = line.subarray(1);
    }
    if (head.req.maxLineLength !== undefined && body.length > head.req.maxLineLength + 2) {
      this.fail(this.lineTooLong(head));
      return;
    }
    const dropCr = head.req.lineEnding === 'lf' && body.length >= 2 && body[body.length - 2] === CR;
    const length = dropCr ? body.length - 1 : body.length;
    if (head.bodyBytes + length > head.out.length) {
      const grown = Buffer.allocUnsafe(Math.max(head.out.length * 2, head.bodyBytes + length));
      head.out.copy(grown, 0, 0, head.bodyBytes);
      head.out = grown;
    }
    if (dropCr) {
      body.copy(head.out, head.bodyBytes, 0, body.length - 2);
      head.out[head.bodyBytes + length - 1] = LF;
    } else {
      body.copy(head.out, head.bodyBytes);
    }
    head.bodyBytes += length;
    head.lineCount++;
    if (head.req.maxBodyBytes !== undefined && head.bodyBytes > head.req.maxBodyBytes) {
      this.fail(new Pop3ProtocolError(`${head.req.what ?? 'the reply'} is larger than the limit of ${head.req.maxBodyBytes} octets`));
      return;
    }
    if (head.req.maxLines !== undefined && head.lineCount > head.req.maxLines) {
      this.fail(new Pop3ProtocolError(`${head.req.what ?? 'the reply'} has more than ${head.req.maxLines} lines`));
    }
  }

  private finish(head: Pending): void {
    this.queue.shift();
    const reply: Reply = { status: head.status ?? '' };
    if (head.req.multiline) {
      reply.body = head.out.subarray(0, head.bodyBytes);
      reply.lines = head.lineCount;
    }
    head.resolve(reply);
  }
}

/**
 * The body of a multi-line reply as it was before the server sent it: the dot a line starts with
 * is removed (RFC 1939 §3 byte-stuffing), and with `lf` each CRLF becomes LF; lone CRs and 8-bit
 * bytes are untouched. `into` (at least raw.length long) is used instead of a new buffer.
 */
export function unstuff(raw: Buffer, lf: boolean, into?: Buffer): Buffer {
  const out = into ?? Buffer.allocUnsafe(raw.length);
  raw.copy(out, 0);
  return unstuffInPlace(out.subarray(0, raw.length), lf);
}

/**
 * `unstuff` over the bytes where they are (the result is never longer, so each line moves left).
 * One pass, no strings: the former latin1 string and two replaceAll made four copies of every
 * body. Each line moves with one native copyWithin, which beat both a byte loop in JavaScript
 * and a copy into a second buffer (~40% less CPU on 10,000 generated messages).
 */
export function unstuffInPlace(buf: Buffer, lf: boolean): Buffer {
  const n = buf.length;
  let j = 0;
  let i = 0;
  while (i < n) {
    if (buf[i] === DOT) i++;
    let next = buf.indexOf(LF, i);
    next = next === -1 ? n : next + 1;
    const end = lf && next - i >= 2 && buf[next - 1] === LF && buf[next - 2] === CR ? next - 2 : next;
    if (j !== i) buf.copyWithin(j, i, end);
    j += end - i;
    if (end !== next) buf[j++] = LF;
    i = next;
  }
  return buf.subarray(0, j);
}

function stripEol(line: Buffer): Buffer {
  let end = line.length;
  if (end > 0 && line[end - 1] === LF) end--;
  if (end > 0 && line[end - 1] === CR) end--;
  return line.subarray(0, end);
}
