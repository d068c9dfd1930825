// Copy or move messages to a folder of ANOTHER account (IMAP -> IMAP, IMAP <-> POP3 local copy).
// No protocol can do that in one command: each message's raw source is read from the source
// (fetchRaw, which does not set \Seen) and stored in the destination with its flags
// (appendMessage: IMAP APPEND, or delivery into the local Maildir). Only the messages whose copy
// the destination confirmed are deleted from the source after a move, in ONE delete for good
// (skipTrash: the copy is the message's new home) that keeps the no-foreign-expunge rule. A
// failure stops the transfer: what was copied is said, and nothing uncopied is ever deleted.
import type { Readable } from 'node:stream';
import type { Flag } from '../domain/index.js';
import type { MailAccount, RemovalOutcome } from './account.js';

export interface TransferOutcome {
  /** Source UIDs whose copy the destination confirmed, in the order given. */
  copied: number[];
  /** The first message that could not be copied (the transfer stopped there), with why. */
  failed?: { uid: number; error: unknown };
  /** For a move: what deleting the copied originals did. */
  removed?: RemovalOutcome;
}

/** Flags that describe this session or a pending expunge, not the message. */
const NOT_CARRIED = new Set<Flag>(['\\Recent', '\\Deleted']);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks);
}

export async function transferAcross(
  from: MailAccount,
  path: string,
  uids: readonly number[],
  to: MailAccount,
  destination: string,
  move: boolean,
): Promise<TransferOutcome> {
  // One fetch for everyone's flags; a message gone meanwhile is simply not there.
  const summaries = await from.fetchSummaries(path, [...uids]);
  const outcome: TransferOutcome = { copied: [] };
  for (const s of summaries) {
    try {
      const raw = await readAll(await from.fetchRaw(path, s.uid));
      await to.appendMessage(
        destination,
        raw,
        s.flags.filter((f) => !NOT_CARRIED.has(f)),
      );
      outcome.copied.push(s.uid);
    } catch (error) {
      outcome.failed = { uid: s.uid, error };
      break;
    }
  }
  if (move && outcome.copied.length > 0) {
    const removed = await from.deleteMessages(path, outcome.copied, { skipTrash: true });
    if (removed) outcome.removed = removed;
  }
  return outcome;
}
