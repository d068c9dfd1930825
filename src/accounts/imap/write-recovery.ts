// After the connection was lost during a write (COPY, MOVE, EXPUNGE, APPEND), the command may or
// may not have reached the server. On the new connection these functions look at what the server
// holds and finish the change exactly once:
// - a message still in its source folder was not moved (MOVE is atomic); without MOVE it may have
//   been copied already: the destination is searched for it among the UIDs that appeared since
//   just before the first attempt (by Message-ID, else by size), so a retry never duplicates it;
// - a message already gone was handled by the server: nothing is sent again;
// - an APPEND is looked for the same way before it is sent again.
// Each returns what happened, with `recovered` saying so in words.
import type { FetchMessageObject, ImapFlow, MailboxObject } from 'imapflow';
import type { RemovalOutcome } from '../account.js';
import { AccountError, type Flag } from '../../domain/index.js';
import { deleteUids, expungeOurs, commandFailed, moveUids } from './remove-messages.js';
import { uidSets } from './window.js';

/** Runs `fn` with `path` selected and locked (ImapAccount.inFolder bound to the new connection). */
export type InFolder = <T>(path: string, fn: (client: ImapFlow, mailbox: MailboxObject) => Promise<T>) => Promise<T>;

/** What was known just before the first attempt. */
export interface WriteMark {
  /** UIDVALIDITY of the source folder: UIDs mean nothing once it changed. */
  sourceValidity: bigint;
  /** UIDNEXT of the destination (only when a copy could be half done): copies get UIDs from here. */
  destinationUidNext?: number;
}

const AFTER_RECONNECT = 'the connection was lost or stopped answering; after reconnecting';

/**
 * UIDNEXT of `path` without STATUSing the selected mailbox (RFC 3501 forbids relying on that, and
 * imapflow would overwrite the session's own counts with the answer).
 */
export async function uidNextOf(client: ImapFlow, path: string): Promise<number | undefined> {
  if (client.mailbox && client.mailbox.path === path) return client.mailbox.uidNext;
  try {
    const status = await client.status(path, { uidNext: true });
    return status ? status.uidNext : undefined;
  } catch {
    return undefined; // a missing folder: the write itself reports it
  }
}

export async function markBefore(client: ImapFlow, source: MailboxObject, destination: string, op: 'move' | 'copy'): Promise<WriteMark> {
  // A MOVE cannot be half done, so its destination need not be looked at.
  const destinationUidNext = op === 'move' && client.capabilities.has('MOVE') ? undefined : await uidNextOf(client, destination);
  return destinationUidNext === undefined ? { sourceValidity: source.uidValidity } : { sourceValidity: source.uidValidity, destinationUidNext };
}

/** The requested messages still in `path` (with what is needed to recognise a copy of each). */
async function stillThere(inFolder: InFolder, path: string, uids: readonly number[], validity: bigint | undefined): Promise<FetchMessageObject[]> {
  return inFolder(path, async (client, mailbox) => {
    if (validity !== undefined && mailbox.uidValidity !== validity) {
      throw new AccountError('protocol', `${AFTER_RECONNECT}, ${path} turned out to be recreated on the server; nothing more was changed`);
    }
    const wanted = new Set(uids);
    const found: FetchMessageObject[] = [];
    for (const set of uidSets(uids)) found.push(...(await client.fetchAll(set, { uid: true, flags: true, envelope: true, size: true }, { uid: true })));
    return found.filter((m) => wanted.has(m.uid));
  });
}

/** Source UIDs of `messages` that already have a copy in `destination` made since `uidNext`. */
async function alreadyCopied(inFolder: InFolder, destination: string, messages: FetchMessageObject[], uidNext: number | undefined): Promise<Set<number>> {
  const copied = new Set<number>();
  if (uidNext === undefined || messages.length === 0) return copied;
  return inFolder(destination, async (client) => {
    const taken = new Set<number>();
    for (const m of messages) {
      const id = m.envelope?.messageId;
      const size = m.size ?? 0;
      const query = id ? { uid: `${uidNext}:*`, header: { 'message-id': id } } : { uid: `${uidNext}:*`, larger: Math.max(0, size - 1), smaller: size + 1 };
      const hits = (await client.search(query, { uid: true })) || [];
      // `N:*` also names the highest UID when it is below N: keep only UIDs really made since.
      const copy = hits.find((uid) => uid >= uidNext && !taken.has(uid));
      if (copy !== undefined) {
        taken.add(copy);
        copied.add(m.uid);
      }
    }
    return copied;
  });
}

