// A private temporary file for handing content to another program (an attachment to its viewer,
// the HTML part to a browser): a fresh mkdtemp directory (0700) holding one file (0600, created
// exclusively), removed with its directory afterwards — when the caller says, after a delay
// (a browser started in the background reads the file later), and in any case when tmail exits.
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sanitizeFilename } from '../mime/safe-filename.js';

export interface PrivateTemp {
  dir: string;
  file: string;
  /** Removes the file and its directory; safe to call twice. */
  remove(): Promise<void>;
  /** Removes them after `ms` (the timer does not keep the process alive). */
  removeAfter(ms: number): void;
}

const pending = new Set<string>();
let exitHookInstalled = false;

function removeAllNow(): void {
  for (const dir of pending) rmSync(dir, { recursive: true, force: true });
  pending.clear();
}

/** Writes `content` as `name` (sanitized; "file" when nothing is left) into a new private directory. */
export async function writePrivateTemp(name: string, content: Buffer | string, tmpRoot = os.tmpdir()): Promise<PrivateTemp> {
  if (!exitHookInstalled) {
    process.once('exit', removeAllNow);
    exitHookInstalled = true;
  }
  const dir = await mkdtemp(path.join(tmpRoot, 'tmail-'));
  pending.add(dir);
  const file = path.join(dir, sanitizeFilename(name) || 'file');
  try {
    await writeFile(file, content, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    pending.delete(dir);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const remove = async () => {
    pending.delete(dir);
    await rm(dir, { recursive: true, force: true });
  };
  return {
    dir,
    file,
    remove,
    removeAfter(ms: number) {
      setTimeout(() => void remove().catch(() => undefined), ms).unref();
    },
  };
}
