// Where did the copies go? With UIDPLUS the server says (COPYUID, see remove-messages.ts pairsOf).
// Without it the copies are found afterwards among the destination's new messages (UID >= the
// UIDNEXT noted before) by Message-ID: one FETCH of the source's Message-IDs before, one FETCH of
// the destination's new envelopes after. A message without a Message-ID, or whose ID repeats among
// the new ones, cannot be told apart and is left out.
import type { ImapFlow } from 'imapflow';
import type { UidPair } from '../account.js';
import { uidSets } from './window.js';

/** Before a copy or move, in the selected source: what is needed to find the copies later. */
export interface CopyMark {
  ids: Map<number, string>;
  destinationUidNext: number;
}

export async function noteMessageIds(client: ImapFlow, uids: readonly number[], destinationUidNext: number | undefined): Promise<CopyMark | undefined> {
  if (destinationUidNext === undefined) return undefined;
  const ids = new Map<number, string>();
  const wanted = new Set(uids);
  for (const set of uidSets(uids)) {
    for (const m of await client.fetchAll(set, { uid: true, envelope: true }, { uid: true })) {
      const id = m.envelope?.messageId;
      if (id && wanted.has(m.uid)) ids.set(m.uid, id);
    }
  }
  return { ids, destinationUidNext };
}

/** In the selected destination: the copies made since `mark`, matched by Message-ID. */
export async function findCopies(client: ImapFlow, mark: CopyMark): Promise<UidPair[]> {
  if (mark.ids.size === 0) return [];
  const fresh = (await client.fetchAll(`${mark.destinationUidNext}:*`, { uid: true, envelope: true }, { uid: true })).filter(
    (m) => m.uid >= mark.destinationUidNext,
  );
  const byId = new Map<string, number[]>();
  for (const m of fresh) {
    const id = m.envelope?.messageId;
    if (id) byId.set(id, [...(byId.get(id) ?? []), m.uid]);
  }
  const sources = new Map<string, number[]>();
  for (const [uid, id] of mark.ids) sources.set(id, [...(sources.get(id) ?? []), uid]);
  const pairs: UidPair[] = [];
  for (const [id, from] of sources) {
    const to = byId.get(id);
    // Only a one-to-one match is certain.
    if (from.length === 1 && to?.length === 1) pairs.push({ from: from[0]!, to: to[0]! });
  }
  return pairs.sort((a, b) => a.from - b.from);
}
