// One client-level suite (list, fetch, flag, delete, POP3 sync, trace redaction), run against two
// servers: the private Dovecot and tmail's embedded demo server. The demo server claims to speak
// enough IMAP4rev1 and POP3 for our clients; this is where that claim is checked, with exactly the
// same test body as a real server.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAccount } from '../../src/accounts/index.js';
import type { MailAccount } from '../../src/accounts/account.js';
import type { AccountConfig } from '../../src/config/types.js';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server.js';
import { TraceBuffer } from '../../src/trace/buffer.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';

interface Target {
  imap: AccountConfig;
  pop3: AccountConfig;
  password: string;
  /** Messages in INBOX at the start. */
  count: number;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/** The suite body: the same for every server. */
function clientSuite(target: () => Target) {
  let base: string;
  const open: MailAccount[] = [];
  const trace = new TraceBuffer(100_000);

  const account = async (config: AccountConfig, tag: string): Promise<MailAccount> => {
    const t = target();
    const a = await createAccount(config, { getPassword: async () => t.password, dataDir: join(base, tag), trace });
    open.push(a);
    await a.connect();
    return a;
  };

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'tmail-suite-'));
  });
  after(async () => {
    for (const a of open) await a.close().catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  });

  test('IMAP: folders, counts, newest-first window, raw source', async () => {
    const t = target();
    const imap = await account(t.imap, 'imap-a');
    const folders = await imap.listFolders();
    const inbox = folders.find((f) => f.path === 'INBOX');
    assert.ok(inbox, 'INBOX listed');
    assert.equal(inbox.total, t.count);
    const opened = await imap.openFolder('INBOX');
    assert.equal(opened.total, t.count);
    const window = await imap.fetchWindow('INBOX', 0, 5);
    assert.equal(window.length, 5);
    assert.ok(window.every((m) => m.location.kind === 'server'));
    const uids = window.map((m) => m.uid);
    assert.deepEqual(
      uids,
      [...uids].sort((a, b) => b - a),
      'newest first',
    );
    assert.ok(window.every((m) => m.subject.length > 0 && m.from.length > 0 && m.size > 0));
    const raw = await readAll(await imap.fetchRaw('INBOX', window[0]!.uid));
    assert.equal(raw.length, window[0]!.size, 'raw size equals RFC822.SIZE');
    assert.match(raw.toString('utf8'), /^[\s\S]*Message-ID:/i);
  });

  test('IMAP: a flag set by one device is seen by another; delete removes the message', async () => {
    const t = target();
    const phone = await account(t.imap, 'imap-phone');
    const laptop = await account(t.imap, 'imap-laptop');
    await phone.openFolder('INBOX');
    const [newest] = await phone.fetchWindow('INBOX', 0, 1);
    assert.ok(newest);
    await phone.removeFlags('INBOX', [newest.uid], ['\\Seen', '\\Flagged']);
    await phone.addFlags('INBOX', [newest.uid], ['\\Seen', '\\Flagged']);
    await laptop.openFolder('INBOX');
    const [seen] = await laptop.fetchSummaries!('INBOX', [newest.uid]);
    assert.ok(seen?.flags.includes('\\Seen') && seen.flags.includes('\\Flagged'), 'flags live on the server');
    await phone.removeFlags('INBOX', [newest.uid], ['\\Flagged']);
    const [cleared] = await laptop.fetchSummaries!('INBOX', [newest.uid]);
    assert.ok(cleared && !cleared.flags.includes('\\Flagged'));

    const unseen = await phone.search('INBOX', { unseen: true });
    assert.ok(!unseen.includes(newest.uid));

    await phone.deleteMessages('INBOX', [newest.uid]);
    const after = await phone.openFolder('INBOX');
    assert.equal(after.total, t.count - 1);
  });

  test('POP3 sync downloads everything, deletes it on the server; IMAP sees INBOX empty', async () => {
    const t = target();
    const pop = await account({ ...t.pop3, leaveOnServer: false }, 'pop3');
    const result = await pop.sync!();
    assert.equal(result.downloaded, t.count - 1);
    assert.equal(result.deletedOnServer, t.count - 1);
    const local = await pop.openFolder('INBOX');
    assert.equal(local.total, t.count - 1);
    const window = await pop.fetchWindow('INBOX', 0, 3);
    assert.ok(window.every((m) => m.location.kind === 'local' && m.location.onServer === false));
    const again = await pop.sync!();
    assert.equal(again.downloaded, 0, 'nothing twice');

    const imap = await account(t.imap, 'imap-after');
    assert.equal((await imap.openFolder('INBOX')).total, 0, 'the server INBOX is empty now');
  });

  test('the trace shows the conversation and never the password', () => {
    const t = target();
    const lines = trace.entries().map((e) => `${e.dir}: ${e.text}`);
    const all = lines.join('\n');
    assert.ok(!all.includes(t.password), 'no password in the trace');
    assert.match(all, /C: \S+ UID STORE \S+ \+FLAGS \(.*\\Seen/);
    assert.match(all, /C: (?:\S+ )?(?:LOGIN \S+ \*\*\*|AUTHENTICATE PLAIN)/);
    assert.match(all, /C: PASS \*\*\*/);
    assert.match(all, /C: RETR \d+/);
    assert.match(all, /C: DELE \d+/);
    assert.match(all, /C: QUIT/);
    assert.match(all, /S: \* \d+ FETCH \(.*\{\d+ octets\}/, 'bodies summarised');
  });
}

describe('client suite against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  const COUNT = 12;
  before(async () => {
    server = await startDovecot({ users: [{ user: 'carol', password: 'carol-secret-pw' }] });
    await generateMaildir(server.maildir('carol'), { count: COUNT, seed: 6 });
    await server.fixOwnership('carol');
  });
  after(async () => {
    await server?.stop();
  });
  clientSuite(() => ({
    imap: { name: 'dovecot-imap', protocol: 'imap', host: server.host, port: server.ports.imap, security: 'starttls', user: 'carol', ca: server.caFile },
    pop3: { name: 'dovecot-pop3', protocol: 'pop3', host: server.host, port: server.ports.pop3, security: 'starttls', user: 'carol', ca: server.caFile },
    password: 'carol-secret-pw',
    count: COUNT,
  }));
});

describe('client suite against the embedded demo server', () => {
  let demo: DemoServer;
  let count = 0;
  before(async () => {
    demo = await startDemoServer();
    count = demo.store.folder('INBOX')!.messages.length;
  });
  after(async () => {
    await demo?.close();
  });
  clientSuite(() => {
    const [imap, pop3] = demo.accounts();
    return { imap: imap!, pop3: pop3!, password: demo.credentials.password, count };
  });
});
