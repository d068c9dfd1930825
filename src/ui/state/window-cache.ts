// Summaries the UI has been given, per folder, in fixed windows of positions. Only windows the
// user looks at are ever requested; a bounded number is kept so a 100k folder cannot grow the
// cache without limit. A UIDVALIDITY change or new/expunged mail drops a folder's windows.
import type { MessageSummary } from '../../accounts/account.js';

export const WINDOW_SIZE = 50;
const MAX_WINDOWS_PER_FOLDER = 200;

class FolderCache {
  windows = new Map<number, MessageSummary[]>();
  pending = new Set<number>();
  byUid = new Map<number, MessageSummary>();
  /** Bumped on invalidate so answers to requests made before it are dropped. */
  generation = 0;
}

export function folderKey(account: number, path: string): string {
  return `${account}\u0000${path}`;
}

export class WindowCache {
  private folders = new Map<string, FolderCache>();

  private folder(key: string): FolderCache {
    let f = this.folders.get(key);
    if (!f) {
      f = new FolderCache();
      this.folders.set(key, f);
    }
    return f;
  }

  at(key: string, position: number): MessageSummary | undefined {
    const w = this.folders.get(key)?.windows.get(Math.floor(position / WINDOW_SIZE));
    return w?.[position % WINDOW_SIZE];
  }

  byUid(key: string, uid: number): MessageSummary | undefined {
    return this.folders.get(key)?.byUid.get(uid);
  }

  /** Remembers summaries obtained another way (search results). */
  putByUid(key: string, summaries: MessageSummary[]): void {
    const f = this.folder(key);
    for (const s of summaries) f.byUid.set(s.uid, s);
  }

  /** Window indexes covering [from, to) that are neither cached nor being fetched. */
  missing(key: string, from: number, to: number): number[] {
    const f = this.folder(key);
    const out: number[] = [];
    for (let w = Math.floor(Math.max(0, from) / WINDOW_SIZE); w * WINDOW_SIZE < to; w++) {
      if (!f.windows.has(w) && !f.pending.has(w)) out.push(w);
    }
    return out;
  }

  /** Marks a window as requested; returns the generation to hand back to `store`. */
  begin(key: string, window: number): number {
    const f = this.folder(key);
    f.pending.add(window);
    return f.generation;
  }

  /** Stores a window's answer unless the folder was invalidated meanwhile. */
  store(key: string, window: number, generation: number, summaries: MessageSummary[]): boolean {
    const f = this.folder(key);
    if (f.generation !== generation) return false;
    f.pending.delete(window);
    f.windows.set(window, summaries);
    for (const s of summaries) f.byUid.set(s.uid, s);
    while (f.windows.size > MAX_WINDOWS_PER_FOLDER) {
      const oldest = f.windows.keys().next().value as number;
      for (const s of f.windows.get(oldest) ?? []) f.byUid.delete(s.uid);
      f.windows.delete(oldest);
    }
    return true;
  }

  fail(key: string, window: number, generation: number): void {
    const f = this.folder(key);
    if (f.generation === generation) f.pending.delete(window);
  }

  invalidate(key: string): void {
    const f = this.folder(key);
    f.generation++;
    f.windows.clear();
    f.pending.clear();
    f.byUid.clear();
  }

  /** Drops only the given windows (e.g. the visible ones, to pick up flag changes on poll). */
  invalidateWindows(key: string, windows: number[]): void {
    const f = this.folder(key);
    for (const w of windows) {
      if (f.pending.has(w)) continue;
      f.windows.delete(w);
    }
  }

  windowCount(key: string): number {
    return this.folders.get(key)?.windows.size ?? 0;
  }
}
