// Sort by date/from/subject and the thread view over IMAP against the private Dovecot: the order
// comes from UID SORT / UID THREAD REFERENCES (UIDs only); a window then fetches just its rows.
// The proxy counts `* n FETCH` responses to prove no envelope fetch of the whole folder happens.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { accountConfig, makeAccount, otherDevice } from './support/imap-fixtures.js';
import { rewriteServer, startTcpProxy } from '../helpers/tcp-proxy.js';
import type { MessageSummary, SortOrder } from '../../src/domain/index.js';

/** [from, subject, references] per message, appended in this order (day n = message n). */
const MAILS: Array<[string, string, string[]]> = [
  ['Zoe <zoe@example.org>', 'Budget', []], // 1
  ['adam@example.org', 'Re: Budget', ['<t1@example.org>']], // 2
  ['Bea <bea@example.org>', 'Lunch', []], // 3
  ['Zoe <zoe@example.org>', 'Re: Budget', ['<t1@example.org>', '<t2@example.org>']], // 4
  ['Carl <carl@example.org>', 'agenda', []], // 5
  ['Bea <bea@example.org>', 'Re: Budget', ['<t1@example.org>']], // 6
  ['Dan <dan@example.org>', 'Re: Lunch', ['<t3@example.org>']], // 7
];

function raw(n: number, from: string, subject: string, refs: string[]): string {
  const head = [
    `From: ${from}`,
    'To: alice@example.org',
    `Subject: ${subject}`,
    `Date: ${new Date(Date.UTC(2024, 0, n)).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <t${n}@example.org>`,
  ];
  if (refs.length) head.push(`In-Reply-To: ${refs.at(-1)}`, `References: ${refs.join(' ')}`);
  return [...head, 'Content-Type: text/plain', '', `body ${n}`, ''].join('\r\n');
}

describe('IMAP sort and threads against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  const uidOf: number[] = [];

  before(async () => {
    server = await startDovecot();
    device = await otherDevice(server);
    for (const [i, [from, subject, refs]] of MAILS.entries()) {
      const n = i + 1;
      const res = await device.append('INBOX', raw(n, from, subject, refs), [], new Date(Date.UTC(2024, 0, n)));
      uidOf[n] = res && res.uid ? res.uid : 0;
    }
  });

  after(async () => {
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  async function session(strip?: RegExp) {
    const proxy = await startTcpProxy(
      server.ports.imap,
      strip ? { onServerData: rewriteServer((c) => Buffer.from(c.toString('latin1').replace(strip, 'XSTRIPPX'), 'latin1')) } : {},
    );
    // No header cache: its background fill would fetch the folder and blur the count.
    const t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }), 'alice-pw', undefined, {
      headerCache: false,
    });
    await t.account.connect();
    await t.account.openFolder('INBOX');
    return { proxy, t };
  }

  const n = (rows: MessageSummary[]) => rows.map((r) => uidOf.indexOf(r.uid));
  const tree = (rows: MessageSummary[]) => rows.map((r) => `${'.'.repeat(r.threadDepth ?? -1)}${uidOf.indexOf(r.uid)}`);

  async function windows(
    t: { account: { fetchWindow(p: string, s: number, c: number, o: SortOrder): Promise<MessageSummary[]> } },
    order: SortOrder,
    size: number,
  ) {
    const out: MessageSummary[] = [];
    for (let start = 0; start < MAILS.length; start += size) out.push(...(await t.account.fetchWindow('INBOX', start, size, order)));
    return out;
  }

  test('thread view: UID THREAD REFERENCES, newest thread first, depth per row, windows fetch only their rows', async () => {
    const { proxy, t } = await session();
    try {
      const before = proxy.fetchResponses;
      const first = await t.account.fetchWindow('INBOX', 0, 3, 'thread');
      assert.match(proxy.clientText(), /UID THREAD REFERENCES UTF-8 ALL\r\n/);
      assert.equal(proxy.fetchResponses - before, 3, 'one FETCH response per row of the window, not one per message');
      // Lunch (3 <- 7) has the newest message; then Budget (1 <- 2 <- 4, 1 <- 6); agenda alone.
      assert.deepEqual(tree(first), ['3', '.7', '1']);
      const all = await windows(t, 'thread', 3);
      assert.deepEqual(tree(all), ['3', '.7', '1', '.2', '..4', '.6', '5']);
      assert.equal((proxy.clientText().match(/UID THREAD/g) ?? []).length, 1, 'the thread order is computed once and sliced');
      assert.equal(proxy.fetchResponses - before, 3 + 7);
    } finally {
      await t.dispose();
      await proxy.stop();
    }
  });

  test('from and subject orders come from UID SORT and map onto windows', async () => {
    const { proxy, t } = await session();
    try {
      const before = proxy.fetchResponses;
      const byFrom = await windows(t, 'from', 2);
      assert.match(proxy.clientText(), /UID SORT \((DISPLAYFROM|FROM) REVERSE DATE\) UTF-8 ALL\r\n/);
      // adam, Bea (6 newer than 3), Carl, Dan, Zoe (4 newer than 1): names and mailboxes agree here.
      assert.deepEqual(n(byFrom), [2, 6, 3, 5, 7, 4, 1]);
      const bySubject = await windows(t, 'subject', 3);
      assert.match(proxy.clientText(), /UID SORT \(SUBJECT REVERSE DATE\) UTF-8 ALL\r\n/);
      assert.deepEqual(n(bySubject), [5, 6, 4, 2, 1, 7, 3]);
      const byDate = await windows(t, 'date', 4);
      assert.deepEqual(n(byDate), [7, 6, 5, 4, 3, 2, 1]);
      assert.ok(
        byFrom.every((r) => r.threadDepth === undefined),
        'only thread rows carry a depth',
      );
      assert.equal(proxy.fetchResponses - before, 3 * MAILS.length, 'each message fetched once per order, by its window');
    } finally {
      await t.dispose();
      await proxy.stop();
    }
  });

  test('a server without THREAD: the local threader gives the same tree', async () => {
    const { proxy, t } = await session(/THREAD=REFERENCES/g);
    try {
      assert.deepEqual(t.account.capabilities.sortOrders, ['arrival', 'date', 'from', 'subject', 'thread']);
      const all = await windows(t, 'thread', 4);
      assert.doesNotMatch(proxy.clientText(), /UID THREAD/);
      assert.deepEqual(tree(all), ['3', '.7', '1', '.2', '..4', '.6', '5']);
    } finally {
      await t.dispose();
      await proxy.stop();
    }
  });
});
