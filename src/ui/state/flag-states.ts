// Which of many messages have a flag, without fetching their summaries: a bulk flag change needs
// that only to record an exact undo (and to decide a toggle). For the flags the search language
// names, one search answers for the whole folder (IMAP: one UID SEARCH, UIDs only) instead of a
// FETCH of envelopes and structures for, say, 10,000 tagged messages.
import type { MailAccount } from '../../accounts/account.js';
import type { Flag, MessageSummary, SearchNode } from '../../domain/index.js';

/** The messages LACKING the flag, as a search (few, usually: unread, flagged, answered mail). */
const LACKING: Partial<Record<Flag, SearchNode>> = {
  '\\Seen': { kind: 'flag', state: 'unread' },
  '\\Flagged': { kind: 'not', node: { kind: 'flag', state: 'flagged' } },
  '\\Answered': { kind: 'not', node: { kind: 'flag', state: 'answered' } },
};

/** `uids` with just `flag` in their flags (or not): enough for changeFlags() and a toggle. */
export async function flagStates(account: MailAccount, path: string, uids: number[], flag: Flag): Promise<Pick<MessageSummary, 'uid' | 'flags'>[]> {
  const lacking = LACKING[flag];
  if (!lacking) return account.fetchSummaries(path, uids);
  const without = new Set(await account.search(path, { expression: lacking }));
  return uids.map((uid) => ({ uid, flags: without.has(uid) ? [] : [flag] }));
}
