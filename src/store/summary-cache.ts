// A small per-folder cache of parsed header summaries (JSON, keyed by Maildir key and validated by
// size + mtime), so reopening a 10k-message local folder does not re-read every file. A corrupt
// or foreign cache file is simply dropped and rebuilt. (A real header cache is a later issue.)
import { readFile } from 'node:fs/promises';
import type { Address } from '../domain/index.js';
import { writeFileAtomic } from './atomic-file.js';
import { errorCode, localError } from './local-error.js';
import type { HeaderSummary } from './header-summary.js';

/** A HeaderSummary as JSON (date in ms), with the file identity it was read from. */
type StoredSummary = Omit<HeaderSummary, 'date'> & { size: number; mtimeMs: number; date: number };

/** 2: summaries carry References (a version 1 file is rebuilt once, so threads are complete). */
const VERSION = 2;

interface CacheFile {
  version: typeof VERSION;
  entries: Record<string, StoredSummary>;
}

export class SummaryCache {
  private entries = new Map<string, StoredSummary>();
  private dirty = false;
  /** True when the file existed but could not be used. */
  discarded = false;

  constructor(readonly path: string) {}

  async load(): Promise<void> {
    this.entries.clear();
    this.discarded = false;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return;
      throw localError(`read ${this.path}`, err);
    }
    try {
      const data = JSON.parse(text) as CacheFile;
      if (data?.version !== VERSION || !data.entries || typeof data.entries !== 'object') throw new Error('bad shape');
      for (const [key, s] of Object.entries(data.entries)) {
        if (isStoredSummary(s)) this.entries.set(key, s);
      }
    } catch {
      this.discarded = true;
      this.dirty = true;
    }
  }

  get(key: string, size: number, mtimeMs: number): HeaderSummary | undefined {
    const s = this.entries.get(key);
    if (!s || s.size !== size || s.mtimeMs !== mtimeMs) return undefined;
    return { date: new Date(s.date), from: s.from, to: s.to, cc: s.cc, subject: s.subject, messageId: s.messageId, inReplyTo: s.inReplyTo, ...(s.references ? { references: s.references } : {}), hasAttachments: s.hasAttachments };
  }

  set(key: string, size: number, mtimeMs: number, summary: HeaderSummary): void {
    this.entries.set(key, { size, mtimeMs, ...summary, date: summary.date.getTime() });
    this.dirty = true;
  }

  /** Drops entries whose files are gone. */
  retain(keys: Set<string>): void {
    for (const key of this.entries.keys()) {
      if (!keys.has(key)) {
        this.entries.delete(key);
        this.dirty = true;
      }
    }
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const file: CacheFile = { version: VERSION, entries: Object.fromEntries(this.entries) };
    // Not fsynced: after a crash a lost or empty cache is just rebuilt from the messages.
    await writeFileAtomic(this.path, JSON.stringify(file), { durable: false });
    this.dirty = false;
  }
}

function isAddressList(v: unknown): v is Address[] {
  return Array.isArray(v) && v.every((a) => a && typeof a === 'object' && typeof a.name === 'string' && typeof a.address === 'string');
}

function isStoredSummary(v: unknown): v is StoredSummary {
  if (!v || typeof v !== 'object') return false;
  const s = v as StoredSummary;
  return (
    typeof s.size === 'number' &&
    typeof s.mtimeMs === 'number' &&
    typeof s.date === 'number' &&
    typeof s.subject === 'string' &&
    typeof s.hasAttachments === 'boolean' &&
    isAddressList(s.from) &&
    isAddressList(s.to) &&
    isAddressList(s.cc) &&
    (s.messageId === undefined || typeof s.messageId === 'string') &&
    (s.inReplyTo === undefined || typeof s.inReplyTo === 'string') &&
    (s.references === undefined || (Array.isArray(s.references) && s.references.every((r) => typeof r === 'string')))
  );
}
