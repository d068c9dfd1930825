// Brings a folder's header cache up to date with the server, fetching only what changed:
// - CONDSTORE/QRESYNC (RFC 7162): `UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE <modseq> VANISHED)`
//   returns the messages whose flags changed or that arrived since the cache's HIGHESTMODSEQ, and
//   (QRESYNC) the UIDs expunged meanwhile as VANISHED (EARLIER). Without QRESYNC an expunge is
//   detected by the count and settled with one UID list.
// - Otherwise: the UID list (UID SEARCH ALL) diffed against the cache, and FLAGS of every message
//   diffed against the cached flags.
// Must run with the folder selected and its mailbox lock held. The caller turns the result into
// AccountEvents.
import type { ImapFlow, MailboxObject } from 'imapflow';
import type { Flag } from '../../domain/index.js';
import type { SummaryStore, UidRuns } from '../../store/summary-store.js';
import { decodeFlags } from '../../store/summary-codec.js';

export type ResyncMode = 'unchanged' | 'qresync' | 'condstore' | 'full';

export interface ResyncResult {
  mode: ResyncMode;
  /** FETCH responses received for changes (CONDSTORE/QRESYNC) or for the full FLAGS diff. */
  fetched: number;
  /** UIDs new to the cache. */
  added: number[];
  /** UIDs gone from the server. */
  removed: number[];
  /** Messages already cached whose flags differ now. */
  flagChanges: Array<{ uid: number; flags: Flag[] }>;
  /**
   * Only with `deferFill`: the folder's UID list still to be written to the store. The caller runs
   * it after releasing the mailbox lock (writing a million rows takes seconds, and a window the
   * user asks for meanwhile must not wait for it); it fills `added` and `removed` in.
   */
  fill?: () => Promise<void>;
}

interface ExpungeEvent {
  path: string;
  uid?: number;
}

export async function resyncFolder(client: ImapFlow, path: string, mailbox: MailboxObject, cache: SummaryStore, deferFill = false): Promise<ResyncResult> {
  let cached = cache.folder(path);
  if (!cached || cached.uidValidity !== mailbox.uidValidity) {
    cache.reset(path, mailbox.uidValidity);
    cached = cache.folder(path)!;
  }
  const modseq = mailbox.noModseq ? undefined : mailbox.highestModseq;
  const point = { highestModseq: modseq, uidNext: mailbox.uidNext };
  const canCondstore = modseq !== undefined && client.enabled.has('CONDSTORE');

  if (cached.complete && canCondstore && cached.highestModseq !== undefined) {
    if (cached.highestModseq === modseq && cached.uidNext === mailbox.uidNext && cached.count === mailbox.exists) {
      return { mode: 'unchanged', fetched: 0, added: [], removed: [], flagChanges: [] };
    }
    const result = await changedSince(client, path, cached.highestModseq, cache);
    // What this fetch (and the session meanwhile) saw is in the cache now: remember the newest
    // modseq, or the next CHANGEDSINCE would ask for the same changes again.
    point.highestModseq = newest(point.highestModseq, result.seenModseq, mailbox.noModseq ? undefined : mailbox.highestModseq);
    if (cache.count(path) !== mailbox.exists) {
      // Expunges the server did not name (no QRESYNC): one UID list settles them.
      const list = await serverUids(client, mailbox.exists);
      const diff = await cache.replaceUids(path, list);
      result.removed.push(...diff.removed);
      result.added.push(...diff.added);
    }
    cache.setSyncPoint(path, point);
    return result;
  }

  // First visit, or no mod-sequences: the full UID list, plus a FLAGS diff when rows exist.
  const hadRows = cached.count > 0;
  const list = await serverUids(client, mailbox.exists);
  if (deferFill && !(hadRows && !canCondstore)) {
    // No FLAGS to compare after the list: the writing can wait for the lock to be released. The
    // folder is complete only once it is written; changes the session sees meanwhile go to the
    // store as usual, and the next reconciliation settles any it wrote over.
    const result: ResyncResult = { mode: 'full', fetched: 0, added: [], removed: [], flagChanges: [] };
    result.fill = async () => {
      const diff = await cache.replaceUids(path, list);
      result.added = diff.added;
      result.removed = diff.removed;
      cache.setSyncPoint(path, point);
    };
    return result;
  }
  const diff = await cache.replaceUids(path, list);
  let fetched = 0;
  const flagChanges: ResyncResult['flagChanges'] = [];
  if (hadRows && !canCondstore) {
    const before = new Map(cache.flagRows(path));
    const messages = await client.fetchAll('1:*', { uid: true, flags: true });
    fetched = messages.length;
    const changes: Array<{ uid: number; flags: Flag[] }> = [];
    for (const [uid, now] of latestFlags(messages)) {
      const old = before.get(uid);
      if (old === undefined || sameFlags(decodeFlags(old), now)) continue;
      changes.push({ uid, flags: now });
    }
    cache.applyFlags(path, changes);
    const isNew = new Set(diff.added);
    flagChanges.push(...changes.filter((c) => !isNew.has(c.uid)));
  }
  cache.setSyncPoint(path, point);
  return { mode: 'full', fetched, added: diff.added, removed: diff.removed, flagChanges };
}

