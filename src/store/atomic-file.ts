// Durable small-file writes for state files (uid lists, POP3 sync state).
// Hand-written rather than `write-file-atomic` / `atomically`: both fsync the file but not the
// directory after the rename, so after a power cut the rename itself can be lost — and for the
// POP3 state that means re-downloading (duplicating) mail. The whole thing is ~40 lines.
import { randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AccountError } from '../domain/index.js';
import { errorCode, localError } from './local-error.js';

/** fsync a directory so a rename/create/unlink inside it survives a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Some file systems refuse fsync on a directory; the data itself is already synced.
    if (errorCode(err) !== 'EINVAL' && errorCode(err) !== 'EISDIR') throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `data` to `path` atomically and durably: temp file in the same dir, fsync, rename, fsync
 * dir; mode 0600. `durable: false` skips both fsyncs (still atomic) for caches that can be rebuilt.
 */
export async function writeFileAtomic(path: string, data: string | Buffer, opts: { durable?: boolean } = {}): Promise<FileIdentity> {
  const durable = opts.durable ?? true;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', 0o600);
    let written: FileIdentity;
    try {
      await handle.writeFile(data);
      if (durable) await handle.sync();
      // Taken from our own handle: a stat of `path` after the rename could see another writer's file.
      written = identityOf(await handle.stat({ bigint: true }));
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    if (durable) await fsyncDir(dir);
    return written;
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw localError(`write ${path}`, err);
  }
}

/**
 * Which version of a file this is. mtime alone cannot tell two writes apart: the kernel stamps
 * files from a coarse clock (several ms), so two quick rewrites can share an mtime. Every atomic
 * write creates a new inode while the old one still exists, so the inode number differs too.
 */
export interface FileIdentity {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export function identityOf(st: BigIntStats): FileIdentity {
  return { ino: st.ino, size: st.size, mtimeNs: st.mtimeNs };
}

export function sameIdentity(a: FileIdentity | undefined, b: FileIdentity | undefined): boolean {
  if (!a || !b) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** Parses a JSON file; undefined when it does not exist, AccountError('local') when unreadable or corrupt. */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw localError(`read ${path}`, err);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new AccountError('local', `Cannot read ${path}: the file is corrupt (not valid JSON).`, { cause: err });
  }
}
