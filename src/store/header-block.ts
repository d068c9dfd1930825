// Reads the header block of a stored message without loading the body, and turns it into summary
// fields with the one header -> summary function (mime/header-summary.ts).
import { open } from 'node:fs/promises';
import { type HeaderSummary, headerEnd, MAX_HEADER_BYTES, parseHeaderSummary } from '../mime/header-summary.js';
import { localError } from './local-error.js';

const CHUNK = 16 * 1024;

/** The bytes before the first empty line (or the first MAX_HEADER_BYTES). */
export async function readHeaderBlock(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < MAX_HEADER_BYTES) {
      const buf = Buffer.alloc(CHUNK);
      const { bytesRead } = await handle.read(buf, 0, CHUNK, total);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      const end = headerEnd(Buffer.concat(chunks), Math.max(0, total - bytesRead - 3));
      if (end >= 0) return Buffer.concat(chunks).subarray(0, end);
    }
    return Buffer.concat(chunks).subarray(0, MAX_HEADER_BYTES);
  } catch (err) {
    throw localError(`read ${path}`, err);
  } finally {
    await handle?.close();
  }
}

export async function readHeaderSummary(path: string, fallbackDate: Date): Promise<HeaderSummary> {
  return parseHeaderSummary(await readHeaderBlock(path), fallbackDate);
}
