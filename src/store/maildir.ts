// A standard Maildir++ store (INBOX = root, folder X = root/.X, each with tmp/new/cur), the local
// cache of a POP3 account. Readable by mutt/neomutt/notmuch/Dovecot: see maildir-names.ts.
// Dirs 0700, files 0600. Every filesystem failure becomes AccountError('local', clear message).
import { mkdir, open, readdir, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AccountError } from '../domain/index.js';
import { fsyncDir } from './atomic-file.js';
import { writeBatch } from './maildir-batch-writer.js';
import { fsyncDirs, jobError } from './writer-thread.js';
import { errorCode, localError } from './local-error.js';
import { normalizeLetters } from './maildir-flags.js';
import { INBOX, fileNameFor, folderDirName, folderFromDirName, newKey, normalizeFolder, parseFileName, tmpName, tmpWriterPid } from './maildir-names.js';

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

export interface MaildirEntry {
  /** Unique base name without the `:2,flags` info; stays the same across flag changes and moves. */
  key: string;
  folder: string;
  path: string;
  dir: 'new' | 'cur';
  /** Maildir letters, sorted: D F P R S T. */
  flags: string;
  size: number;
  mtime: Date;
}

/** What a directory listing alone tells (no stat): enough for counts. */
export interface MaildirName {
  key: string;
  dir: 'new' | 'cur';
  name: string;
  flags: string;
}

const SUBDIRS = ['tmp', 'new', 'cur'] as const;
const STALE_TMP_MS = 36 * 3600 * 1000;

export class Maildir {
  private readonly ensured = new Set<string>();
  /** folder -> key -> last known file name; a hint, always verified against the disk. */
  private readonly index = new Map<string, Map<string, MaildirName>>();

  constructor(readonly root: string) {}

  /** Absolute directory of a folder (the root for INBOX). */
  folderPath(folder: string): string {
    const dirName = folderDirName(folder);
    return dirName ? join(this.root, dirName) : this.root;
  }

  async init(): Promise<void> {
    await this.ensureFolder(INBOX);
  }

  async ensureFolder(folder: string): Promise<void> {
    const name = normalizeFolder(folder);
    if (this.ensured.has(name)) return;
    const dir = this.folderPath(name);
    try {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      for (const sub of SUBDIRS) await mkdir(join(dir, sub), { recursive: true, mode: 0o700 });
      // Maildir++ marks subfolders with an empty `maildirfolder` file (Dovecot and Courier expect it).
      if (name !== INBOX) await writeFile(join(dir, 'maildirfolder'), '', { mode: 0o600, flag: 'a' });
    } catch (err) {
      throw localError(`create the local folder ${dir}`, err);
    }
    this.ensured.add(name);
    await this.removeStaleTmp(join(dir, 'tmp'));
  }

  /**
   * Removes what killed deliveries left in the folder's tmp/: any file older than 36 hours (the
   * Maildir convention, whoever wrote it), and sooner the files tmail wrote on this host from a
   * process that is gone. A file of a live process (another tmail delivering right now, or this
   * one) stays: it may be renamed into new/ any moment. Returns how many were removed.
   */
  async cleanTmp(folder: string): Promise<number> {
    return this.removeStaleTmp(join(this.folderPath(normalizeFolder(folder)), 'tmp'));
  }

  private async removeStaleTmp(tmpDir: string): Promise<number> {
    const cutoff = Date.now() - STALE_TMP_MS;
    let removed = 0;
    try {
      for (const file of await readdir(tmpDir)) {
        const path = join(tmpDir, file);
        const pid = tmpWriterPid(file);
        const orphan = pid !== undefined && pid !== process.pid && !processAlive(pid);
        const st = orphan ? undefined : await stat(path).catch(() => undefined);
        if (orphan || (st?.isFile() && st.mtimeMs < cutoff)) {
          await unlink(path).then(
            () => removed++,
            () => undefined,
          );
        }
      }
    } catch {
      // Best effort: a tmp/ we cannot read will fail the delivery with a clear message anyway.
    }
    return removed;
  }

