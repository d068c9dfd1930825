// Results that change what the message list holds around the open folder: the tags, the list's
// order, the search results, and messages that left the folder.
import type { Effect, Result } from '../messages.js';
import { taggedIn, withGroup } from '../tags.js';
import type { UiState } from '../types.js';

type ListResult = Extract<
  Result,
  {
    type: 'tagsChanged' | 'tagsAdded' | 'untagged' | 'tagsCleared' | 'messagesRemoved' | 'searchShown' | 'searchCleared' | 'orderChanged';
  }
>;

// A record, not a list: the compiler checks that every type of the union is named here.
const LIST_RESULTS: Record<ListResult['type'], true> = {
  tagsChanged: true,
  tagsAdded: true,
  untagged: true,
  tagsCleared: true,
  messagesRemoved: true,
  searchShown: true,
  searchCleared: true,
  orderChanged: true,
};

export function isListResult(r: Result): r is ListResult {
  return Object.hasOwn(LIST_RESULTS, r.type);
}

const ENSURE: Effect[] = [{ type: 'ensureVisible' }];

/** The list from its first row (the windows it shows are fetched). */
const fromTop = (s: UiState) => ({ state: { ...s, listCursor: 0, listTop: 0 }, effects: ENSURE });

export function listResult(s: UiState, r: ListResult): { state: UiState; effects: Effect[] } {
  const done = (state: UiState) => ({ state, effects: [] });
  switch (r.type) {
    case 'tagsChanged':
      return done({ ...s, tagged: withGroup(s.tagged, r.account, r.path, r.uids) });
    case 'tagsAdded': {
      const before = taggedIn(s, r.account, r.path);
      const have = new Set(before);
      return done({ ...s, tagged: withGroup(s.tagged, r.account, r.path, [...before, ...r.uids.filter((u) => !have.has(u))]) });
    }
    case 'untagged': {
      const before = taggedIn(s, r.account, r.path);
      const gone = new Set(r.uids);
      if (!before.some((u) => gone.has(u))) return done(s);
      return done({
        ...s,
        tagged: withGroup(
          s.tagged,
          r.account,
          r.path,
          before.filter((u) => !gone.has(u)),
        ),
      });
    }
    case 'tagsCleared':
      return done({ ...s, tagged: undefined, tagPrefix: undefined });
    case 'messagesRemoved': {
      const gone = new Set(r.uids);
      const cur = s.current;
      const here = cur?.account === r.account && cur.path === r.path;
      let t = s;
      if (here && r.above > 0) t = { ...t, listCursor: Math.max(0, t.listCursor - r.above), listTop: Math.max(0, t.listTop - r.above) };
      const rd = t.reader;
      if (rd && rd.account === r.account && rd.path === r.path && gone.has(rd.uid)) t = { ...t, reader: undefined, focus: 'list' };
      if (here && t.search) t = { ...t, search: { ...t.search, uids: t.search.uids.filter((u) => !gone.has(u)) } };
      return done(t);
    }
    case 'searchShown':
      return fromTop({ ...s, search: r.search, focus: 'list' });
    case 'searchCleared':
      return fromTop({ ...s, search: undefined });
    case 'orderChanged': {
      // Sorting leaves the thread view; collapsed threads are held by position in the thread view.
      const t: UiState =
        r.sort !== undefined
          ? { ...s, sort: r.sort, threads: false, sortFromByAddress: r.sortFromByAddress }
          : { ...s, threads: r.threads, collapsed: undefined };
      return t.search ? done(t) : fromTop(t);
    }
  }
}
