// Drafts on disk, so the user's text survives a failed send, a crash or a closed terminal:
// <account data dir>/drafts/<id>.eml (0600, dir 0700), written before the editor opens and kept
// until the message is sent (and its Sent copy saved), postponed to Drafts, or discarded.
// Forwarded attachments are saved beside it in <id>.parts/.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-file.js';

export class DraftStore {
  constructor(readonly dir: string) {}

  async ensure(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
  }

  newId(): string {
    return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(4).toString('hex')}`;
  }

  file(id: string): string {
    return join(this.dir, `${id}.eml`);
  }

  /** Directory for files attached by a forward; created 0700. */
  async partsDir(id: string): Promise<string> {
    const dir = join(this.dir, `${id}.parts`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  async write(id: string, text: string): Promise<string> {
    await this.ensure();
    const path = this.file(id);
    await writeFileAtomic(path, text);
    return path;
  }

  read(id: string): Promise<string> {
    return readFile(this.file(id), 'utf8');
  }

  async remove(id: string): Promise<void> {
    await rm(this.file(id), { force: true });
    await rm(join(this.dir, `${id}.parts`), { recursive: true, force: true });
  }

  /** Ids of drafts left from earlier sessions (unsent or unsaved). */
  async list(): Promise<string[]> {
    try {
      // `<id>.sent-copy.eml` is a message already sent whose Sent copy could not be stored: not a draft.
      return (await readdir(this.dir))
        .filter((n) => n.endsWith('.eml') && !n.endsWith('.sent-copy.eml'))
        .map((n) => n.slice(0, -4))
        .sort();
    } catch {
      return [];
    }
  }
}
