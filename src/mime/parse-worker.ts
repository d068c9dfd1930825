// Runs parseMessage in a worker thread (see parse-in-worker.ts), one message at a time: the raw
// message arrives as chunks, the ParsedMessage (plain data and Dates, structured-clonable) goes
// back. The worker stays alive between messages: starting one (loading mailparser and
// html-to-text into a fresh isolate) costs far more than parsing an ordinary message.
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { PassThrough } from 'node:stream';
import { parseMessage } from './parse-message.js';

export type ToWorker =
  | { type: 'start'; id: number }
  | { type: 'chunk'; id: number; data: Uint8Array }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; message: string };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; parsed: import('./types.js').ParsedMessage }
  | { type: 'failed'; id: number; message: string };

const port = parentPort;
if (port) {
  lowerThisThreadsPriority();
  let current: { id: number; source: PassThrough } | undefined;
  port.on('message', (m: ToWorker) => {
    if (m.type === 'start') {
      const source = new PassThrough();
      current = { id: m.id, source };
      parseMessage(source).then(
        (parsed) => port.postMessage({ type: 'done', id: m.id, parsed } satisfies FromWorker),
        (err: unknown) => port.postMessage({ type: 'failed', id: m.id, message: err instanceof Error ? err.message : String(err) } satisfies FromWorker),
      );
      return;
    }
    if (current?.id !== m.id) return;
    if (m.type === 'chunk') current.source.write(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
    else if (m.type === 'end') current.source.end();
    else current.source.destroy(new Error(m.message));
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

/**
 * On Linux the nice value belongs to a thread (setpriority with pid 0): lowered here, a big parse
 * gives way to the UI thread whenever both want a core, so keys are not kept waiting behind it on
 * a busy machine. Elsewhere it is a process value and is left alone.
 */
function lowerThisThreadsPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, 10);
  } catch {
    // Not allowed (a sandbox): the parse runs at the UI's priority, as before.
  }
}
