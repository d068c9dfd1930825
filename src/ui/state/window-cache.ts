// Summaries the UI has been given, per folder, in fixed windows of positions. Only windows the
// user looks at are ever requested. The cache is bounded and evicts the least recently used
// window: scrolling end to end through a 100k folder keeps MAX_WINDOWS_PER_FOLDER windows, not
// the 2,000 it passed (each summary with its strings costs about 1 KB of heap, and V8 lets the
// heap grow to a multiple of what stays reachable, so this cap shows up several times in RSS).
// Summaries obtained by UID (search results) are bounded the same way. A UIDVALIDITY change or
// new/expunged mail drops a folder's windows.
// Summaries are never changed in place: `update` replaces a row with a new object, and every
// write that changes what the list shows tells the subscribers (the UI redraws from that), so no
// caller has to remember to ask for a redraw.
import type { MessageSummary } from '../../domain/index.js';
import type { AccountId } from './types.js';

export const WINDOW_SIZE = 50;
/**
 * Windows kept per folder. The UI asks for a page above and two below the visible one (at most a
 * few windows even on a tall terminal); the rest is what scrolling back finds without asking
 * the server (or the header cache) again.
 */
export const MAX_WINDOWS_PER_FOLDER = 40;
/** Search-result summaries kept per folder (beyond those in windows). */
export const MAX_LOOSE_SUMMARIES = MAX_WINDOWS_PER_FOLDER * WINDOW_SIZE;

class FolderCache {
  /** Map order is recency: the first key is the least recently used window. */
  windows = new Map<number, MessageSummary[]>();
  pending = new Set<number>();
  /** Summaries of cached windows by UID. */
  byUid = new Map<number, MessageSummary>();
  /** Summaries stored by UID alone (search results), least recently stored first. */
  loose = new Map<number, MessageSummary>();
  /** Bumped on invalidate so answers to requests made before it are dropped. */
  generation = 0;
  /**
   * Windows kept only to be drawn until their refetch lands (markStale): the list shows the old
   * rows instead of placeholders, but they count as missing and no action is taken on them.
   */
  stale = new Set<number>();

  touch(w: number, summaries: MessageSummary[]): void {
    // Re-inserting moves the window to the recent end; skipped when it is already there (every
    // visible row reads it on every frame).
    if (this.lastTouched === w) return;
    this.windows.delete(w);
    this.windows.set(w, summaries);
    this.lastTouched = w;
  }

  lastTouched: number | undefined;

  drop(w: number): void {
    for (const s of this.windows.get(w) ?? []) if (this.byUid.get(s.uid) === s) this.byUid.delete(s.uid);
    this.windows.delete(w);
    this.stale.delete(w);
    if (this.lastTouched === w) this.lastTouched = undefined;
  }
}

export function folderKey(account: AccountId, path: string): string {
  return `${account}\u0000${path}`;
}

export class WindowCache {
  private folders = new Map<string, FolderCache>();
  private listeners = new Set<() => void>();
  /** Replaced on every visible change: what useSyncExternalStore compares. */
  private token: object = {};

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes (by identity) whenever rows the list may show changed. */
  snapshot = (): object => this.token;

  private changed(): void {
    this.token = {};
    for (const l of this.listeners) l();
  }

  /** Replaces the summary of `uid` (wherever it is held) with `fn` of it; returns the new one. */
  update(key: string, uid: number, fn: (s: MessageSummary) => MessageSummary): MessageSummary | undefined {
    const f = this.folders.get(key);
    const old = f?.byUid.get(uid) ?? f?.loose.get(uid);
    if (!f || !old) return undefined;
    const next = Object.freeze(fn(old));
    for (const [w, rows] of f.windows) {
      const i = rows.indexOf(old);
      // Map.set on a present key keeps its place in the recency order.
      if (i >= 0)
        f.windows.set(
          w,
          rows.map((r, j) => (j === i ? next : r)),
        );
    }
    if (f.byUid.get(uid) === old) f.byUid.set(uid, next);
    if (f.loose.get(uid) === old) f.loose.set(uid, next);
    this.changed();
    return next;
  }

  private folder(key: string): FolderCache {
    let f = this.folders.get(key);
    if (!f) {
      f = new FolderCache();
      this.folders.set(key, f);
    }
    return f;
  }

  at(key: string, position: number): MessageSummary | undefined {
    const f = this.folders.get(key);
    if (!f) return undefined;
    const index = Math.floor(position / WINDOW_SIZE);
    const w = f.windows.get(index);
    if (!w) return undefined;
    f.touch(index, w);
    return w[position % WINDOW_SIZE];
  }

  /** The summary at `position` unless its window is stale (positions may have moved): what actions use. */
  freshAt(key: string, position: number): MessageSummary | undefined {
    if (this.folders.get(key)?.stale.has(Math.floor(position / WINDOW_SIZE))) return undefined;
    return this.at(key, position);
  }

  byUid(key: string, uid: number): MessageSummary | undefined {
    const f = this.folders.get(key);
    return f?.byUid.get(uid) ?? f?.loose.get(uid);
  }

  /** Remembers summaries obtained another way (search results); the oldest go past the cap. */
  putByUid(key: string, summaries: MessageSummary[]): void {
    const f = this.folder(key);
    for (const s of summaries) {
      f.loose.delete(s.uid);
      f.loose.set(s.uid, s);
    }
    while (f.loose.size > MAX_LOOSE_SUMMARIES) f.loose.delete(f.loose.keys().next().value as number);
    this.changed();
  }

  /** Window indexes covering [from, to) that are neither cached nor being fetched. */
  missing(key: string, from: number, to: number): number[] {
    const f = this.folder(key);
    const out: number[] = [];
    for (let w = Math.floor(Math.max(0, from) / WINDOW_SIZE); w * WINDOW_SIZE < to; w++) {
      if ((!f.windows.has(w) || f.stale.has(w)) && !f.pending.has(w)) out.push(w);
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
    if (f.windows.has(window)) f.drop(window);
    f.windows.set(window, summaries);
    f.lastTouched = window;
    for (const s of summaries) f.byUid.set(s.uid, s);
    while (f.windows.size > MAX_WINDOWS_PER_FOLDER) f.drop(f.windows.keys().next().value as number);
    this.changed();
    return true;
  }

  fail(key: string, window: number, generation: number): void {
    const f = this.folder(key);
    if (f.generation === generation) f.pending.delete(window);
  }

  /**
   * The folder changed on the server (new or expunged mail): every window is refetched, but its
   * old rows stay on screen until the new ones land, so the list does not flash placeholders.
   */
  markStale(key: string): void {
    const f = this.folder(key);
    f.generation++;
    f.pending.clear();
    for (const w of f.windows.keys()) f.stale.add(w);
  }

  invalidate(key: string): void {
    const f = this.folder(key);
    f.generation++;
    f.stale.clear();
    f.windows.clear();
    f.pending.clear();
    f.byUid.clear();
    f.loose.clear();
    f.lastTouched = undefined;
  }

  /** Drops only the given windows (e.g. the visible ones, to pick up flag changes on poll). */
  invalidateWindows(key: string, windows: number[]): void {
    const f = this.folder(key);
    for (const w of windows) {
      if (f.pending.has(w)) continue;
      f.drop(w);
    }
  }

  windowCount(key: string): number {
    return this.folders.get(key)?.windows.size ?? 0;
  }

  /** Summaries held for a folder (windows and search results): what the caps bound. */
  summaryCount(key: string): number {
    const f = this.folders.get(key);
    return f ? f.byUid.size + f.loose.size : 0;
  }
}
