// parseMessage off the UI thread, with a time and memory budget. Parsing, HTML conversion and
// sanitizing are linear now, but a 5 MB message still costs seconds of CPU on a slow machine and
// a hostile one could find the next super-linear corner of a library: in a worker it cannot
// delay a key press, and a worker over its limits is terminated (the rest of tmail goes on).
// The raw bytes stream through to the worker; the first RAW_HEAD_KEPT bytes are also kept here
// so a message the worker gave up on can still show its start.
//
// One worker is kept warm and reused: starting one costs ~0.3 s on an idle machine (3 s on a
// loaded one), mostly loading the mail libraries. A worker that is terminated (time or memory
// exceeded, the user left the message) is replaced at once so the next message finds one ready.
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { ParsedMessage } from './types.js';
import type { FromWorker, ToWorker } from './parse-worker.js';

export const PARSE_TIMEOUT_MS = 30_000;
/** The worker's own V8 heap; the UI's heap cap does not cover workers. */
export const PARSE_HEAP_MB = 160;
export const RAW_HEAD_KEPT = 256 * 1024;

export type ParseFailure = 'timeout' | 'memory' | 'crash';

export class ParseLimitError extends Error {
  constructor(
    readonly reason: ParseFailure,
    /** The start of the raw message, for a fallback view. */
    readonly rawHead: Buffer,
    detail: string,
  ) {
    super(detail);
  }
}

export class ParseCancelled extends Error {
  constructor() {
    super('message loading cancelled');
  }
}

export interface ParseInWorkerOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

// Under the test runner the sources are TypeScript: the worker registers tsx itself (loader
// hooks registered with --import do not reach worker threads on Node 20).
const FROM_SOURCE = import.meta.url.endsWith('.ts');

function workerUrl(): URL {
  if (!FROM_SOURCE) return new URL('./parse-worker.js', import.meta.url);
  const entry = new URL('./parse-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

export class MessageParser {
  private worker: Worker | undefined;
  private busy = false;
  private nextId = 1;

  constructor(private readonly heapMb = PARSE_HEAP_MB) {}

  /** Starts a worker now, so the first message does not wait for it. */
  warm(): void {
    this.worker ??= this.spawn();
  }

  /** Terminates the worker (at exit). */
  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private spawn(): Worker {
    const worker = new Worker(workerUrl(), {
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      stdout: true, // a library's console output must not draw over the UI
      stderr: true,
    });
    worker.unref(); // an idle parser never keeps tmail alive
    worker.on('error', () => undefined); // reported to the parse under way, if any
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    return worker;
  }

  private discard(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    void worker.terminate();
    this.warm();
  }

  parse(source: Readable, options: ParseInWorkerOptions = {}): Promise<ParsedMessage> {
    const timeoutMs = options.timeoutMs ?? PARSE_TIMEOUT_MS;
    // One message at a time: a second one (the first still parsing) gets a worker of its own.
    if (this.busy && this.worker) this.discard(this.worker);
    this.warm();
    const worker = this.worker!;
    const id = this.nextId++;
    this.busy = true;
    return new Promise<ParsedMessage>((resolve, reject) => {
      const head: Buffer[] = [];
      let headBytes = 0;
      let settled = false;
      const rawHead = () => Buffer.concat(head);
      const finish = (err: Error | undefined, parsed?: ParsedMessage) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        source.destroy();
        worker.unref();
        if (this.worker === worker) this.busy = false;
        if (err) this.discard(worker);
        if (err) reject(err);
        else resolve(parsed!);
      };
      const timer = setTimeout(
        () => finish(new ParseLimitError('timeout', rawHead(), `reading it took longer than ${Math.round(timeoutMs / 1000)} s`)),
        timeoutMs,
      );
      const onAbort = () => finish(new ParseCancelled());
      const onMessage = (m: FromWorker) => {
        if (m.type === 'done' && m.id === id) finish(undefined, m.parsed);
        else if (m.type === 'failed' && m.id === id) finish(new ParseLimitError('crash', rawHead(), m.message));
      };
      const onError = (err: Error & { code?: string }) => {
        const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish(new ParseLimitError(memory ? 'memory' : 'crash', rawHead(), memory ? `reading it needed more than ${this.heapMb} MB` : err.message));
      };
      const onExit = () => finish(new ParseLimitError('crash', rawHead(), 'the parser stopped unexpectedly'));
      if (options.signal?.aborted) return finish(new ParseCancelled());
      options.signal?.addEventListener('abort', onAbort);
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      // Referenced while it works for us, so a parse under way is not dropped at exit.
      worker.ref();
      const post = (m: ToWorker, transfer?: ArrayBuffer[]) => {
        if (!settled) worker.postMessage(m, transfer);
      };
      post({ type: 'start', id });
      source.on('data', (chunk: Buffer) => {
        if (headBytes < RAW_HEAD_KEPT) {
          const part = Buffer.from(chunk.subarray(0, RAW_HEAD_KEPT - headBytes));
          head.push(part);
          headBytes += part.length;
        }
        const data = transferable(chunk);
        post({ type: 'chunk', id, data }, [data.buffer as ArrayBuffer]);
      });
      source.once('end', () => post({ type: 'end', id }));
      source.once('error', (err) => post({ type: 'error', id, message: err.message }));
    });
  }
}

/**
 * The chunk's bytes in memory that can be handed to the worker without a copy on either side. A
 * Buffer alone in its memory (imapflow's assembled literals, 1 MB each) is handed over as it is:
 * the stream is done with a chunk once it has been emitted, and a copy of each megabyte is
 * fresh memory to fault in and collect on the UI thread. A view into a larger or shared block
 * (Node's 8 KB pool, a slice of a socket read) is copied first.
 */
export function transferable(chunk: Buffer): Uint8Array {
  const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
  return whole ? new Uint8Array(chunk.buffer, 0, chunk.byteLength) : new Uint8Array(chunk);
}

/** One-off parse in a fresh worker (tests, tools). */
export async function parseInWorker(source: Readable, options: ParseInWorkerOptions & { heapMb?: number } = {}): Promise<ParsedMessage> {
  const parser = new MessageParser(options.heapMb);
  try {
    return await parser.parse(source, options);
  } finally {
    parser.close();
  }
}
