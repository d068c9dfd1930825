// Postponed drafts resumed: a draft postponed into Drafts (IMAP on the private Dovecot, POP3 in the
// local Maildir) is opened as a draft ("edit and send"): its To/Bcc/Subject/attachment/text come
// back, no second signature is added, it is sent to the SMTP sink, and exactly that Drafts copy is
// removed — for good, not to Trash — while other drafts and another client's \Deleted message stay
// (without UIDPLUS the copy stays marked \Deleted and the user is told).
import { passwordCredentials } from '../../src/auth/credentials.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { ImapFlow } from 'imapflow';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { accountConfig, makeAccount, otherDevice } from './support/imap-fixtures.js';
import { ComposeSession, type ComposeDeps } from '../../src/compose/compose-session.js';
import { DraftStore } from '../../src/compose/draft-store.js';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import type { AccountConfig } from '../../src/config/types.js';
import type { MailAccount } from '../../src/accounts/account.js';

const opts = dovecotTestOptions();
let server: DovecotServer;
let sink: SmtpSink;
let work: string;

before(async () => {
  if (opts.skip) return;
  server = await startDovecot();
  sink = await startSmtpSink();
  work = await mkdtemp(join(tmpdir(), 'tmail-drafts-it-'));
});

after(async () => {
  await sink?.stop();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const IDENTITIES = [{ from: 'Alice <alice@example.test>', signature: 'Alice\nExample Ltd' }];

function smtpBlock(): NonNullable<AccountConfig['smtp']> {
  return { host: sink.host, port: sink.port, security: 'starttls', user: sink.user, ca: sink.caFile };
}

function deps(account: MailAccount, config: AccountConfig, dir: string, edit: (file: string) => Promise<void>): ComposeDeps {
  return { account, config, smtpCredentials: passwordCredentials(sink.user, async () => sink.password), store: new DraftStore(join(dir, 'drafts')), edit };
}

/** The first edit: recipients, subject, an attachment and a line on top of the body. */
function firstEdit(attachment: string) {
  return async (file: string) => {
    let t = await readFile(file, 'utf8');
    t = t
      .replace(/^To:.*$/m, 'To: Dave <dave@example.org>')
      .replace(/^Bcc:.*$/m, 'Bcc: hidden@example.net')
      .replace(/^Subject:.*$/m, `Subject: Half written\nAttach: ${attachment}`);
    t = t.replace(/\n\n/, '\n\nto be continued\n');
    await writeFile(file, t);
  };
}

/** The second edit: the text is finished. */
async function finish(file: string): Promise<void> {
  await writeFile(file, (await readFile(file, 'utf8')).replace('to be continued', 'finished now'));
}

async function withDevice<T>(fn: (c: ImapFlow) => Promise<T>, s = server): Promise<T> {
  const c = await otherDevice(s);
  try {
    return await fn(c);
  } finally {
    await c.logout();
  }
}

async function subjectsIn(folder: string, s = server): Promise<string[]> {
  return withDevice(async (c) => {
    const lock = await c.getMailboxLock(folder);
    try {
      const all = await c.fetchAll('1:*', { envelope: true, flags: true }, { uid: true }).catch(() => []);
      return all.map((m) => `${m.envelope?.subject ?? ''}${m.flags?.has('\\Deleted') ? ' (deleted)' : ''}`).sort();
    } finally {
      lock.release();
    }
  }, s);
}

async function uidOf(folder: string, subject: string, s = server): Promise<number> {
  return withDevice(async (c) => {
    const lock = await c.getMailboxLock(folder);
    try {
      const uids = (await c.search({ subject }, { uid: true })) || [];
      assert.equal(uids.length, 1, `one "${subject}" in ${folder}`);
      return uids[0]!;
    } finally {
      lock.release();
    }
  }, s);
}

async function postponeOne(account: MailAccount, config: AccountConfig, dir: string): Promise<string> {
  const attachment = join(await mkdtemp(join(work, 'att-')), 'plan.txt');
  await writeFile(attachment, 'the plan\n');
  const s = await ComposeSession.create('new', deps(account, config, dir, firstEdit(attachment)));
  await s.edit();
  return s.postpone();
}

test('IMAP: a postponed draft is resumed from Drafts, sent, and only that UID is removed (UID EXPUNGE, not to Trash)', opts, async () => {
  const config = accountConfig(server, { name: 'drafts1', email: 'alice@example.test', identities: IDENTITIES, smtp: smtpBlock() });
  const acc = await makeAccount(config);
  try {
    await acc.account.connect();
    const drafts = await postponeOne(acc.account, config, acc.dataDir);
    const trash = 'Trash';
    // Another client's drafts: one kept, one it marked \Deleted and may still undelete.
    await withDevice(async (c) => {
      await c.mailboxCreate(trash).catch(() => undefined); // so a delete would have a Trash to move to
      await c.append(drafts, 'From: alice@example.test\r\nSubject: Other draft\r\n\r\nmine too\r\n', ['\\Draft']);
      await c.append(drafts, 'From: alice@example.test\r\nSubject: Marked by another client\r\n\r\nx\r\n', ['\\Draft', '\\Deleted']);
    });
    const uid = await uidOf(drafts, 'Half written');

    const session = await ComposeSession.create('draft', deps(acc.account, config, acc.dataDir, finish), { path: drafts, uid });
    const text = await readFile(session.file, 'utf8');
    assert.match(text, /^From: Alice <alice@example.test>$/m);
    assert.match(text, /^To: Dave <dave@example.org>$/m);
    assert.match(text, /^Bcc: hidden@example.net$/m, 'the Bcc kept in the postponed copy comes back');
    assert.match(text, /^Subject: Half written$/m);
    assert.match(text, /^Attach: .*plan\.txt$/m);
    assert.match(text, /\n\nto be continued\n/);
    assert.equal(text.split('-- \nAlice\nExample Ltd').length, 2, 'the signature is there once, not added again');

    await session.edit();
    const before = sink.received.length;
    const out = await session.send();
    assert.deepEqual(out.warnings, []);
    assert.equal(sink.received.length, before + 1);
    const got = sink.received.at(-1)!;
    assert.deepEqual([...got.to].sort(), ['dave@example.org', 'hidden@example.net']);
    const parsed = await simpleParser(got.raw);
    assert.match(parsed.text ?? '', /^finished now\n/);
    assert.equal(parsed.attachments[0]?.filename, 'plan.txt');
    assert.equal(parsed.attachments[0]?.content.toString(), 'the plan\n');

    assert.deepEqual(
      await subjectsIn(drafts),
      ['Marked by another client (deleted)', 'Other draft'],
      'only our draft is gone; the foreign \\Deleted one was not expunged',
    );
    const inTrash = await subjectsIn(trash);
    assert.ok(!inTrash.includes('Half written'), 'not moved to Trash');
    assert.deepEqual(await readdir(join(acc.dataDir, 'drafts')).then((l) => l.filter((n) => n.endsWith('.eml'))), []);
  } finally {
    await acc.dispose();
  }
});

test("IMAP without UIDPLUS: another client's \\Deleted draft is never expunged with ours; ours stays marked and the user is told", opts, async () => {
  const bare = await startDovecot({ hideImapCapabilities: ['UIDPLUS'] });
  try {
    const config = accountConfig(bare, { name: 'drafts2', email: 'alice@example.test', smtp: smtpBlock() });
    const acc = await makeAccount(config);
    try {
      await acc.account.connect();
      const drafts = await postponeOne(acc.account, config, acc.dataDir);
      await withDevice(async (c) => {
        await c.append(drafts, 'From: alice@example.test\r\nSubject: Marked by another client\r\n\r\nx\r\n', ['\\Draft', '\\Deleted']);
      }, bare);
      const uid = await uidOf(drafts, 'Half written', bare);
      const session = await ComposeSession.create('draft', deps(acc.account, config, acc.dataDir, finish), { path: drafts, uid });
      await session.edit();
      const out = await session.send();
      assert.equal(out.warnings.length, 1);
      assert.match(out.warnings[0]!, /old draft in Drafts is marked deleted but stays until the folder is expunged/);
      assert.deepEqual(await subjectsIn(drafts, bare), ['Half written (deleted)', 'Marked by another client (deleted)']);
    } finally {
      await acc.dispose();
    }
  } finally {
    await bare.stop();
  }
});

test('POP3: a draft postponed into the local Drafts is resumed, sent and deleted from there (not moved to Trash)', opts, async () => {
  const dataDir = await mkdtemp(join(work, 'pop3-'));
  const config: AccountConfig = {
    name: 'home',
    protocol: 'pop3',
    host: server.host,
    port: server.ports.pop3,
    security: 'starttls',
    user: 'alice',
    ca: server.caFile,
    email: 'alice@example.test',
    smtp: smtpBlock(),
  };
  const account = new Pop3Account(config, { getPassword: async () => 'alice-pw', dataDir });
  await account.connect();
  try {
    const drafts = await postponeOne(account, config, dataDir);
    assert.equal(drafts, 'Drafts');
    await account.openFolder(drafts);
    const [draft] = await account.fetchWindow(drafts, 0, 5);
    assert.ok(draft);
    const session = await ComposeSession.create('draft', deps(account, config, dataDir, finish), { path: drafts, uid: draft.uid });
    assert.match(await readFile(session.file, 'utf8'), /^Bcc: hidden@example.net$/m);
    await session.edit();
    const out = await session.send();
    assert.deepEqual(out.warnings, []);
    assert.match(sink.received.at(-1)!.raw.toString(), /finished now/);
    const opened = await account.openFolder(drafts);
    assert.equal(opened.total, 0, 'the Drafts copy is gone');
    const trash = await account.openFolder('Trash').catch(() => undefined);
    assert.equal(trash?.total ?? 0, 0, 'and not in Trash');
  } finally {
    await account.close();
  }
});
