// Sort by from/subject and the thread view of the POP3 local copy: made from the local summaries
// (References read from the header block, kept in the summary cache).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import type { Pop3SyncApi } from '../../src/accounts/pop3/pop3-sync-bridge.js';
import { Maildir } from '../../src/store/maildir.js';

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-pop3sort-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

const noSync = {
  async syncMailbox() {
    throw new Error('not in this test');
  },
  async markForServerDeletion() {},
  async loadLocations() {
    return () => ({ kind: 'local', onServer: false }) as const;
  },
} as unknown as Pop3SyncApi;

function raw(i: number, from: string, subject: string, extra: string[] = []): Buffer {
  return Buffer.from(
    [
      `From: ${from}`,
      'To: alice@example.org',
      `Subject: ${subject}`,
      `Date: ${new Date(Date.UTC(2024, 0, i)).toUTCString()}`,
      `Message-ID: <m${i}@x>`,
      ...extra,
    ].join('\r\n') + '\r\n\r\nbody\r\n',
  );
}

async function open(name: string) {
  const md = new Maildir(join(base, name, 'Maildir'));
  await md.init();
  const mails = [
    raw(1, 'Zoe <zoe@x>', 'Budget'),
    raw(2, 'adam@x', 'Re: Budget', ['In-Reply-To: <m1@x>', 'References: <m1@x>']),
    raw(3, 'Bea <bea@x>', 'Lunch'),
    raw(4, 'Zoe <zoe@x>', 'Re: Budget', ['References: <m1@x>\r\n <m2@x>']),
    raw(5, 'Bea <bea@x>', 'Re: lunch'), // no References: joins by subject
    raw(6, 'Carl <carl@x>', 'agenda'),
  ];
  for (const [i, m] of mails.entries()) await md.deliver('INBOX', m, { mtime: new Date(Date.UTC(2024, 1, 1, 0, 0, i)) });
  const acct = new Pop3Account(
    { name, protocol: 'pop3', host: '127.0.0.1', port: 995, security: 'tls', user: 'a' },
    { dataDir: join(base, name), getPassword: async () => 'pw' },
    noSync,
  );
  await acct.connect();
  await acct.openFolder('INBOX');
  return acct;
}

test('from and subject orders: alphabetical (case folded, Re: ignored), newest first among equals', async () => {
  const acct = await open('orders');
  const from = await acct.fetchWindow('INBOX', 0, 10, 'from');
  assert.deepEqual(
    from.map((s) => s.uid),
    [2, 5, 3, 6, 4, 1],
  );
  const subject = await acct.fetchWindow('INBOX', 0, 10, 'subject');
  assert.deepEqual(
    subject.map((s) => s.subject),
    ['agenda', 'Re: Budget', 'Re: Budget', 'Budget', 'Re: lunch', 'Lunch'],
  );
  // A window is a slice of the same order.
  assert.deepEqual(
    (await acct.fetchWindow('INBOX', 1, 2, 'subject')).map((s) => s.uid),
    [subject[1]!.uid, subject[2]!.uid],
  );
  await acct.close();
});

test('thread view: conversations newest first, depth per row, References and subject fallback', async () => {
  const acct = await open('threads');
  const rows = await acct.fetchWindow('INBOX', 0, 10, 'thread');
  assert.deepEqual(
    rows.map((s) => `${s.threadDepth}:${s.uid}`),
    ['0:6', '0:3', '1:5', '0:1', '1:2', '2:4'],
  );
  const window = await acct.fetchWindow('INBOX', 4, 2, 'thread');
  assert.deepEqual(
    window.map((s) => `${s.threadDepth}:${s.uid}`),
    ['1:2', '2:4'],
  );
  // Other orders carry no depth.
  assert.equal((await acct.fetchWindow('INBOX', 0, 1, 'date'))[0]!.threadDepth, undefined);
  await acct.close();
});

test('the thread view survives a restart (References come back from the summary cache)', async () => {
  const first = await open('restart');
  await first.fetchWindow('INBOX', 0, 10, 'thread');
  await first.close();
  const again = new Pop3Account(
    { name: 'restart', protocol: 'pop3', host: '127.0.0.1', port: 995, security: 'tls', user: 'a' },
    { dataDir: join(base, 'restart'), getPassword: async () => 'pw' },
    noSync,
  );
  await again.connect();
  await again.openFolder('INBOX');
  const rows = await again.fetchWindow('INBOX', 0, 10, 'thread');
  assert.deepEqual(rows.map((s) => `${s.threadDepth}:${s.uid}`).slice(3), ['0:1', '1:2', '2:4']);
  await again.close();
});
