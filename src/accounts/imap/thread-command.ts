// RFC 5256 THREAD=REFERENCES through imapflow's command pipeline, like sort-command.ts (imapflow
// has no THREAD). The answer is UIDs only: the shape and order of a 100k folder's threads cost no
// header fetch at all. Touches the same guarded imapflow internals; without them, or without the
// capability, callers thread locally (threadLocally below).
import type { ImapFlow } from 'imapflow';
import { threadOrder } from '../../threading/jwz.js';
import { flattenThreads, maxUid, parseThreadAttributes, type ThreadOrder } from '../../threading/thread-tree.js';

const COMMAND = 'TMAIL_THREAD_REFERENCES';

interface Internals {
  commands?: Map<string, (connection: Internals, ...args: unknown[]) => Promise<unknown>>;
  run?: (command: string, ...args: unknown[]) => Promise<unknown>;
  exec?: (
    command: string,
    attributes: unknown[],
    options: { untagged: Record<string, (u: { attributes?: unknown[] }) => Promise<void>> },
  ) => Promise<{ next: () => void }>;
}

export function serverCanThread(client: ImapFlow): boolean {
  const internals = client as unknown as Internals;
  return client.capabilities.has('THREAD=REFERENCES') && internals.commands instanceof Map && typeof internals.run === 'function';
}

/**
 * The selected mailbox's threads as list rows: the thread with the highest UID (the latest
 * arrival) first, each depth-first in the server's order (oldest reply first). Null when the
 * server cannot thread.
 */
export async function serverThreadOrder(client: ImapFlow): Promise<ThreadOrder | null> {
  if (!serverCanThread(client)) return null;
  const internals = client as unknown as Internals;
  if (!internals.commands!.has(COMMAND)) {
    internals.commands!.set(COMMAND, async (connection) => {
      const threads: unknown[] = [];
      const response = await connection.exec!(
        'UID THREAD',
        [{ type: 'ATOM', value: 'REFERENCES' }, { type: 'ATOM', value: 'UTF-8' }, { type: 'ATOM', value: 'ALL' }],
        {
          untagged: {
            THREAD: async (untagged) => {
              for (const a of untagged.attributes ?? []) threads.push(a);
            },
          },
        },
      );
      response.next();
      return threads;
    });
  }
  const result = await internals.run!(COMMAND);
  if (!Array.isArray(result)) return null;
  return flattenThreads(parseThreadAttributes(result), maxUid);
}

/**
 * A server without THREAD: envelopes and References of the whole folder, threaded here. This is
 * the expensive path (one FETCH of every message's headers), taken only when the user asks for
 * threads on such a server.
 */
export async function threadLocally(client: ImapFlow): Promise<ThreadOrder> {
  if (!client.mailbox || client.mailbox.exists === 0) return { uids: [], depths: [] };
  const messages = await client.fetchAll('1:*', { uid: true, envelope: true, headers: ['references'] });
  return threadOrder(
    messages.flatMap((m) => {
      if (!m.uid) return [];
      const refs = m.headers ? (m.headers.toString('latin1').match(/<[^<>\s]+>/g) ?? []) : [];
      return [
        {
          uid: m.uid,
          date: new Date(m.envelope?.date ?? 0),
          subject: m.envelope?.subject ?? '',
          messageId: m.envelope?.messageId,
          inReplyTo: m.envelope?.inReplyTo,
          references: refs.slice(-50),
        },
      ];
    }),
  );
}