export async function recoverMove(
  client: ImapFlow,
  inFolder: InFolder,
  path: string,
  uids: readonly number[],
  destination: string,
  mark: WriteMark | undefined,
): Promise<RemovalOutcome> {
  const left = await stillThere(inFolder, path, uids, mark?.sourceValidity);
  if (left.length === 0) return { result: 'moved', destination, recovered: `${AFTER_RECONNECT}, the server had already moved it` };
  const leftUids = left.map((m) => m.uid);
  if (client.capabilities.has('MOVE')) {
    await inFolder(path, (c) => moveUids(c, path, leftUids, destination));
    return { result: 'moved', destination, recovered: `${AFTER_RECONNECT}, the move was sent again once` };
  }
  const copied = await alreadyCopied(inFolder, destination, left, mark?.destinationUidNext);
  const toCopy = leftUids.filter((uid) => !copied.has(uid));
  const result = await inFolder(path, async (c) => {
    for (const set of uidSets(toCopy))
      if (!(await c.messageCopy(set, destination, { uid: true }))) throw commandFailed(c, `copy messages to ${destination}`, path);
    return deleteUids(c, path, leftUids);
  });
  const how = toCopy.length === 0 ? 'the copy had been made; the original was then removed' : 'the move was finished once';
  return { result: result === 'expunged' ? 'moved' : result, destination, recovered: `${AFTER_RECONNECT}, ${how}` };
}

export async function recoverCopy(
  _client: ImapFlow,
  inFolder: InFolder,
  path: string,
  uids: readonly number[],
  destination: string,
  mark: WriteMark | undefined,
): Promise<void> {
  const left = await stillThere(inFolder, path, uids, mark?.sourceValidity);
  const copied = await alreadyCopied(inFolder, destination, left, mark?.destinationUidNext);
  const toCopy = left.map((m) => m.uid).filter((uid) => !copied.has(uid));
  if (toCopy.length === 0) return;
  await inFolder(path, async (c) => {
    for (const set of uidSets(toCopy))
      if (!(await c.messageCopy(set, destination, { uid: true }))) throw commandFailed(c, `copy messages to ${destination}`, path);
  });
}

export async function recoverDelete(
  _client: ImapFlow,
  inFolder: InFolder,
  path: string,
  uids: readonly number[],
  validity: bigint | undefined,
): Promise<RemovalOutcome> {
  const left = await stillThere(inFolder, path, uids, validity);
  if (left.length === 0) return { result: 'expunged', recovered: `${AFTER_RECONNECT}, the server had already deleted it` };
  const result = await inFolder(path, (c) =>
    left.every((m) => m.flags?.has('\\Deleted'))
      ? expungeOurs(
          c,
          path,
          left.map((m) => m.uid),
        )
      : deleteUids(
          c,
          path,
          left.map((m) => m.uid),
        ),
  );
  return { result, recovered: `${AFTER_RECONNECT}, the delete was finished once` };
}

export async function recoverAppend(
  _client: ImapFlow,
  inFolder: InFolder,
  path: string,
  raw: Buffer,
  flags: Flag[],
  uidNext: number | undefined,
): Promise<void> {
  const id = messageIdOf(raw);
  if (id && uidNext !== undefined) {
    const stored = await inFolder(path, async (client) =>
      ((await client.search({ uid: `${uidNext}:*`, header: { 'message-id': id } }, { uid: true })) || []).some((uid) => uid >= uidNext),
    );
    if (stored) return;
  }
  // Not there (or not recognisable without a Message-ID): stored once more.
  await inFolder(path, async (c) => {
    if (!(await c.append(path, raw, flags))) throw commandFailed(c, 'save a message', path);
  });
}

/** The Message-ID of a raw message's header block, or undefined. */
export function messageIdOf(raw: Buffer): string | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 64 * 1024) : end).toString('latin1');
  const match = /^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^>\r\n]{1,900}>)/im.exec(head);
  return match?.[1];
}
