// The tag set as plain data: which messages of which folders are tagged (pure; components read it too).
import type { AccountId, TagGroup, UiState } from './types.js';

/** The tagged UIDs of one folder. */
export function taggedIn(s: Pick<UiState, 'tagged'>, account: AccountId, path: string): number[] {
  return s.tagged?.find((g) => g.account === account && g.path === path)?.uids ?? [];
}

/** The tagged UIDs of the folder on screen (the tags of other folders stay, but are not these). */
export function taggedHere(s: Pick<UiState, 'current' | 'tagged'>): number[] {
  const cur = s.current;
  return cur ? taggedIn(s, cur.account, cur.path) : [];
}

/** How many messages are tagged in all folders. */
export function taggedCount(s: Pick<UiState, 'tagged'>): number {
  return (s.tagged ?? []).reduce((n, g) => n + g.uids.length, 0);
}

/** `tagged` with the group of account/path replaced by `uids` (dropped when empty). */
export function withGroup(tagged: readonly TagGroup[] | undefined, account: AccountId, path: string, uids: number[]): TagGroup[] | undefined {
  const others = (tagged ?? []).filter((g) => !(g.account === account && g.path === path));
  const all = uids.length ? [...others, { account, path, uids }] : others;
  return all.length ? all : undefined;
}
