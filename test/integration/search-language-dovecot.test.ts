// The search language on the real Dovecot: each query is ONE UID SEARCH, and its answer is the
// same set of messages as the local evaluator gives on the same mail — both on the summaries and
// sources the IMAP account fetched, and in a POP3 account's local Maildir holding the same files.
// A second client changes flags between searches. Dates: both compare the Date header's calendar
// day as written (its own zone); the test runs in a zone far from the headers' so a local-midnight
// rule would differ. has:attachment is judged from the structure on both sides; body: is decoded.
process.env.TZ = 'Pacific/Kiritimati';

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import type { MessageSummary } from '../../src/domain/index.js';
import { evaluableWithSource, matches, parseSearch } from '../../src/search/index.js';
import { flagsToLetters } from '../../src/store/maildir-flags.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { accountConfig, makeAccount, otherDevice, type TestAccount } from './support/imap-fixtures.js';

const NOW = new Date(Date.UTC(2024, 2, 1, 12));
const PEOPLE = [
  'Alice Liddell <alice@wonder.example>',
  'Bob Marley <bob@music.example>',
  'Carol Danvers <carol@space.example>',
  'Dave Grohl <dave@music.example>',
];
const WORDS = ['invoice', 'meeting', 'holiday', 'report', 'lunch', 'deadline'];

interface Corpus {
  raw: string;
  flags: string[];
  id: string;
}

/** A deterministic mix of senders, recipients, subjects, bodies, dates, sizes, flags and attachments. */
function corpus(): Corpus[] {
  const out: Corpus[] = [];
  for (let i = 0; i < 36; i++) {
    const id = `<search-${i}@test.example>`;
    const date = new Date(Date.UTC(2024, 0, 1 + (i % 20), 12, i));
    const subject = `${WORDS[i % WORDS.length]} ${i % 4 === 0 ? 'weekly report' : 'note'} ${i}`;
    const body = `Hello,\r\nabout the ${WORDS[(i * 5) % WORDS.length]} plans.${i % 3 === 0 ? ' Secret code zebra.' : ''}\r\n${'filler line\r\n'.repeat(i * 7)}`;
    const head = [
      `From: ${PEOPLE[i % PEOPLE.length]}`,
      `To: ${PEOPLE[(i + 1) % PEOPLE.length]}`,
      ...(i % 3 === 1 ? [`Cc: ${PEOPLE[(i + 2) % PEOPLE.length]}`] : []),
      `Subject: ${subject}`,
      `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: ${id}`,
      'MIME-Version: 1.0',
    ];
    const raw =
      i % 5 === 0
        ? [
            ...head,
            'Content-Type: multipart/mixed; boundary="b1"',
            '',
            '--b1',
            'Content-Type: text/plain',
            '',
            body,
            '--b1',
            'Content-Type: application/pdf; name="a.pdf"',
            'Content-Disposition: attachment; filename="a.pdf"',
            'Content-Transfer-Encoding: base64',
            '',
            'JVBERi0xLjQK',
            '--b1--',
            '',
          ].join('\r\n')
        : [...head, 'Content-Type: text/plain; charset=us-ascii', '', body].join('\r\n');
    const flags = [...(i % 2 === 0 ? ['\\Seen'] : []), ...(i % 7 === 0 ? ['\\Flagged'] : []), ...(i % 6 === 1 ? ['\\Answered'] : [])];
    out.push({ raw, flags, id });
  }
  out.push(...trickyMessages());
  return out;
}

/**
 * Where the shortcuts were wrong: bodies in base64, quoted-printable and Latin-1, an attachment
 * below multipart/related (no top-level hint), a multipart/mixed with no attachment, and Date
 * headers whose own day differs from the UTC day and from the test's zone's day.
 */
function trickyMessages(): Corpus[] {
  const head = (i: number, date: string, type: string) => [
    'From: Erin Hannon <erin@paper.example>',
    'To: Alice Liddell <alice@wonder.example>',
    `Subject: tricky ${i}`,
    `Date: ${date}`,
    `Message-ID: <tricky-${i}@test.example>`,
    'MIME-Version: 1.0',
    `Content-Type: ${type}`,
  ];
  const bodies = [
    [
      ...head(0, 'Sun, 07 Jan 2024 23:30:00 -0500', 'text/plain; charset=utf-8'),
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('The password is aubergine.\r\n').toString('base64'),
    ],
    [
      ...head(1, 'Mon, 08 Jan 2024 00:30:00 +0100', 'text/plain; charset=utf-8'),
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Quoted kangar=\r\noo and caf=C3=A9 cr=C3=A8me',
    ],
    [
      ...head(2, 'Wed, 10 Jan 2024 01:00:00 +1400', 'text/plain; charset=iso-8859-1'),
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=FC=DFe aus K=F6ln',
    ],
    [
      ...head(3, 'Thu, 11 Jan 2024 12:00:00 +0000', 'multipart/related; boundary="r1"'),
      '',
      '--r1',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>see the plan</p>',
      '--r1',
      'Content-Type: application/octet-stream; name="plan.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      'AAECAw==',
      '--r1--',
      '',
    ],
    [
      ...head(4, 'Thu, 11 Jan 2024 12:00:00 +0000', 'multipart/mixed; boundary="m1"'),
      '',
      '--m1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'mixed but plain',
      '--m1--',
      '',
    ],
  ];
  return bodies.map((lines, i) => ({
    raw: lines.join('\r\n'),
    flags: [],
    id: `<tricky-${i}@test.example>`,
  }));
}

