// The local POP3 cache is a standard Maildir++: Dovecot (a strict Maildir reader) must see what
// our store wrote — folders, flags, exact bytes — and we must read what Dovecot wrote.
// The private Dovecot's user Maildir *is* our store here (Pop3Account dataDir = the user's home).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import { Maildir } from '../../src/store/maildir.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';

const message = (subject: string, extra = '') =>
  Buffer.from(
    `From: Writer <writer@example.org>\r\nTo: alice@example.org\r\nSubject: ${subject}\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@t>\r\n\r\nBody of ${subject}.\r\n..a line that starts with a dot\r\n${extra}`,
  );

async function imap(server: DovecotServer): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: server.host,
    port: server.ports.imaps,
    secure: true,
    tls: { ca: [await readFile(server.caFile)] },
    auth: { user: 'alice', pass: 'alice-pw' },
    logger: false,
  });
  await client.connect();
  return client;
}

describe('Maildir written by tmail, read by Dovecot (and back)', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let md: Maildir;
  const written = new Map<string, Buffer>();

  before(async () => {
    server = await startDovecot();
    md = new Maildir(server.maildir('alice'));
    await md.init();
    const plain = message('plain new');
    const seen = message('seen');
    const flagged = message('flagged and answered');
    const archived = message('archived');
    const umlaut = message('in a non-ASCII folder');
    await md.deliver('INBOX', plain);
    await md.deliver('INBOX', seen, { flags: 'S' });
    const f = await md.deliver('INBOX', flagged);
    await md.setFlags('INBOX', f.key, 'RF');
    const a = await md.deliver('INBOX', archived, { flags: 'S' });
    await md.move('INBOX', a.key, 'Archive');
    await md.deliver('Entwürfe', umlaut, { flags: 'D' });
    await md.ensureFolder('Trash');
    for (const [k, v] of Object.entries({ plain, seen, flagged, archived, umlaut })) written.set(k, v);
    await server.fixOwnership('alice');
  });

  after(async () => {
    await server?.stop();
  });

  test('Dovecot lists our folders and reads our messages, flags and bytes', async () => {
    const client = await imap(server);
    try {
      const paths = (await client.list()).map((f) => f.path).sort();
      assert.deepEqual(paths, ['Archive', 'Entwürfe', 'INBOX', 'Trash']);
      const lock = await client.getMailboxLock('INBOX');
      try {
        const got: [string, string[], number, Buffer][] = [];
        for await (const m of client.fetch('1:*', { envelope: true, flags: true, size: true, source: true })) {
          // \Recent is Dovecot's session flag, not stored in the file name.
          got.push([m.envelope?.subject ?? '', [...(m.flags ?? [])].filter((x) => x !== '\\Recent').sort(), m.size ?? -1, m.source ?? Buffer.alloc(0)]);
        }
        got.sort((x, y) => x[0].localeCompare(y[0]));
        assert.deepEqual(
          got.map(([s, flags]) => [s, flags]),
          [
            ['flagged and answered', ['\\Answered', '\\Flagged']],
            ['plain new', []],
            ['seen', ['\\Seen']],
          ],
        );
        const bySubject = new Map(got.map(([s, , size, source]) => [s, { size, source }]));
        for (const [subject, key] of [
          ['plain new', 'plain'],
          ['seen', 'seen'],
          ['flagged and answered', 'flagged'],
        ] as const) {
          assert.deepEqual(bySubject.get(subject)?.source, written.get(key), subject);
          assert.equal(bySubject.get(subject)?.size, written.get(key)?.length, `${subject}: the ,S= size Dovecot trusts is right`);
        }
      } finally {
        lock.release();
      }
      const status = await client.status('Entwürfe', { messages: true });
      assert.ok(status, 'STATUS Entwürfe failed');
      assert.equal(status.messages, 1);
      const archive = await client.status('Archive', { messages: true, unseen: true });
      assert.ok(archive, 'STATUS Archive failed');
      assert.deepEqual([archive.messages, archive.unseen], [1, 0]);
    } finally {
      await client.logout();
    }
    assert.doesNotMatch(await readFile(server.logFile, 'utf8'), /Error: .*(Maildir|maildir|uidlist|size)/);
  });

  test('what Dovecot changes (flags, appends) is what Pop3Account shows', async () => {
    const client = await imap(server);
    try {
      await client.append('Archive', message('appended by dovecot'), ['\\Seen', '\\Flagged']);
      const lock = await client.getMailboxLock('INBOX');
      try {
        const uids = await client.search({ subject: 'plain new' }, { uid: true });
        assert.ok(uids && uids.length === 1);
        await client.messageFlagsAdd(uids, ['\\Seen', '\\Answered'], { uid: true });
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
    const account = new Pop3Account(
      { name: 'local', protocol: 'pop3', host: server.host, port: server.ports.pop3s, security: 'tls', user: 'alice' },
      { dataDir: dirname(server.maildir('alice')), getPassword: async () => 'alice-pw' },
    );
    await account.connect();
    const folders = await account.listFolders();
    assert.deepEqual(
      folders.map((f) => [f.path, f.total, f.unread]),
      [
        ['INBOX', 3, 1],
        ['Archive', 2, 0],
        ['Entwürfe', 1, 1],
        ['Trash', 0, 0],
      ],
    );
    const inbox = await account.fetchWindow('INBOX', 0, 10);
    const plain = inbox.find((s) => s.subject === 'plain new');
    assert.deepEqual(plain?.flags, ['\\Answered', '\\Seen']);
    const archive = await account.fetchWindow('Archive', 0, 10);
    assert.deepEqual(
      archive.map((s) => [s.subject, s.flags]),
      [
        ['appended by dovecot', ['\\Flagged', '\\Seen']],
        ['archived', ['\\Seen']],
      ],
    );
    await account.close();
  });
});
