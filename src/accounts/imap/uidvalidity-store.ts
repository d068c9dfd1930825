// Remembers each folder's UIDVALIDITY between runs (deps.dataDir/imap-state.json), so that a
// server-side reset of UIDs is noticed on the next open and callers drop their cached UIDs.
// Written atomically (temp file + rename, 0600 in a 0700 dir): a crash never leaves half a file.
import { mkdir, readFile, rename, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { AccountError } from '../../domain/index.js';

interface StateFile {
  version: 1;
  /** folder path → UIDVALIDITY as a decimal string (bigint does not survive JSON). */
  uidValidity: Record<string, string>;
}

export class UidValidityStore {
  private state: StateFile | undefined;
  private loading: Promise<StateFile> | undefined;
  private writing: Promise<void> = Promise.resolve();
  readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'imap-state.json');
  }

  private load(): Promise<StateFile> {
    // One read shared by concurrent callers, so none of them works on a stale copy.
    this.loading ??= this.readState();
    return this.loading;
  }

  private async readState(): Promise<StateFile> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as Partial<StateFile>;
      const map = parsed && typeof parsed.uidValidity === 'object' && parsed.uidValidity ? parsed.uidValidity : {};
      this.state = { version: 1, uidValidity: Object.fromEntries(Object.entries(map).filter(([, v]) => typeof v === 'string' && /^\d+$/.test(v))) };
    } catch {
      // Missing or unreadable (e.g. hand-edited) state only costs a "changed?" answer of false.
      this.state = { version: 1, uidValidity: {} };
    }
    return this.state;
  }

  /**
   * Records `value` for `folder` and tells whether it differs from the remembered one.
   * The first sighting of a folder is not a change.
   */
  async check(folder: string, value: bigint): Promise<boolean> {
    const state = await this.load();
    const before = state.uidValidity[folder];
    const now = value.toString();
    if (before === now) return false;
    state.uidValidity[folder] = now;
    await this.save();
    return before !== undefined;
  }

  private save(): Promise<void> {
    // Serialised so two folders opened at once cannot interleave their renames.
    this.writing = this.writing.then(() => this.writeNow()).catch((err: unknown) => {
      throw new AccountError('local', `cannot save IMAP state to ${this.file}: ${(err as Error).message}`, { cause: err });
    });
    const result = this.writing;
    this.writing = this.writing.catch(() => undefined);
    return result;
  }

  private async writeNow(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(this.state, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
