// Writes a batch of Maildir files in the writer thread (writer-thread.ts), in one job: each file
// is created in tmp/, written, fsynced, closed and renamed into place, with plain blocking calls.
import { tmpNameParts } from './maildir-names.js';
import { type JobResult, onWriterIdleStop, runJob } from './writer-thread.js';

/**
 * Writes `bodies[i]` to a new file in `tmpDir` (a tmpName, created exclusively), fsyncs it and
 * renames it to `finalDir + names[i]`, in order, stopping at the first failure: `done` files were
 * written, fsynced and renamed, and `error` says why file `done` failed (its tmp file was removed).
 * Both directories end with '/'; names have no '/' and no newline. The mtime is left as written:
 * the arrival order comes from the file's key (see arrivalFromKey). Directories are NOT fsynced:
 * the caller does that once for the batch before it relies on the renames. The bodies are copied
 * before it returns: their memory may be reused at once.
 */
export function writeBatch(tmpDir: string, finalDir: string, names: string[], bodies: Buffer[]): Promise<JobResult> {
  if (names.length === 0) return Promise.resolve({ done: 0 });
  const starts = new Float64Array(bodies.length);
  const ends = new Float64Array(bodies.length);
  let total = 0;
  for (const b of bodies) total += b.length;
  // The bytes reach the thread through shared memory. V8 copies into shared memory word by word
  // only when source and destination are equally aligned, else byte by byte (~6x slower): so
  // bodies read back to back into one buffer (a BatchArena) go over in one copy, at the same
  // alignment; scattered bodies are copied one by one.
  const home = bodies[0]!.buffer;
  let from = Number.POSITIVE_INFINITY;
  let to = 0;
  for (const b of bodies) {
    if (b.buffer !== home) {
      from = Number.POSITIVE_INFINITY;
      break;
    }
    from = Math.min(from, b.byteOffset);
    to = Math.max(to, b.byteOffset + b.length);
  }
  const contiguous = from <= to && to - from <= total + CONTIGUOUS_SLACK;
  const shift = contiguous ? from % 8 : 0;
  const arena = takeArena(shift + (contiguous ? to - from : total));
  const packed = new Uint8Array(arena);
  if (contiguous) {
    packed.set(new Uint8Array(home, from, to - from), shift);
    for (let i = 0; i < bodies.length; i++) {
      starts[i] = shift + bodies[i]!.byteOffset - from;
      ends[i] = starts[i]! + bodies[i]!.length;
    }
  } else {
    let at = 0;
    for (let i = 0; i < bodies.length; i++) {
      packed.set(bodies[i]!, at);
      starts[i] = at;
      at += bodies[i]!.length;
      ends[i] = at;
    }
  }
  const release = () => {
    if (arena.byteLength <= ARENA_KEEP_BYTES && idleArenas.length < KEPT_ARENAS) idleArenas.push(arena);
  };
  // The thread builds the paths: one string of names clones faster than two arrays of paths (and
  // no object per file); the bytes are shared memory, not cloned.
  const [tmpHead, tmpTail] = tmpNameParts();
  return runJob({ batch: { tmpDir, tmpHead, tmpTail, finalDir, names: names.join('\n') }, data: arena, starts, ends }).then((r) => {
    release();
    return r;
  });
}

/**
 * A bump allocator over one buffer, for reading a batch of messages back to back: no buffer per
 * message, and `writeBatch` hands the whole batch to the writer thread in one copy. `reset()` only
 * once the batch it held is written. Plain (not shared) memory: the reader copies and un-dot-stuffs
 * into it with ordinary memmove (V8 copies within shared memory byte by byte when misaligned).
 */
export class BatchArena {
  private readonly view: Buffer;
  private used = 0;

  constructor(readonly capacity: number) {
    this.view = Buffer.allocUnsafeSlow(Math.max(1, capacity));
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

/** Gaps between bodies (given back by `trim`, or another body's region) copied along rather than splitting the copy. */
const CONTIGUOUS_SLACK = 64 * 1024;

// The bytes of a batch go to the worker in a SharedArrayBuffer that is reused batch after batch: a
// fresh buffer per batch (zero-filled, faulted in page by page, then freed) cost more than the copy.
// Two are kept (a sync has up to two batches with the writer thread), and two BatchArenas that
// batches are read into: from one sync to the next too, while the writer thread is kept. A page
// touched for the first time costs a page fault (~18 us in a VM, more than copying it), and these
// buffers are ~10 MB: a sync into fresh ones paid ~2,000 faults. They go when the writer thread
// ends unused (writer-thread.ts), so an idle process does not hold a batch's worth of memory. A
// larger batch gets buffers of its own.
const ARENA_KEEP_BYTES = 32 * 1024 * 1024;
const KEPT_ARENAS = 2;
const idleArenas: SharedArrayBuffer[] = [];
const idleBatchArenas: BatchArena[] = [];

/** Lets the kept buffers go. */
function releaseIdleMemory(): void {
  idleArenas.length = 0;
  idleBatchArenas.length = 0;
}
onWriterIdleStop(releaseIdleMemory);

/** Bytes held by kept buffers (tests). */
export function keptBufferBytes(): number {
  let n = 0;
  for (const a of idleArenas) n += a.byteLength;
  for (const a of idleBatchArenas) n += a.capacity;
  return n;
}

/**
 * A BatchArena of at least `bytes`, reset: a kept one when one is large enough, else a new one with
 * some room to spare (so batches of slightly different sizes, and the next sync's, can share it).
 */
export function takeBatchArena(bytes: number): BatchArena {
  const fits = idleBatchArenas.findIndex((a) => a.capacity >= bytes);
  const arena =
    fits !== -1 ? idleBatchArenas.splice(fits, 1)[0]! : new BatchArena(bytes <= ARENA_KEEP_BYTES ? Math.min(ARENA_KEEP_BYTES, Math.ceil(bytes * 1.25)) : bytes);
  arena.reset();
  return arena;
}

/**
 * Gives an arena back for later batches. Only once nothing can still write into it: no RETR reply
 * is being read into it (a failed sync drops its arenas instead).
 */
export function keepBatchArena(arena: BatchArena): void {
  if (arena.capacity <= ARENA_KEEP_BYTES && idleBatchArenas.length < KEPT_ARENAS && !idleBatchArenas.includes(arena)) idleBatchArenas.push(arena);
}

function takeArena(bytes: number): SharedArrayBuffer {
  const fits = idleArenas.findIndex((a) => a.byteLength >= bytes);
  if (fits !== -1) return idleArenas.splice(fits, 1)[0]!;
  // Room to grow a little, so batches of slightly different sizes share one buffer.
  return new SharedArrayBuffer(Math.max(1, bytes <= ARENA_KEEP_BYTES ? Math.min(ARENA_KEEP_BYTES, Math.ceil(bytes * 1.25)) : bytes));
}
