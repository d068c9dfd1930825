// Messages tmail itself left marked \Deleted and hides from the list until the server expunges
// them. Without UIDPLUS, when other clients' \Deleted messages are in the folder, tmail must not
// send a plain EXPUNGE (it would remove theirs too), so its own deleted or moved messages stay on
// the server, marked. The user asked for them to go: they are left out of list windows, counts and
// search results. Other clients' \Deleted messages stay shown with D (as NeoMutt does).
//
// Kept per folder as UID → unseen (for the folder pane's unread count while the folder is not
// selected), saved in the summary store so a restart keeps hiding them. Dropped when the server
// expunges them, when the folder's UIDVALIDITY changes, or when someone clears their \Deleted flag.

/** Where the set is kept between runs (the summary store); absent when the header cache is off. */
export interface HiddenPersistence {
  load: () => Promise<Map<string, Map<number, boolean>> | undefined>;
  save: (path: string, uids: ReadonlyMap<number, boolean>) => void;
}

const NONE: ReadonlyMap<number, boolean> = new Map();

export class HiddenDeleted {
  private readonly folders = new Map<string, Map<number, boolean>>();
  private loading: Promise<void> | undefined;

  constructor(private readonly persistence?: HiddenPersistence) {}

  /** Loads the saved set once (later calls wait for the same load). */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      const saved = await this.persistence?.load().catch(() => undefined);
      // What this session recorded before the load finished wins.
      for (const [path, uids] of saved ?? []) if (!this.folders.has(path) && uids.size > 0) this.folders.set(path, new Map(uids));
    })();
    return this.loading;
  }

  /** The hidden UIDs of `path` (uid → unseen). */
  of(path: string): ReadonlyMap<number, boolean> {
    return this.folders.get(path) ?? NONE;
  }

  has(path: string, uid: number): boolean {
    return this.folders.get(path)?.has(uid) ?? false;
  }

  /** Unseen messages among the hidden ones of `path`. */
  unseen(path: string): number {
    let n = 0;
    for (const unseen of this.of(path).values()) if (unseen) n++;
    return n;
  }

  /** Hides `uids`; `unseen` names those of them without \Seen. */
  add(path: string, uids: readonly number[], unseen: ReadonlySet<number>): void {
    if (uids.length === 0) return;
    const folder = new Map(this.of(path));
    for (const uid of uids) folder.set(uid, unseen.has(uid));
    this.replace(path, folder);
  }

  /** Forgets `uids` (expunged, or no longer \Deleted); true when one of them was hidden. */
  drop(path: string, uids: Iterable<number>): boolean {
    const current = this.folders.get(path);
    if (!current) return false;
    const folder = new Map(current);
    let changed = false;
    for (const uid of uids) changed = folder.delete(uid) || changed;
    if (changed) this.replace(path, folder);
    return changed;
  }

  /** Keeps only the hidden UIDs still on the server (`present`: every UID of the folder). */
  keepPresent(path: string, present: readonly number[]): boolean {
    const current = this.folders.get(path);
    if (!current) return false;
    const there = new Set(present);
    return this.drop(
      path,
      [...current.keys()].filter((uid) => !there.has(uid)),
    );
  }

  /** Updates whether a hidden message is unseen (another client changed its flags). */
  noteUnseen(path: string, uid: number, unseen: boolean): void {
    const current = this.folders.get(path);
    if (!current || !current.has(uid) || current.get(uid) === unseen) return;
    this.replace(path, new Map(current).set(uid, unseen));
  }

  /** The folder's UIDVALIDITY changed, or the folder is gone: its UIDs mean nothing now. */
  forget(path: string): void {
    if (this.folders.has(path)) this.replace(path, new Map());
  }

  private replace(path: string, folder: Map<number, boolean>): void {
    if (folder.size === 0) this.folders.delete(path);
    else this.folders.set(path, folder);
    try {
      this.persistence?.save(path, folder);
    } catch {
      // The cache reports its own failures; the set in memory still hides them this session.
    }
  }
}

/** `order` without the hidden UIDs (and their thread depths). */
export function withoutHidden(order: { uids: number[]; depths?: number[] }, hidden: ReadonlyMap<number, boolean>): { uids: number[]; depths?: number[] } {
  if (hidden.size === 0) return order;
  const keep = order.uids.map((uid) => !hidden.has(uid));
  const uids = order.uids.filter((_, i) => keep[i]);
  const depths = order.depths?.filter((_, i) => keep[i]);
  return depths ? { uids, depths } : { uids };
}
