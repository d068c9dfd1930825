// Writes a batch of Maildir files in a worker thread with plain blocking system calls.
//
// Why: a delivery is six system calls (open, write, fsync, futimes, close, rename). Through
// fs/promises each one is a promise plus a hop to libuv's thread pool and back; for 10,000 POP3
// messages on tmpfs that cost ~2.8 s of CPU, against ~0.4 s for the same calls made blocking in
// one loop (measured side by side). Blocking calls on the main thread would freeze the UI on a
// slow disk (fsync), so they run in one worker thread: one message per batch each way.
//
// The worker is inline (eval) and needs only node:fs, so it works the same from dist/, from a
// bundle and under tsx. It is unref'd while idle, so it never keeps the process alive.
import { Worker } from 'node:worker_threads';

export interface BatchFile {
  /** Absolute path in tmp/ (created exclusively: must not exist). */
  tmp: string;
  /** Absolute final path in new/ or cur/. */
  final: string;
  /** Modification time to stamp on the file (arrival order). */
  mtime: Date;
}

export interface BatchResult {
  /** Files fully written, fsynced and renamed, in order: files[0..done-1]. */
  done: number;
  /** Why files[done] failed; its tmp file was removed. */
  error?: { code?: string; message: string };
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', ({ id, tmps, finals, mtimes, data, starts, ends }) => {
  const bytes = Buffer.from(data);
  let done = 0;
  for (let i = 0; i < tmps.length; i++) {
    let fd;
    try {
      fd = fs.openSync(tmps[i], 'wx', 0o600);
      const end = ends[i];
      let at = starts[i];
      while (at < end) at += fs.writeSync(fd, bytes, at, end - at);
      fs.fsyncSync(fd);
      fs.futimesSync(fd, mtimes[i] / 1000, mtimes[i] / 1000);
      fs.closeSync(fd);
      fd = undefined;
      fs.renameSync(tmps[i], finals[i]);
      done++;
    } catch (err) {
      if (fd !== undefined) { try { fs.closeSync(fd); } catch {} }
      try { fs.unlinkSync(tmps[i]); } catch {}
      parentPort.postMessage({ id, done, error: { code: err && err.code, message: String(err && err.message || err) } });
      return;
    }
  }
  parentPort.postMessage({ id, done });
});
`;

interface Waiting {
  resolve: (r: BatchResult) => void;
  reject: (e: Error) => void;
}

let worker: Worker | undefined;
const waiting = new Map<number, Waiting>();
let nextId = 1;

function getWorker(): Worker {
  if (worker) return worker;
  // No loaders (tsx) and no inherited flags: the worker runs plain CommonJS with node:fs only.
  const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], stdout: false, stderr: false });
  const failAll = (err: Error) => {
    if (worker === w) worker = undefined;
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
  };
  w.on('message', (msg: BatchResult & { id: number }) => {
    const p = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (waiting.size === 0) w.unref();
    p?.resolve({ done: msg.done, error: msg.error });
  });
  w.on('error', (err) => failAll(err));
  w.on('exit', (code) => failAll(new Error(`the file writer thread stopped (exit code ${code})`)));
  w.unref();
  worker = w;
  return w;
}

/**
 * Writes `bodies[i]` to `files[i].tmp`, fsyncs it, stamps its mtime and renames it to
 * `files[i].final`, in order, stopping at the first failure. Directories are NOT fsynced: the
 * caller does that once for the batch before it relies on the renames.
 */
export function writeBatch(files: BatchFile[], bodies: Buffer[]): Promise<BatchResult> {
  if (files.length === 0) return Promise.resolve({ done: 0 });
  const starts = new Float64Array(bodies.length);
  const ends = new Float64Array(bodies.length);
  const shared = bodies[0]!.buffer;
  let data: SharedArrayBuffer;
  let release = () => {};
  if (shared instanceof SharedArrayBuffer && bodies.every((b) => b.buffer === shared)) {
    // The bodies were read into a BatchArena: the worker writes them from where they are.
    data = shared;
    for (let i = 0; i < bodies.length; i++) {
      starts[i] = bodies[i]!.byteOffset;
      ends[i] = starts[i]! + bodies[i]!.length;
    }
  } else {
    let total = 0;
    for (const b of bodies) total += b.length;
    const arena = takeArena(total);
    data = arena;
    const packed = new Uint8Array(arena, 0, total);
    let at = 0;
    for (let i = 0; i < bodies.length; i++) {
      packed.set(bodies[i]!, at);
      starts[i] = at;
      at += bodies[i]!.length;
      ends[i] = at;
    }
    release = () => {
      if (arena.byteLength <= ARENA_KEEP_BYTES) idleArena = arena;
    };
  }
  const mtimes = new Float64Array(files.length);
  const tmps = new Array<string>(files.length);
  const finals = new Array<string>(files.length);
  for (let i = 0; i < files.length; i++) {
    mtimes[i] = files[i]!.mtime.getTime();
    tmps[i] = files[i]!.tmp;
    finals[i] = files[i]!.final;
  }
  const w = getWorker();
  const id = nextId++;
  return new Promise<BatchResult>((resolve, reject) => {
    waiting.set(id, {
      resolve: (r) => {
        release();
        resolve(r);
      },
      reject,
    });
    w.ref();
    // Flat arrays clone faster than one object per file; the bytes are shared, not copied.
    w.postMessage({ id, tmps, finals, mtimes, data, starts, ends });
  });
}

/**
 * A bump allocator over one SharedArrayBuffer, for reading a batch of messages straight into
 * memory the writer thread can read: no buffer per message, no copy before writing. `reset()`
 * only once the batch it held is written.
 */
export class BatchArena {
  private readonly view: Buffer;
  private used = 0;

  constructor(readonly capacity: number) {
    this.view = Buffer.from(new SharedArrayBuffer(Math.max(1, capacity)));
  }

  /** `n` bytes, or undefined when they do not fit (the caller allocates elsewhere). */
  take(n: number): Buffer | undefined {
    if (this.used + n > this.capacity) return undefined;
    const b = this.view.subarray(this.used, this.used + n);
    this.used += n;
    return b;
  }

  /** All the free bytes, when there are at least `min`: for a body whose length is not known yet. */
  takeRest(min: number): Buffer | undefined {
    return this.take(Math.max(min, this.capacity - this.used));
  }

  /** Keeps the first `length` bytes of the last `take` and gives back the rest (it asked for an upper bound). */
  trim(b: Buffer, length: number): void {
    if (b.buffer === this.view.buffer && b.byteOffset + b.length === this.used) this.used = b.byteOffset + length;
  }

  reset(): void {
    this.used = 0;
  }
}

// The bytes of a batch go to the worker in a SharedArrayBuffer that is reused batch after batch: a
// fresh buffer per batch (zero-filled, faulted in page by page, then freed) cost more than the copy.
// One is kept (a sync writes one batch at a time); a larger batch gets a buffer of its own.
const ARENA_KEEP_BYTES = 32 * 1024 * 1024;
let idleArena: SharedArrayBuffer | undefined;

function takeArena(bytes: number): SharedArrayBuffer {
  const idle = idleArena;
  if (idle && idle.byteLength >= bytes) {
    idleArena = undefined;
    return idle;
  }
  // Room to grow a little, so batches of slightly different sizes share one buffer.
  return new SharedArrayBuffer(Math.max(1, bytes <= ARENA_KEEP_BYTES ? Math.min(ARENA_KEEP_BYTES, Math.ceil(bytes * 1.25)) : bytes));
}
