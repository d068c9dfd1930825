// One worker thread that makes tmail's durable writes with plain blocking system calls: batches of
// Maildir files, directory fsyncs and appends to logs (the POP3 sync journal).
//
// Why: a delivery is five system calls (open, write, fsync, close, rename). Through
// fs/promises each one is a promise plus a hop to libuv's thread pool and back; for 10,000 POP3
// messages on tmpfs that cost ~2.8 s of CPU, against ~0.4 s for the same calls made blocking in
// one loop (measured side by side). And while a download streams in, each hop waits behind the
// socket's reads on the main thread: a directory fsync took 15-110 ms that way. Blocking calls on
// the main thread would freeze the UI on a slow disk (fsync), so they run here: one message per
// job each way. Jobs run one after another in the order they were posted.
//
// The worker is inline (eval) and needs only node:fs, so it works the same from dist/, from a
// bundle and under tsx. It is unref'd while idle, so it never keeps the process alive.
import { Worker } from 'node:worker_threads';

/** What the thread answers: `done` counts files written (a batch) or directories synced. */
export interface JobResult {
  done: number;
  /** Why the job stopped (a batch: why files[done] failed; its tmp file was removed). */
  error?: { code?: string; message: string };
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const logs = new Map();
const failure = (err) => ({ code: err && err.code, message: String((err && err.message) || err) });
// Some file systems refuse fsync on a directory (EINVAL, EISDIR): the files are synced already.
function fsyncDir(dir) {
  let fd;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    if (!err || (err.code !== 'EINVAL' && err.code !== 'EISDIR')) throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
// A Maildir batch: file i is written to tmpDir + tmpHead + i (hex) + tmpTail and renamed to
// finalDir + the i-th of the newline-separated names (see writeBatch).
function batch({ id, batch: { tmpDir, tmpHead, tmpTail, finalDir, names }, data, starts, ends }) {
  const bytes = Buffer.from(data);
  const finals = names.split('\\n');
  for (let i = 0; i < finals.length; i++) {
    const error = writeOne(tmpDir + tmpHead + i.toString(16) + tmpTail, finalDir + finals[i], bytes, starts[i], ends[i]);
    if (error) return { id, done: i, error };
  }
  return { id, done: finals.length };
}
function writeOne(tmp, final, bytes, start, end) {
  let fd;
  try {
    fd = fs.openSync(tmp, 'wx', 0o600);
    let at = start;
    while (at < end) at += fs.writeSync(fd, bytes, at, end - at);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, final);
    return undefined;
  } catch (err) {
    if (fd !== undefined) { try { fs.closeSync(fd); } catch {} }
    try { fs.unlinkSync(tmp); } catch {}
    return failure(err);
  }
}
function dirs({ id, dirs }) {
  let done = 0;
  try {
    for (const dir of dirs) { fsyncDir(dir); done++; }
  } catch (err) {
    return { id, done, error: failure(err) };
  }
  return { id, done };
}
// Append-only logs: opened once (and their directory entry made durable), then each append is
// written whole and fdatasynced before the answer.
function log({ id, log: op }) {
  try {
    if (op.open) {
      const fd = fs.openSync(op.path, 'a', 0o600);
      logs.set(op.handle, fd);
      try { fsyncDir(path.dirname(op.path)); } catch (err) { logs.delete(op.handle); fs.closeSync(fd); throw err; }
    } else if (op.close) {
      const fd = logs.get(op.handle);
      logs.delete(op.handle);
      if (fd !== undefined) fs.closeSync(fd);
    } else {
      const fd = logs.get(op.handle);
      if (fd === undefined) throw new Error('the log is closed');
      const bytes = typeof op.text === 'string' ? Buffer.from(op.text, 'utf8') : Buffer.from(op.text.buffer, op.text.byteOffset, op.text.byteLength);
      let at = 0;
      while (at < bytes.length) at += fs.writeSync(fd, bytes, at, bytes.length - at);
      fs.fdatasyncSync(fd);
    }
  } catch (err) {
    return { id, done: 0, error: failure(err) };
  }
  return { id, done: 1 };
}
parentPort.on('message', (job) => {
  parentPort.postMessage(job.batch ? batch(job) : job.dirs ? dirs(job) : log(job));
});
`;

interface Waiting {
  resolve: (r: JobResult) => void;
  reject: (e: Error) => void;
}

let worker: Worker | undefined;
const waiting = new Map<number, Waiting>();
let nextId = 1;
let holders = 0;
/** How long an unused thread is kept: back-to-back syncs (`$`, a bench) reuse its warm code. */
let idleMs = 30_000;
let idleTimer: NodeJS.Timeout | undefined;

function getWorker(): Worker {
  clearTimeout(idleTimer);
  if (worker) return worker;
  // No loaders (tsx) and no inherited flags: the worker runs plain CommonJS with node:fs only.
  const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], stdout: false, stderr: false });
  const failAll = (err: Error) => {
    // A thread stopped on purpose (stopIfUnused) had no jobs; the jobs waiting now are a newer one's.
    if (worker !== w) return;
    worker = undefined;
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
  };
  w.on('message', (msg: JobResult & { id: number }) => {
    const p = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (waiting.size === 0) w.unref();
    p?.resolve({ done: msg.done, error: msg.error });
    if (worker === w) stopIfUnused();
  });
  w.on('error', (err) => failAll(err));
  w.on('exit', (code) => failAll(new Error(`the file writer thread stopped (exit code ${code})`)));
  w.unref();
  worker = w;
  return w;
}

/**
 * Starts the writer thread ahead of its first job (a fresh thread costs ~50 ms of start-up CPU):
 * a caller that expects to write, e.g. a sync while it logs in, lets that overlap with waiting for
 * the network. The returned function lets go; once nobody has held the thread and no job has
 * waited for `idleMs`, it ends (an idle UI gives its ~10 MB back). A later job starts it again.
 * Idle, the thread never keeps the process alive.
 */
export function holdWriter(): () => void {
  getWorker();
  holders++;
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    holders--;
    stopIfUnused();
  };
}

const idleReleases: (() => void)[] = [];

/**
 * Runs `release` whenever the thread ends unused: memory kept for the next jobs (buffers whose
 * pages are already mapped) goes when the thread does, not at the end of each job.
 */
export function onWriterIdleStop(release: () => void): void {
  idleReleases.push(release);
}

/** Whether the thread runs now (tests: it ends when unused). */
export function writerRunning(): boolean {
  return worker !== undefined;
}

/** Tests: how long an unused thread is kept (ms). */
export function setWriterIdleMs(ms: number): void {
  idleMs = ms;
}

function stopIfUnused(): void {
  if (!worker || holders > 0 || waiting.size > 0) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    const w = worker;
    if (!w || holders > 0 || waiting.size > 0) return;
    worker = undefined;
    void w.terminate();
    for (const release of idleReleases) release();
  }, idleMs);
  idleTimer.unref();
}

/** Posts a job (its fields say which kind; see WORKER_SOURCE) and resolves with the thread's answer. */
export function runJob(job: Record<string, unknown>): Promise<JobResult> {
  const w = getWorker();
  const id = nextId++;
  return new Promise<JobResult>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ ...job, id });
  });
}

/** A failed job's answer as an Error with the system call's `code` (ENOSPC, EIO, ...). */
export function jobError(error: NonNullable<JobResult['error']>): Error {
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
}

/**
 * fsyncs `dirs`, in order with the jobs posted before: one round trip instead of three
 * thread-pool hops per directory.
 */
export async function fsyncDirs(dirs: string[]): Promise<void> {
  const r = await runJob({ dirs });
  if (r.error) throw jobError(r.error);
}

let nextLog = 1;

/**
 * An append-only file whose every append is durable (written whole, then fdatasync) before it
 * resolves, written by the writer thread in order with its other jobs. Opening it also makes its
 * directory entry durable.
 */
export class DurableLog {
  private constructor(
    private readonly handle: number,
    /** An open log holds the thread: its file descriptor lives there. */
    private readonly release: () => void,
  ) {}

  static async open(path: string): Promise<DurableLog> {
    const handle = nextLog++;
    const release = holdWriter();
    const r = await runJob({ log: { open: true, path, handle } });
    if (r.error) {
      release();
      throw jobError(r.error);
    }
    return new DurableLog(handle, release);
  }

  /** `text`: a string (written as UTF-8) or its bytes. */
  async append(text: string | Uint8Array): Promise<void> {
    const r = await runJob({ log: { handle: this.handle, text } });
    if (r.error) throw jobError(r.error);
  }

  async close(): Promise<void> {
    try {
      const r = await runJob({ log: { close: true, handle: this.handle } });
      if (r.error) throw jobError(r.error);
    } finally {
      this.release();
    }
  }
}
