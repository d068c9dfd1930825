// imapflow sends `LIST "" <folder>` before it selects a folder it has not listed yet, to learn
// its delimiter and flags; on a login that opens INBOX first, that is one more round trip ahead
// of the first screen. Every IMAP server has an INBOX (RFC 3501 5.1, RFC 9051 5.1), named
// "INBOX" whatever its namespace, so its entry is known without asking; the folder list that
// follows replaces it with the server's own. tmail reads nothing of the entry but the path.
// This fills imapflow's internal folder map (not in its typings); imapflow is pinned, and
// test/integration/cold-start-wire.test.ts checks on the wire that no LIST precedes the SELECT.
import type { ImapFlow } from 'imapflow';

export function knowInboxWithoutList(client: ImapFlow): void {
  const folders = (client as unknown as { folders?: unknown }).folders;
  if (!(folders instanceof Map) || folders.has('INBOX')) return;
  const delimiter = client.namespace?.delimiter ?? null;
  folders.set('INBOX', {
    path: 'INBOX',
    pathAsListed: 'INBOX',
    name: 'INBOX',
    delimiter,
    parent: [],
    parentPath: '',
    flags: new Set<string>(),
    specialUse: '\\Inbox',
    listed: true,
  });
}
