// Stable numeric UIDs for one local folder, like Dovecot's dovecot-uidlist: uidValidity +
// nextUid + key->uid, written atomically. New keys get UIDs in arrival order (file mtime, then
// key), so "arrival" sorting is simply UID order. A missing or corrupt list is rebuilt with a NEW
// uidValidity, which tells every caller that its cached UIDs for this folder are invalid.
import { open, stat } from 'node:fs/promises';
import { identityOf, sameIdentity, writeFileAtomic, type FileIdentity } from './atomic-file.js';
import { errorCode, localError } from './local-error.js';

interface UidListFile {
  version: 1;
  uidValidity: number;
  nextUid: number;
  uids: Record<string, number>;
}

export type UidListOrigin = 'loaded' | 'created' | 'rebuilt-corrupt';

let lastIssuedValidity = 0;

/** Strictly increasing within a process, and time-based across processes. */
export function newUidValidity(): number {
  lastIssuedValidity = Math.max(Date.now(), lastIssuedValidity + 1);
  return lastIssuedValidity;
}

export class UidList {
  uidValidity = 0;
  nextUid = 1;
  readonly byKey = new Map<string, number>();
  origin: UidListOrigin = 'created';
  private dirty = false;

  constructor(readonly path: string) {}

  /** Which version of the file we last read or wrote, to notice another process's update. */
  private diskIdentity: FileIdentity | undefined;

  /** True when another process rewrote the list since we read or wrote it. */
  async changedOnDisk(): Promise<boolean> {
    let now: FileIdentity;
    try {
      now = identityOf(await stat(this.path, { bigint: true }));
    } catch {
      return false;
    }
    return !sameIdentity(now, this.diskIdentity);
  }

  async load(): Promise<void> {
    let text: string | undefined;
    this.diskIdentity = undefined;
    try {
      // Identity and content from one open file, so they describe the same version.
      const handle = await open(this.path, 'r');
      try {
        this.diskIdentity = identityOf(await handle.stat({ bigint: true }));
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw localError(`read ${this.path}`, err);
    }
    this.byKey.clear();
    if (text === undefined) return this.reset('created');
    const parsed = parseUidList(text);
    if (!parsed) return this.reset('rebuilt-corrupt');
    this.uidValidity = parsed.uidValidity;
    this.nextUid = parsed.nextUid;
    for (const [key, uid] of Object.entries(parsed.uids)) this.byKey.set(key, uid);
    this.origin = 'loaded';
    this.dirty = false;
  }

  /**
   * Brings the list in line with the keys present on disk. `arrivalOf` is asked only for keys
   * that have no UID yet. Returns the UIDs that were added and removed.
   */
  async reconcile(presentKeys: Iterable<string>, arrivalOf: (keys: string[]) => Promise<Map<string, number>>): Promise<{ added: number[]; removed: number[] }> {
    const present = new Set(presentKeys);
    const removed: number[] = [];
    for (const [key, uid] of this.byKey) {
      if (!present.has(key)) {
        this.byKey.delete(key);
        removed.push(uid);
      }
    }
    const fresh = [...present].filter((k) => !this.byKey.has(k));
    const added: number[] = [];
    if (fresh.length) {
      const arrival = await arrivalOf(fresh);
      fresh.sort((a, b) => (arrival.get(a) ?? 0) - (arrival.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
      for (const key of fresh) {
        const uid = this.nextUid++;
        this.byKey.set(key, uid);
        added.push(uid);
      }
    }
    if (added.length || removed.length) this.dirty = true;
    return { added, removed };
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const file: UidListFile = { version: 1, uidValidity: this.uidValidity, nextUid: this.nextUid, uids: Object.fromEntries(this.byKey) };
    this.diskIdentity = await writeFileAtomic(this.path, JSON.stringify(file));
    this.dirty = false;
  }

  private reset(origin: UidListOrigin): void {
    this.uidValidity = newUidValidity();
    this.nextUid = 1;
    this.byKey.clear();
    this.origin = origin;
    this.dirty = true;
  }
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function parseUidList(text: string): UidListFile | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object') return undefined;
  const d = data as Partial<UidListFile>;
  if (d.version !== 1 || !isPositiveInt(d.uidValidity) || !isPositiveInt(d.nextUid) || !d.uids || typeof d.uids !== 'object') return undefined;
  const seen = new Set<number>();
  for (const uid of Object.values(d.uids)) {
    if (!isPositiveInt(uid) || uid >= d.nextUid || seen.has(uid)) return undefined;
    seen.add(uid);
  }
  return d as UidListFile;
}