  /** 'INBOX' first, then the other folders sorted by name. */
  async listFolders(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return [INBOX];
      throw localError(`read the local mail folder ${this.root}`, err);
    }
    const folders = entries
      .filter((e) => e.isDirectory())
      .map((e) => folderFromDirName(e.name))
      .filter((f): f is string => f !== undefined)
      .sort((a, b) => a.localeCompare(b));
    return [INBOX, ...folders];
  }

  /** The folder's subfolders (Maildir++: `Parent.Child`), at any depth. */
  async subfolders(folder: string): Promise<string[]> {
    const name = normalizeFolder(folder);
    if (name === INBOX) return (await this.listFolders()).filter((f) => f !== INBOX);
    return (await this.listFolders()).filter((f) => f.startsWith(`${name}.`));
  }

  /** A new empty folder; an AccountError when it exists. */
  async createFolder(folder: string): Promise<void> {
    const name = normalizeFolder(folder);
    if (await this.folderExists(name)) throw new AccountError('local', `A local folder "${name}" already exists.`);
    this.ensured.delete(name);
    await this.ensureFolder(name);
  }

  /** Renames a folder and its subfolders (`A` → `B` takes `A.x` to `B.x`). */
  async renameFolder(folder: string, newName: string): Promise<void> {
    const from = normalizeFolder(folder);
    const to = normalizeFolder(newName);
    if (from === INBOX || to === INBOX) throw new AccountError('local', 'INBOX cannot be renamed.');
    folderDirName(to); // validates the new name
    if (!(await this.folderExists(from))) throw new AccountError('not-found', `There is no local folder "${from}".`);
    if (await this.folderExists(to)) throw new AccountError('local', `A local folder "${to}" already exists.`);
    if (to.startsWith(`${from}.`)) throw new AccountError('local', `A folder cannot be moved into itself ("${from}" → "${to}").`);
    const moves = [from, ...(await this.subfolders(from))].map((f) => ({ old: f, next: to + f.slice(from.length) }));
    try {
      for (const m of moves) await rename(this.folderPath(m.old), this.folderPath(m.next));
      await fsyncDir(this.root);
    } catch (err) {
      throw localError(`rename the local folder ${this.folderPath(from)}`, err);
    } finally {
      for (const m of moves) this.forget(m.old);
    }
  }

  /** Deletes a folder with every message in it; refused while it has subfolders. */
  async deleteFolder(folder: string): Promise<void> {
    const name = normalizeFolder(folder);
    if (name === INBOX) throw new AccountError('local', 'INBOX cannot be deleted.');
    if (!(await this.folderExists(name))) throw new AccountError('not-found', `There is no local folder "${name}".`);
    const children = await this.subfolders(name);
    if (children.length > 0)
      throw new AccountError(
        'local',
        `Local folder "${name}" has subfolders (${children.slice(0, 3).join(', ')}${children.length > 3 ? ', …' : ''}); delete or move those first.`,
      );
    const dir = this.folderPath(name);
    try {
      // Out of sight first (no "." prefix: not a Maildir++ folder, so no reader lists it half-deleted), then removed.
      const doomed = join(this.root, `tmail-deleting-${process.pid}-${Date.now()}`);
      await rename(dir, doomed);
      await fsyncDir(this.root);
      await rm(doomed, { recursive: true, force: true });
    } catch (err) {
      throw localError(`delete the local folder ${dir}`, err);
    } finally {
      this.forget(name);
    }
  }

  private forget(folder: string): void {
    this.ensured.delete(folder);
    this.index.delete(folder);
  }

  async folderExists(folder: string): Promise<boolean> {
    try {
      return (await stat(join(this.folderPath(folder), 'cur'))).isDirectory();
    } catch (err) {
      if (err instanceof AccountError) throw err;
      return false;
    }
  }

  /**
   * Safe delivery: write to tmp/, fsync the file, rename into new/ (or cur/ when flags are given),
   * fsync the directory. On failure nothing is left in tmp/, new/ or cur/. Errors of the
   * source itself (e.g. a dropped connection) are rethrown unchanged after the clean-up.
   *
   * Batch mode, `syncDir: false`: the file is fsynced but the directory is not, so the rename may
   * not survive a crash yet. The caller MUST call syncFolder() after the batch and before it
   * records any of those messages as stored (one directory fsync per batch instead of per file).
   */
  async deliver(folder: string, source: Buffer | AsyncIterable<Buffer>, opts: { flags?: string; mtime?: Date; syncDir?: boolean } = {}): Promise<MaildirEntry> {
    const name = normalizeFolder(folder);
    await this.ensureFolder(name);
    const dir = this.folderPath(name);
    const tmpPath = join(dir, 'tmp', tmpName());
    const flags = normalizeLetters(opts.flags ?? '');
    const sub: 'new' | 'cur' = flags ? 'cur' : 'new';
    let finalPath: string | undefined;
    let sourceError: { error: unknown } | undefined;
    try {
      const handle = await open(tmpPath, 'wx', 0o600);
      let size = 0;
      try {
        if (Buffer.isBuffer(source)) {
          await handle.writeFile(source);
          size = source.length;
        } else {
          const iterator = source[Symbol.asyncIterator]();
          for (;;) {
            let step: IteratorResult<Buffer>;
            try {
              step = await iterator.next();
            } catch (error) {
              sourceError = { error };
              throw error;
            }
            if (step.done) break;
            const chunk = Buffer.isBuffer(step.value) ? step.value : Buffer.from(step.value);
            await handle.write(chunk);
            size += chunk.length;
          }
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const mtime = opts.mtime ?? new Date();
      if (opts.mtime) await utimes(tmpPath, mtime, mtime);
      const key = newKey(size, mtime.getTime());
      const fileName = fileNameFor(key, sub, flags);
      finalPath = join(dir, sub, fileName);
      await rename(tmpPath, finalPath);
      if (opts.syncDir !== false) await fsyncDir(join(dir, sub));
      this.remember(name, { key, dir: sub, name: fileName, flags });
      return { key, folder: name, path: finalPath, dir: sub, flags, size, mtime };
    } catch (err) {
      await unlink(tmpPath).catch(() => undefined);
      // A rename whose directory fsync failed may not survive a crash: the caller will not
      // record it as delivered, so it must not stay visible either.
      if (finalPath) await unlink(finalPath).catch(() => undefined);
      if (sourceError) throw sourceError.error;
      throw localError(`save mail in ${join(dir, sub)}`, err);
    }
  }

  /**
   * Many new messages at once (the POP3 sync): `bodies[i]` written to tmp/, fsynced and renamed into
   * new/ as `keys[i]` (each from `newKey`, unused: the caller records the names before the files
   * exist and finds them after a crash; the time in a key is the message's arrival, see
   * arrivalFromKey), in order, in a worker thread (maildir-batch-writer.ts). The directory is NOT
   * fsynced: the caller MUST call syncFolder() before it records any of them as stored. On a
   * failure, the files before the failing one stay delivered (in new/, not yet durable), nothing
   * of the failing one is left, and the error is thrown. `copied` is called as soon as the bodies'
   * bytes are taken for the writer thread, before they are written: from then on the caller may
   * reuse their memory.
   */
  async deliverBatch(folder: string, keys: string[], bodies: Buffer[], copied?: () => void): Promise<void> {
    const name = normalizeFolder(folder);
    await this.ensureFolder(name);
    const dir = this.folderPath(name);
    let result;
    try {
      // Names in new/ are the keys: the thread joins them to the directories (see writeBatch).
      const written = writeBatch(`${dir}/tmp/`, `${dir}/new/`, keys, bodies);
      copied?.();
      result = await written;
    } catch (err) {
      throw localError(`save mail in ${join(dir, 'new')}`, err);
    }
    // Hints for a folder already listed (another listing finds the others anyway).
    const map = this.index.get(name);
    if (map) for (let i = 0; i < result.done; i++) map.set(keys[i]!, { key: keys[i]!, dir: 'new', name: keys[i]!, flags: '' });
    if (result.error) {
      throw localError(`save mail in ${join(dir, 'new')}`, jobError(result.error));
    }
  }

  /**
   * Makes every rename into the folder's new/ and cur/ durable: the end of a `syncDir: false` batch.
   * In the writer thread, so after the batches delivered before it (see fsyncDirs).
   */
  async syncFolder(folder: string): Promise<void> {
    const dir = this.folderPath(normalizeFolder(folder));
    try {
      await fsyncDirs([`${dir}/new`, `${dir}/cur`]);
    } catch (err) {
      throw localError(`save mail in ${dir}`, err);
    }
  }

  /** File names of a folder without stat-ing them (counts, flags). */
  async names(folder: string): Promise<MaildirName[]> {
    const name = normalizeFolder(folder);
    const dir = this.folderPath(name);
    const result: MaildirName[] = [];
    for (const sub of ['new', 'cur'] as const) {
      let files: string[];
      try {
        files = await readdir(join(dir, sub));
      } catch (err) {
        if (errorCode(err) === 'ENOENT') {
          if (name === INBOX && sub === 'new') continue;
          throw new AccountError('not-found', `There is no local folder "${name}".`, { cause: err });
        }
        throw localError(`read the local folder ${dir}`, err);
      }
      for (const file of files) {
        if (file.startsWith('.')) continue;
        const parsed = parseFileName(file);
        result.push({ key: parsed.key, dir: sub, name: file, flags: sub === 'new' ? '' : parsed.flags });
      }
    }
    const map = new Map<string, MaildirName>();
    for (const n of result) map.set(n.key, n);
    this.index.set(name, map);
    return result;
  }

  async count(folder: string): Promise<{ total: number; unread: number }> {
    const all = await this.names(folder);
    return { total: all.length, unread: all.filter((n) => !n.flags.includes('S')).length };
  }

  async list(folder: string): Promise<MaildirEntry[]> {
    const name = normalizeFolder(folder);
    const all = await this.names(name);
    const dir = this.folderPath(name);
    const entries = await Promise.all(all.map((n) => this.statEntry(name, dir, n)));
    return entries.filter((e): e is MaildirEntry => e !== undefined);
  }

  async get(folder: string, key: string): Promise<MaildirEntry | undefined> {
    const name = normalizeFolder(folder);
    const dir = this.folderPath(name);
    const hint = this.index.get(name)?.get(key);
    if (hint) {
      const entry = await this.statEntry(name, dir, hint);
      if (entry) return entry;
    }
    const found = (await this.names(name)).find((n) => n.key === key);
    return found ? this.statEntry(name, dir, found) : undefined;
  }

  async read(folder: string, key: string): Promise<Readable> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const entry = await this.mustGet(folder, key);
      try {
        const handle = await open(entry.path, 'r');
        return handle.createReadStream();
      } catch (err) {
        // Renamed by a flag change between get and open: look it up again.
        if (errorCode(err) !== 'ENOENT') throw localError(`read ${entry.path}`, err);
      }
    }
    throw new AccountError('not-found', `The message is no longer in the local folder "${folder}".`);
  }

  /** Sets the complete set of letters; the file moves into cur/ with `:2,<letters>`. */
  async setFlags(folder: string, key: string, letters: string): Promise<MaildirEntry> {
    const name = normalizeFolder(folder);
    const flags = normalizeLetters(letters);
    for (let attempt = 0; attempt < 3; attempt++) {
      const entry = await this.mustGet(name, key);
      const fileName = fileNameFor(key, 'cur', flags);
      const target = join(this.folderPath(name), 'cur', fileName);
      if (entry.path === target) return entry;
      try {
        // Flag renames are not fsynced: losing a flag change in a power cut is acceptable, and
        // marking a thousand messages read must not cost a thousand directory syncs.
        await rename(entry.path, target);
      } catch (err) {
        if (errorCode(err) === 'ENOENT') continue;
        throw localError(`change flags of ${entry.path}`, err);
      }
      this.remember(name, { key, dir: 'cur', name: fileName, flags });
      return { ...entry, path: target, dir: 'cur', flags };
    }
    throw new AccountError('not-found', `The message is no longer in the local folder "${name}".`);
  }

  /** Moves a message keeping its key, flags and mtime. */
  async move(folder: string, key: string, destination: string): Promise<MaildirEntry> {
    const from = normalizeFolder(folder);
    const to = normalizeFolder(destination);
    await this.ensureFolder(to);
    const entry = await this.mustGet(from, key);
    if (from === to) return entry;
    const fileName = entry.path.slice(entry.path.lastIndexOf('/') + 1);
    const targetDir = join(this.folderPath(to), entry.dir);
    const target = join(targetDir, fileName);
    if (await this.get(to, key)) throw new AccountError('local', `A message with the same name already exists in "${to}".`);
    try {
      await rename(entry.path, target);
      await fsyncDir(targetDir);
      await fsyncDir(join(this.folderPath(from), entry.dir));
    } catch (err) {
      throw localError(`move ${entry.path} to ${targetDir}`, err);
    }
    this.index.get(from)?.delete(key);
    this.remember(to, { key, dir: entry.dir, name: fileName, flags: entry.flags });
    return { ...entry, folder: to, path: target };
  }

  /** Copies a message under a new key (a Maildir key is unique), keeping flags and mtime. */
  async copy(folder: string, key: string, destination: string): Promise<MaildirEntry> {
    const entry = await this.mustGet(folder, key);
    const stream = await this.read(folder, key);
    return this.deliver(destination, stream as AsyncIterable<Buffer>, { flags: entry.flags, mtime: entry.mtime });
  }

  async remove(folder: string, key: string): Promise<void> {
    const name = normalizeFolder(folder);
    const entry = await this.get(name, key);
    if (!entry) return;
    try {
      await unlink(entry.path);
      await fsyncDir(join(this.folderPath(name), entry.dir));
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw localError(`delete ${entry.path}`, err);
    }
    this.index.get(name)?.delete(key);
  }

  private async mustGet(folder: string, key: string): Promise<MaildirEntry> {
    const entry = await this.get(folder, key);
    if (!entry) throw new AccountError('not-found', `The message is no longer in the local folder "${normalizeFolder(folder)}".`);
    return entry;
  }

  private remember(folder: string, n: MaildirName): void {
    let map = this.index.get(folder);
    if (!map) this.index.set(folder, (map = new Map()));
    map.set(n.key, n);
  }

  private async statEntry(folder: string, dir: string, n: MaildirName): Promise<MaildirEntry | undefined> {
    const path = join(dir, n.dir, n.name);
    try {
      const st = await stat(path);
      return { key: n.key, folder, path, dir: n.dir, flags: n.flags, size: st.size, mtime: st.mtime };
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      throw localError(`read ${path}`, err);
    }
  }
}