/**
 * Each message's flags, once: a FETCH result also holds the server's unsolicited FETCH responses
 * (another client changed flags meanwhile), so one UID can come twice; the later answer is the
 * current one. Without this one change was reported twice.
 */
function latestFlags(messages: ReadonlyArray<{ uid?: number; flags?: Set<string> }>): Map<number, Flag[]> {
  const out = new Map<number, Flag[]>();
  for (const m of messages) {
    if (!m.uid || !m.flags) continue;
    out.delete(m.uid); // keeps the map in the order of the latest answers
    out.set(m.uid, [...m.flags]);
  }
  return out;
}

function newest(...values: Array<bigint | undefined>): bigint | undefined {
  let max: bigint | undefined;
  for (const v of values) if (v !== undefined && (max === undefined || v > max)) max = v;
  return max;
}

async function changedSince(client: ImapFlow, path: string, since: bigint, cache: SummaryStore): Promise<ResyncResult & { seenModseq?: bigint }> {
  const vanished: number[] = [];
  const onExpunge = (e: ExpungeEvent) => {
    if (e.path === path && e.uid !== undefined) vanished.push(e.uid);
  };
  client.on('expunge', onExpunge);
  let messages;
  try {
    messages = await client.fetchAll('1:*', { uid: true, flags: true }, { uid: true, changedSince: since });
  } finally {
    client.off('expunge', onExpunge);
  }
  const changes = [...latestFlags(messages)].map(([uid, flags]) => ({ uid, flags }));
  cache.removeUids(path, vanished);
  const gone = new Set(vanished);
  const added = cache.applyFlags(
    path,
    changes.filter((c) => !gone.has(c.uid)),
  );
  const isNew = new Set(added);
  const seenModseq = newest(...messages.map((m) => m.modseq));
  return {
    mode: client.enabled.has('QRESYNC') ? 'qresync' : 'condstore',
    ...(seenModseq !== undefined ? { seenModseq } : {}),
    fetched: messages.length,
    added,
    removed: vanished,
    flagChanges: changes.filter((c) => !isNew.has(c.uid) && !gone.has(c.uid)),
  };
}

/**
 * Every UID of the selected folder, ascending. With ESEARCH the answer is a compact set
 * ("1:100000" instead of 100,000 numbers to parse); it is expanded with a bound, so a hostile
 * "1:4294967295" cannot make us allocate billions of entries.
 */
export async function serverUids(client: ImapFlow, exists: number): Promise<number[] | UidRuns> {
  if (client.capabilities.has('ESEARCH')) {
    const result = await client.search({ all: true }, { uid: true, returnOptions: ['ALL'] });
    // Headroom for mail that arrived since SELECT; still bounded. Kept as runs: "1:1000000" is
    // one run for the store, not a million numbers.
    if (result && !Array.isArray(result)) return { runs: uidSetRuns(result.all ?? '', exists + 10_000) };
    if (Array.isArray(result)) return [...result].sort((a, b) => a - b);
  }
  const result = await client.search({ all: true }, { uid: true });
  if (!result) throw new Error('the server refused to list the folder');
  return [...result].sort((a, b) => a - b);
}

/** serverUids as one ascending array (for callers that walk every UID, e.g. the hidden-message remap). */
export async function serverUidList(client: ImapFlow, exists: number): Promise<number[]> {
  const uids = await serverUids(client, exists);
  if (Array.isArray(uids)) return uids;
  const out: number[] = [];
  for (const [lo, hi] of [...uids.runs].sort((a, b) => a[0] - b[0])) for (let uid = lo; uid <= hi; uid++) out.push(uid);
  return out;
}

/** "1:3,7" → [[1, 3], [7, 7]], at most `limit` UIDs in all (the folder's message count). */
export function uidSetRuns(set: string, limit: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  if (!set) return runs;
  let total = 0;
  for (const part of set.split(',')) {
    const [a, b = a] = part.split(':');
    let lo = Number(a);
    let hi = Number(b);
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 1 || hi < 1) throw new Error(`the server sent a malformed UID set`);
    if (lo > hi) [lo, hi] = [hi, lo];
    total += hi - lo + 1;
    if (total > limit) throw new Error(`the server listed more UIDs than the folder holds`);
    runs.push([lo, hi]);
  }
  return runs;
}

/** "1:3,7" → [1, 2, 3, 7], at most `limit` entries (the folder's message count). */
export function expandUidSet(set: string, limit: number): number[] {
  const out: number[] = [];
  for (const [lo, hi] of uidSetRuns(set, limit)) for (let uid = lo; uid <= hi; uid++) out.push(uid);
  return out.sort((x, y) => x - y);
}

function sameFlags(a: readonly Flag[], b: readonly Flag[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((f) => set.has(f));
}