const QUERIES = [
  'from:alice',
  'from:music.example',
  'to:carol',
  'cc:dave',
  'subject:"weekly report"',
  'subject:invoice or subject:lunch',
  'body:zebra',
  'zebra',
  'holiday',
  'not body:zebra',
  'is:unread',
  'is:read is:flagged',
  'is:answered or is:flagged',
  'has:attachment',
  'not has:attachment and from:bob',
  'since:2024-01-10',
  'before:2024-01-05',
  'on:2024-01-07',
  'since:2024-01-03 before:2024-01-08',
  'larger:1k',
  'smaller:600',
  'body:aubergine',
  'kangaroo',
  'body:"café crème"',
  'body:grüße',
  'has:attachment from:erin',
  'from:erin not has:attachment',
  'has:attachment or subject:"tricky 0"',
  'on:2024-01-07',
  'on:2024-01-08 from:erin',
  'before:2024-01-08 from:erin',
  'since:2024-01-10 from:erin',
  'from:alice from:liddell',
  '(from:alice or from:bob) (subject:report or is:flagged)',
  'not (is:read or has:attachment) subject:note',
  '"secret code"',
  'since:60d',
  '',
];

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks);
}

/** SEARCH commands, and FETCHes of BODYSTRUCTURE alone (has:attachment's extra round trip). */
function commandsIn(text: string): { searches: number; structureFetches: number } {
  return { searches: (text.match(/ UID SEARCH /g) ?? []).length, structureFetches: (text.match(/ UID FETCH [^\r\n]*BODYSTRUCTURE/g) ?? []).length };
}

