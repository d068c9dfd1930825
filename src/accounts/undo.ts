// Bulk actions that can be undone. Each runs the backend's ONE command per action on the whole UID
// set and returns an UndoRecord: plain data the UI keeps (the session's last action) and hands to
// undoAction() when the user presses `u`.
// - Flags: only the messages whose flag really changed are recorded (from the summaries the caller
//   shows), so an undo restores exactly the state before, not "clear \Seen on everything".
// - Move (and a delete that moved to Trash): the copies' UIDs in the destination (UIDPLUS
//   COPYUID, or found by Message-ID; POP3: the local UIDs) are moved back. The messages return
//   with new UIDs in their folder. A message whose copy was not found cannot come back.
// - A delete for good cannot be undone: the record says so, and the UI should say it before.
// - Copies are not undone (nothing was lost): account.copyMessages says where they are.
// - Without UIDPLUS a move may leave the originals marked \Deleted ('left-deleted'); an undo moves
//   the copies back, and those originals go with the next expunge.
import type { Flag, MessageSummary } from '../domain/index.js';
import type { MailAccount, RemovalOutcome } from './account.js';

export interface FlagChange {
  flag: Flag;
  uids: number[];
}

export type UndoRecord =
  | { kind: 'flags'; path: string; added: FlagChange[]; removed: FlagChange[] }
  | { kind: 'move'; path: string; destination: string; uids: number[] }
  | { kind: 'none'; reason: string };

export interface UndoableResult<T> {
  /** What the backend said (for the status line). */
  outcome: T;
  undo: UndoRecord;
}

/** Sets and clears flags on `messages` (the summaries on screen, for their current flags). */
export async function changeFlags(
  account: MailAccount,
  path: string,
  messages: readonly Pick<MessageSummary, 'uid' | 'flags'>[],
  change: { add?: Flag[]; remove?: Flag[] },
): Promise<UndoableResult<void>> {
  const added: FlagChange[] = (change.add ?? []).map((flag) => ({ flag, uids: messages.filter((m) => !m.flags.includes(flag)).map((m) => m.uid) }));
  const removed: FlagChange[] = (change.remove ?? []).map((flag) => ({ flag, uids: messages.filter((m) => m.flags.includes(flag)).map((m) => m.uid) }));
  const uids = messages.map((m) => m.uid);
  // One STORE per direction for the whole set (setting a flag a message already has is harmless).
  if (change.add?.length) await account.addFlags(path, uids, change.add);
  if (change.remove?.length) await account.removeFlags(path, uids, change.remove);
  return { outcome: undefined, undo: { kind: 'flags', path, added: added.filter((c) => c.uids.length), removed: removed.filter((c) => c.uids.length) } };
}

function moveRecord(path: string, outcome: RemovalOutcome | undefined, uids: readonly number[]): UndoRecord {
  if (!outcome) return { kind: 'none', reason: 'the backend did not say where the messages went' };
  if (outcome.result === 'expunged')
    return { kind: 'none', reason: uids.length === 1 ? 'the message was deleted for good' : 'the messages were deleted for good' };
  if (!outcome.destination || !outcome.copies || outcome.copies.length === 0) {
    return {
      kind: 'none',
      reason: `the server did not say where the ${uids.length === 1 ? 'message' : 'messages'} went in ${outcome.destination ?? 'the destination'}`,
    };
  }
  return { kind: 'move', path, destination: outcome.destination, uids: outcome.copies.map((c) => c.to) };
}

export async function deleteWithUndo(account: MailAccount, path: string, uids: number[]): Promise<UndoableResult<RemovalOutcome | undefined>> {
  const outcome = await account.deleteMessages(path, uids);
  return { outcome, undo: moveRecord(path, outcome, uids) };
}

export async function moveWithUndo(
  account: MailAccount,
  path: string,
  uids: number[],
  destination: string,
): Promise<UndoableResult<RemovalOutcome | undefined>> {
  const outcome = await account.moveMessages(path, uids, destination);
  return { outcome, undo: moveRecord(path, outcome, uids) };
}

export interface UndoResult {
  /** For the status line, e.g. "moved 3 messages back to INBOX". */
  message: string;
  /** Folders whose contents changed (to reload). */
  changed: string[];
}

/** Reverses a recorded action. Rejects with the backend's AccountError when that fails. */
export async function undoAction(account: MailAccount, record: UndoRecord): Promise<UndoResult> {
  if (record.kind === 'none') return { message: `Nothing to undo: ${record.reason}.`, changed: [] };
  if (record.kind === 'flags') {
    for (const c of record.added) await account.removeFlags(record.path, c.uids, [c.flag]);
    for (const c of record.removed) await account.addFlags(record.path, c.uids, [c.flag]);
    const count = new Set([...record.added, ...record.removed].flatMap((c) => c.uids)).size;
    return { message: `Restored the flags of ${count} ${count === 1 ? 'message' : 'messages'}.`, changed: [record.path] };
  }
  await account.moveMessages(record.destination, record.uids, record.path);
  const n = record.uids.length;
  return { message: `Moved ${n} ${n === 1 ? 'message' : 'messages'} back to ${record.path}.`, changed: [record.path, record.destination] };
}
