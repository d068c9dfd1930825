// Saves a whole raw message (.eml) into a directory: the way out for a message too large or too
// hostile to show. Streams to the file; created with O_EXCL, never overwriting, with the mode the user's umask gives (0666 minus umask).
import { constants as fsConstants } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sanitizeLine } from '../text/sanitize.js';

export async function saveRawMessage(source: Readable, dir: string, filename: string): Promise<string> {
  const base = filename.replace(/\.eml$/, '');
  for (let n = 0; n < 1000; n++) {
    const target = path.join(path.resolve(dir), n === 0 ? `${base}.eml` : `${base} (${n}).eml`);
    let handle;
    try {
      handle = await open(target, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o666);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      source.destroy();
      throw new Error(`cannot write in ${sanitizeLine(dir)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      await pipeline(source, handle.createWriteStream());
      return target;
    } catch (err) {
      await unlink(target).catch(() => undefined);
      throw new Error(`saving the message failed: ${sanitizeLine((err as Error).message)}`);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
  source.destroy();
  throw new Error(`too many files named ${sanitizeLine(base)} in ${sanitizeLine(dir)}`);
}
