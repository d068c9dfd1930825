// Decides, on the bytes actually received (a server's size can be wrong or a lie), whether the UI
// thread may parse a message itself: only a small one with no shape that could make a library's
// work grow faster than its size (raw-message-checks.ts). Everything else streams on to the
// worker, the bytes read so far first.
import { Readable } from 'node:stream';
import { IN_THREAD_PARSE_BYTES, inThreadParseRisk } from './raw-message-checks.js';

export type SmallOrStream =
  /** The whole message, safe to parse here. */
  | { whole: Buffer }
  /** The whole message again (bytes already read, then the rest); `why` says why not here. */
  | { stream: Readable; why: string };

export function takeSmallMessage(raw: Readable, limit = IN_THREAD_PARSE_BYTES): Promise<SmallOrStream> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      raw.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
      chunks.push(buf);
      size += buf.length;
      if (size <= limit) return;
      cleanup();
      raw.pause();
      resolve({ stream: prepend(chunks, raw), why: `larger than ${limit} bytes` });
    };
    const onEnd = () => {
      cleanup();
      const whole = Buffer.concat(chunks, size);
      const why = inThreadParseRisk(whole);
      resolve(why === undefined ? { whole } : { stream: Readable.from([whole], { objectMode: false }), why });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    raw.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function prepend(head: Buffer[], rest: Readable): Readable {
  async function* all() {
    yield* head;
    for await (const chunk of rest) yield chunk as Buffer;
  }
  const stream = Readable.from(all(), { objectMode: false });
  // The consumer giving up (the user left the message) ends the download too.
  stream.on('close', () => rest.destroy());
  return stream;
}