describe('search language on Dovecot: one SEARCH, same answer as the local evaluator', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  let proxy: TcpProxy;
  let t: TestAccount;
  let pop3: Pop3Account;
  let pop3Dir: string;
  const mail = corpus();

  before(async () => {
    server = await startDovecot();
    device = await otherDevice(server);
    for (const m of mail) await device.append('INBOX', m.raw, m.flags);
    proxy = await startTcpProxy(server.ports.imap);
    t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }), 'alice-pw', undefined, {
      headerCache: false,
    });
    await t.account.connect();
    await t.account.openFolder('INBOX');
    // The same files in a POP3 account's local store (what a sync would have written).
    pop3Dir = await mkdtemp(path.join(os.tmpdir(), 'tmail-search-pop3-'));
    pop3 = new Pop3Account(
      { name: 'local', protocol: 'pop3', host: '127.0.0.1', port: 1, security: 'tls', user: 'x' },
      { dataDir: pop3Dir, getPassword: async () => '' },
    );
    await pop3.connect();
    for (const m of mail) await pop3.maildir.deliver('INBOX', Buffer.from(m.raw), { flags: flagsToLetters(m.flags) });
    await pop3.openFolder('INBOX');
  });

  after(async () => {
    await t?.dispose();
    await pop3?.close();
    if (pop3Dir) await rm(pop3Dir, { recursive: true, force: true });
    await proxy?.stop();
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  /** Message-IDs of the IMAP account's matches, the local evaluator's on its mail, and POP3's. */
  async function answers(query: string): Promise<{ imap: string[]; local: string[]; pop3: string[]; searches: number; structureFetches: number }> {
    const expression = parseSearch(query, { now: NOW });
    const before = proxy.clientText().length;
    const uids = await t.account.search('INBOX', { expression });
    const { searches, structureFetches } = commandsIn(proxy.clientText().slice(before));
    const all = await t.account.fetchWindow('INBOX', 0, 1000);
    const idOf = (list: MessageSummary[], hits: number[]) => {
      const byUid = new Map(list.map((s) => [s.uid, s.messageId ?? '?']));
      return hits.map((u) => byUid.get(u) ?? '?').sort();
    };
    const local: number[] = [];
    for (const s of all) {
      const raw = await bytes(await t.account.fetchRaw('INBOX', s.uid));
      if (matches(expression, await evaluableWithSource(s, raw))) local.push(s.uid);
    }
    const pop3Hits = await pop3.search('INBOX', { expression });
    const pop3All = await pop3.fetchWindow('INBOX', 0, 1000);
    return { imap: idOf(all, uids), local: idOf(all, local), pop3: idOf(pop3All, pop3Hits), searches, structureFetches };
  }

  /** One SEARCH; has:attachment adds one BODYSTRUCTURE fetch and, inside or/not, one more SEARCH. */
  function assertRoundTrips(query: string, a: { searches: number; structureFetches: number }): void {
    if (!/has:attachment/.test(query)) {
      assert.equal(a.searches, 1, `${query}: one SEARCH command`);
      assert.equal(a.structureFetches, 0, query);
      return;
    }
    assert.ok(a.searches >= 1 && a.searches <= 2, `${query}: ${a.searches} SEARCH commands`);
    assert.ok(a.structureFetches <= 1, `${query}: ${a.structureFetches} BODYSTRUCTURE fetches`);
  }

  test('every query: one UID SEARCH; IMAP, the local evaluator and the POP3 store agree', async () => {
    let nonEmpty = 0;
    for (const query of QUERIES) {
      const a = await answers(query);
      assertRoundTrips(query, a);
      assert.deepEqual(a.imap, a.local, `${query}: IMAP vs local evaluator`);
      assert.deepEqual(a.pop3, a.local, `${query}: POP3 store vs local evaluator`);
      if (a.imap.length > 0 && a.imap.length < mail.length) nonEmpty++;
    }
    // The corpus really separates: most queries match some messages but not all.
    assert.ok(nonEmpty >= QUERIES.length - 3, `${nonEmpty} discriminating queries`);
  });

  test('decoded bodies, the structure and the written day decide, on the server and locally', async () => {
    const expect = async (query: string, ids: number[]) => {
      const a = await answers(query);
      const want = ids.map((i) => `<tricky-${i}@test.example>`).sort();
      assert.deepEqual(a.imap, want, `${query}: IMAP`);
      assert.deepEqual(a.pop3, want, `${query}: POP3 store`);
      return a;
    };
    await expect('body:aubergine', [0]);
    await expect('kangaroo', [1]);
    await expect('body:"café crème"', [1]);
    await expect('body:grüße', [2]);
    const a = await expect('has:attachment from:erin', [3]);
    assert.deepEqual([a.searches, a.structureFetches], [1, 1], 'one SEARCH and one BODYSTRUCTURE fetch');
    const b = await expect('(has:attachment or subject:"tricky 0") from:erin', [0, 3]);
    assert.deepEqual([b.searches, b.structureFetches], [2, 1], 'inside an or: a second SEARCH with the UID set');
    // 23:30 at -0500 is the 7th as written (the 8th in UTC); 00:30 at +0100 is the 8th (the 7th in UTC).
    await expect('on:2024-01-07 from:erin', [0]);
    await expect('on:2024-01-08 from:erin', [1]);
    await expect('on:2024-01-10 from:erin', [2]);
  });

  test('random combinations agree too', async () => {
    let seed = 99;
    const random = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const leaves = QUERIES.filter((q) => q && !q.includes(' '));
    const expr = (depth: number): string => {
      if (depth === 0 || random() < 0.35) return leaves[Math.floor(random() * leaves.length)]!;
      const op = ['and', 'or', 'not', ''][Math.floor(random() * 4)]!;
      return op === 'not' ? `not ${expr(depth - 1)}` : `(${expr(depth - 1)} ${op} ${expr(depth - 1)})`;
    };
    for (let i = 0; i < 12; i++) {
      const query = expr(3);
      const a = await answers(query);
      assertRoundTrips(query, a);
      assert.deepEqual(a.imap, a.local, query);
      assert.deepEqual(a.pop3, a.local, query);
    }
  });

  test('flags another client changes are what the next search sees', async () => {
    const lock = await device.getMailboxLock('INBOX');
    try {
      const uidOf = async (id: string) => ((await device.search({ header: { 'message-id': id } }, { uid: true })) || [])[0]!;
      assert.ok(await device.messageFlagsAdd(String(await uidOf('<search-3@test.example>')), ['\\Flagged'], { uid: true }));
      assert.ok(await device.messageFlagsRemove(String(await uidOf('<search-0@test.example>')), ['\\Flagged'], { uid: true }));
    } finally {
      lock.release();
    }
    const a = await answers('is:flagged');
    assert.ok(a.imap.includes('<search-3@test.example>') && !a.imap.includes('<search-0@test.example>'), 'the server answers with the new flags');
    assert.deepEqual(a.imap, a.local);
  });

  test('a non-ASCII term is sent as UTF-8 and still one SEARCH', async () => {
    const a = await answers('subject:Grüße or from:alice');
    assert.equal(a.searches, 1);
    assert.deepEqual(a.imap, a.local);
  });
});
