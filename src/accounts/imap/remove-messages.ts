// Moving and deleting by UID set without ever removing a message the user did not act on.
// - MOVE (RFC 6851) is atomic: one UID MOVE.
// - Otherwise COPY, STORE +FLAGS (\Deleted), then an expunge of exactly those UIDs:
//   UID EXPUNGE with UIDPLUS (RFC 4315). Without UIDPLUS only a plain EXPUNGE exists, and it
//   removes every \Deleted message in the folder — also one another client marked and meant to
//   keep or undelete. So it is sent only when the folder holds no other \Deleted message;
//   otherwise ours stay marked \Deleted (the caller says so) and the next expunge takes them.
//   (A client marking a message between our SEARCH and EXPUNGE cannot be excluded by IMAP4rev1.)
// imapflow's own messageMove emulation ends in a plain EXPUNGE, hence this module.
// imapflow's commands answer `false` both for a server NO and for a connection that died under
// them; `client.usable` tells the two apart (it is cleared before pending commands are rejected).
import type { CopyResponseObject, ImapFlow } from 'imapflow';
import type { UidPair } from '../account.js';
import { AccountError } from '../../domain/index.js';
import { uidSets } from './window.js';

/** What an expunge of our UIDs did. */
export type ExpungeResult = 'expunged' | 'left-deleted';

/** What a move did, and the copies' UIDs when the server said (COPYUID, UIDPLUS). */
export interface MoveResult {
  result: ExpungeResult;
  copies?: UidPair[];
}

/** The COPYUID mapping of a COPY or MOVE answer, if the server sent one. */
export function pairsOf(response: CopyResponseObject): UidPair[] | undefined {
  return response.uidMap ? [...response.uidMap].map(([from, to]) => ({ from, to })) : undefined;
}

/** An imapflow command answered `false`: a lost connection, or a refusal by the server. */
export function commandFailed(client: ImapFlow, what: string, path: string): AccountError {
  if (!client.usable) return new ConnectionLostDuringWrite(`the connection was lost while trying to ${what} in ${path}`);
  return new AccountError('protocol', `the server refused to ${what} in ${path}`);
}

/** A write whose fate is unknown: the command may or may not have reached the server. */
export class ConnectionLostDuringWrite extends AccountError {
  constructor(message: string) {
    super('network', message);
  }
}

/** Marks `uids` \Deleted and expunges exactly them (or leaves them marked; see the file comment). */
export async function deleteUids(client: ImapFlow, path: string, uids: readonly number[]): Promise<ExpungeResult> {
  for (const set of uidSets(uids)) if (!(await client.messageFlagsAdd(set, ['\\Deleted'], { uid: true }))) throw commandFailed(client, 'delete messages', path);
  return expungeOurs(client, path, uids);
}

/** Expunges `uids`, already marked \Deleted, and nothing else. */
export async function expungeOurs(client: ImapFlow, path: string, uids: readonly number[]): Promise<ExpungeResult> {
  const sets = uidSets(uids);
  if (!client.capabilities.has('UIDPLUS')) {
    const marked = await client.search({ deleted: true }, { uid: true });
    if (!marked) throw commandFailed(client, 'list deleted messages', path);
    const ours = new Set(uids);
    if (!marked.every((uid) => ours.has(uid))) return 'left-deleted';
    // Only ours are marked: one plain EXPUNGE (after messageDelete's STORE) takes them all.
    sets.splice(1);
  }
  // messageDelete: STORE +FLAGS (\Deleted) again (harmless), then UID EXPUNGE, or EXPUNGE without UIDPLUS.
  for (const set of sets) if (!(await client.messageDelete(set, { uid: true }))) throw commandFailed(client, 'expunge messages', path);
  return 'expunged';
}

/** Moves `uids` to `destination`; 'left-deleted' when the originals had to stay, marked \Deleted. */
export async function moveUids(client: ImapFlow, path: string, uids: readonly number[], destination: string): Promise<MoveResult> {
  const canMove = client.capabilities.has('MOVE');
  let copies: UidPair[] | undefined = [];
  for (const set of uidSets(uids)) {
    const done = canMove ? await client.messageMove(set, destination, { uid: true }) : await client.messageCopy(set, destination, { uid: true });
    if (!done) throw commandFailed(client, `${canMove ? 'move' : 'copy'} messages to ${destination}`, path);
    const more = pairsOf(done);
    copies = copies && more ? [...copies, ...more] : undefined;
  }
  const result = canMove ? 'expunged' : await deleteUids(client, path, uids);
  return copies ? { result, copies } : { result };
}
