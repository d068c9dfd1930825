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
parentPort.on('message', ({ id, files, data, offsets }) => {
  const bytes = Buffer.from(data);
  let done = 0;
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    let fd;
    try {
      fd = fs.openSync(f.tmp, 'wx', 0o600);
      const end = offsets[i + 1];
      let at = offsets[i];
      while (at < end) at += fs.writeSync(fd, bytes, at, end - at);
      fs.fsyncSync(fd);
      fs.futimesSync(fd, f.mtime, f.mtime);
      fs.closeSync(fd);
      fd = undefined;
      fs.renameSync(f.tmp, f.final);
      done++;
    } catch (err) {
      if (fd !== undefined) { try { fs.closeSync(fd); } catch {} }
      try { fs.unlinkSync(f.tmp); } catch {}
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
  // One contiguous buffer, transferred rather than copied.
  const offsets = new Array<number>(bodies.length + 1);
  let total = 0;
  offsets[0] = 0;
  bodies.forEach((b, i) => {
    total += b.length;
    offsets[i + 1] = total;
  });
  const packed = new Uint8Array(new ArrayBuffer(Math.max(total, 1)));
  bodies.forEach((b, i) => {
    packed.set(b, offsets[i]);
  });
  const w = getWorker();
  const id = nextId++;
  return new Promise<BatchResult>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, files, data: packed.buffer, offsets }, [packed.buffer]);
  });
}
