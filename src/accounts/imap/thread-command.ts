// RFC 5256 THREAD=REFERENCES, sent through runRawCommand (imapflow has no THREAD). The answer is
// UIDs only: the shape and order of a 100k folder's threads cost no header fetch at all. Without
// the capability (or imapflow's internals), callers thread locally (threadLocally below).
import type { ImapFlow } from 'imapflow';
import { threadOrder } from '../../threading/jwz.js';
import { flattenThreads, maxUid, parseThreadAttributes, type ThreadOrder } from '../../threading/thread-tree.js';
import { atom, canRunRaw, runRawCommand } from './raw-command.js';

export function serverCanThread(client: ImapFlow): boolean {
  return client.capabilities.has('THREAD=REFERENCES') && canRunRaw(client);
}

/**
 * The selected mailbox's threads as list rows: the thread with the highest UID (the latest
 * arrival) first, each depth-first in the server's order (oldest reply first). Null when the
 * server cannot thread.
 */
export async function serverThreadOrder(client: ImapFlow): Promise<ThreadOrder | null> {
  if (!serverCanThread(client)) return null;
  const threads: unknown[] = [];
  const sent = await runRawCommand(client, 'UID THREAD', [atom('REFERENCES'), atom('UTF-8'), atom('ALL')], 'THREAD', (untagged) => {
    for (const a of untagged.attributes ?? []) threads.push(a);
  });
  return sent ? flattenThreads(parseThreadAttributes(threads), maxUid) : null;
}

/**
 * A server without THREAD: envelopes and References of the whole folder, threaded here. This is
 * the expensive path (one FETCH of every message's headers), taken only when the user asks for
 * threads on such a server.
 */
export async function threadLocally(client: ImapFlow): Promise<ThreadOrder> {
  if (!client.mailbox || client.mailbox.exists === 0) return { uids: [], depths: [] };
  const messages = await client.fetchAll('1:*', { uid: true, envelope: true, headers: ['references'] });
  // Loaded here: the MIME stack (libmime, iconv-lite) is not needed to open a folder.
  const { parseHeaderSummary } = await import('../../mime/header-summary.js');
  return threadOrder(
    messages.flatMap((m) => {
      if (!m.uid) return [];
      const date = new Date(m.envelope?.date ?? 0);
      // The same References parsing (capped, sanitized) as for local mail.
      const refs = m.headers ? (parseHeaderSummary(m.headers, date).references ?? []) : [];
      return [
        {
          uid: m.uid,
          date,
          subject: m.envelope?.subject ?? '',
          messageId: m.envelope?.messageId,
          inReplyTo: m.envelope?.inReplyTo,
          references: refs,
        },
      ];
    }),
  );
}
