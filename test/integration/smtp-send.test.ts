// Sending end to end: drafts built by ComposeSession, submitted to a real SMTP server on loopback
// (smtp-server with STARTTLS + AUTH, its self-signed cert passed as `ca`), the Sent copy appended
// to the private Dovecot (IMAP) or delivered to the local Maildir (POP3), the original \Answered.
// The "editor" is a function that rewrites the draft file, as a user's editor would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { accountConfig, makeAccount, otherDevice } from './support/imap-fixtures.js';
import { ComposeSession, type ComposeDeps } from '../../src/compose/compose-session.js';
import { DraftStore } from '../../src/compose/draft-store.js';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import type { AccountConfig } from '../../src/config/types.js';
import type { MailAccount } from '../../src/accounts/account.js';
import { passwordCredentials } from '../../src/auth/credentials.js';

const opts = dovecotTestOptions();
let server: DovecotServer;
let sink: SmtpSink;
let work: string;

const ORIGINAL = [
  'From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.org>',
  'To: Alice <alice@example.test>, Bob <bob@example.org>',
  'Cc: Carol <carol@example.org>, alice@example.test',
  'Subject: =?UTF-8?Q?Re:_=C3=9Cbersicht?=',
  'Date: Mon, 01 Jan 2024 10:00:00 +0000',
  'Message-ID: <orig-1@example.org>',
  'References: <root-0@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  'Grüße aus Köln',
  '',
  'zweite Zeile',
  '',
].join('\r\n');

before(async () => {
  if (opts.skip) return;
  server = await startDovecot();
  sink = await startSmtpSink();
  work = await mkdtemp(join(tmpdir(), 'tmail-smtp-it-'));
});

after(async () => {
  await sink?.stop();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function smtpBlock(): NonNullable<AccountConfig['smtp']> {
  return { host: sink.host, port: sink.port, security: 'starttls', user: sink.user, ca: sink.caFile, from: 'Alice Ängström <alice@example.test>' };
}

function deps(account: MailAccount, config: AccountConfig, dir: string, edit: (file: string) => Promise<void>): ComposeDeps {
  return { account, config, smtpCredentials: passwordCredentials(sink.user, async () => sink.password), store: new DraftStore(join(dir, 'drafts')), edit };
}

/** An "editor" that replaces the header block's To/Bcc/Subject lines and types text above the quote. */
function editor(change: { to?: string; bcc?: string; subject?: string; text?: string; attach?: string }) {
  return async (file: string) => {
    let t = await readFile(file, 'utf8');
    if (change.to !== undefined) t = t.replace(/^To:.*$/m, `To: ${change.to}`);
    if (change.bcc !== undefined) t = t.replace(/^Bcc:.*$/m, `Bcc: ${change.bcc}`);
    if (change.subject !== undefined) t = t.replace(/^Subject:.*$/m, `Subject: ${change.subject}`);
    if (change.attach) t = t.replace(/^Subject:.*$/m, (l) => `${l}\nAttach: ${change.attach}`);
    if (change.text !== undefined) t = t.replace(/\n\n/, `\n\n${change.text}\n`);
    await writeFile(file, t);
  };
}

async function appendOriginal(): Promise<number> {
  const dev = await otherDevice(server);
  try {
    const r = await dev.append('INBOX', ORIGINAL, []);
    assert.ok(r && r.uid);
    return r.uid;
  } finally {
    await dev.logout();
  }
}

test(
  'IMAP reply-all: exact message over STARTTLS+AUTH, Bcc only in the envelope, Sent copy \\Seen after a dropped connection, original \\Answered',
  opts,
  async () => {
    const uid = await appendOriginal();
    const proxy: TcpProxy = await startTcpProxy({ host: server.host, port: server.ports.imap });
    // The fault proxy parses lines, so the IMAP leg is cleartext here (SMTP still uses STARTTLS).
    const config = accountConfig(server, {
      name: 'work',
      port: proxy.port,
      security: 'none',
      allowInsecureAuth: true,
      ca: undefined,
      email: 'alice@example.test',
      smtp: smtpBlock(),
    });
    const acc = await makeAccount(config, 'alice-pw', undefined, { reconnectMinDelayMs: 50 });
    const attachment = join(work, 'notes ü.txt');
    await writeFile(attachment, 'attached bytes\n');
    try {
      await acc.account.connect();
      const edit = async (file: string) => {
        // A long stay in the editor: the server connection dies meanwhile.
        proxy.cutAll();
        await editor({ bcc: 'Hidden Person <hidden@example.net>', text: 'Danke, schön! 👍', attach: attachment })(file);
      };
      const session = await ComposeSession.create('replyAll', deps(acc.account, config, acc.dataDir, edit), { path: 'INBOX', uid });
      const draftText = await readFile(session.file, 'utf8');
      assert.match(draftText, /^To: "?Jürgen Müller"? <juergen@example.org>, Bob <bob@example.org>$/m);
      assert.match(draftText, /^Cc: Carol <carol@example.org>$/m, 'self is left out of reply-all');
      assert.match(draftText, /^Subject: Re: Übersicht$/m, 'Re: only once');
      assert.match(draftText, /^> Grüße aus Köln\n>\n> zweite Zeile$/m);
      await session.edit();
      const before = sink.received.length;
      const out = await session.send();
      assert.deepEqual(out.warnings, []);
      assert.equal(out.recipients, 4);
      assert.equal(sink.received.length, before + 1);
      const got = sink.received.at(-1)!;
      assert.equal(got.user, 'alice');
      assert.equal(got.from, 'alice@example.test');
      assert.deepEqual([...got.to].sort(), ['bob@example.org', 'carol@example.org', 'hidden@example.net', 'juergen@example.org']);
      const rawText = got.raw.toString('latin1');
      const head = rawText.slice(0, rawText.indexOf('\r\n\r\n'));
      assert.doesNotMatch(head, /^bcc:/im, 'Bcc must not be in the sent headers');
      assert.doesNotMatch(rawText, /hidden@example\.net/);
      assert.match(head, /^In-Reply-To: <orig-1@example\.org>$/m);
      assert.match(head, /^References: <root-0@example\.org> <orig-1@example\.org>$/m);
      assert.match(head, /^Subject: =\?UTF-8\?/m, 'non-ASCII subject is an encoded word');
      assert.match(head, /^From: =\?UTF-8\?[BQ]\?.+\?= <alice@example\.test>$/m, 'non-ASCII name is an encoded word');
      assert.ok(!/[^\x00-\x7f]/.test(head), 'headers are 7-bit');
      const parsed = await simpleParser(got.raw);
      assert.equal(parsed.subject, 'Re: Übersicht');
      assert.equal(parsed.from?.value[0]?.name, 'Alice Ängström');
      assert.match(parsed.text ?? '', /^Danke, schön! 👍\n/);
      assert.match(parsed.text ?? '', /> Grüße aus Köln/);
      assert.equal(parsed.attachments.length, 1);
      assert.equal(parsed.attachments[0]!.filename, 'notes ü.txt');
      assert.equal(parsed.attachments[0]!.content.toString(), 'attached bytes\n');
      assert.equal(existsSync(session.file), false, 'draft removed after a complete send');

      const dev = await otherDevice(server);
      try {
        const lock = await dev.getMailboxLock(out.sentFolder!);
        try {
          const msgs = await dev.fetchAll('1:*', { flags: true, source: true });
          const copy = msgs.find((m) => m.source?.toString().includes(parsed.messageId!));
          assert.ok(copy, `Sent copy in ${out.sentFolder}`);
          assert.ok(copy.flags?.has('\\Seen'));
          assert.match(copy.source!.toString(), /^Bcc: .*hidden@example\.net/m, 'the Sent copy keeps Bcc for the user');
        } finally {
          lock.release();
        }
        const inbox = await dev.getMailboxLock('INBOX');
        try {
          const [orig] = await dev.fetchAll(String(uid), { flags: true }, { uid: true });
          assert.ok(orig?.flags?.has('\\Answered'), 'original marked \\Answered on the server');
        } finally {
          inbox.release();
        }
      } finally {
        await dev.logout();
      }
      assert.ok(proxy.connections >= 2, 'the account reconnected after the cut');
    } finally {
      await acc.dispose();
      await proxy.stop();
    }
  },
);

test('send failure (server refuses DATA, then a recipient): draft kept and resent unchanged', opts, async () => {
  const config = accountConfig(server, { name: 'work2', email: 'alice@example.test', smtp: smtpBlock() });
  const acc = await makeAccount(config);
  try {
    await acc.account.connect();
    const session = await ComposeSession.create(
      'new',
      deps(acc.account, config, acc.dataDir, editor({ to: 'Bob <bob@example.org>', subject: 'Retry me', text: 'Body that must survive' })),
    );
    await session.edit();
    sink.failNext = 'Temporary local problem';
    const before = sink.received.length;
    await assert.rejects(session.send(), (err: Error) => {
      assert.match(err.message, /refused the message.*Temporary local problem/);
      return true;
    });
    assert.equal(sink.received.length, before);
    assert.match(await readFile(session.file, 'utf8'), /Body that must survive/);
    sink.rejectRecipients.add('bob@example.org');
    await assert.rejects(session.send(), /refused the recipient.*bob@example\.org/);
    sink.rejectRecipients.clear();
    const out = await session.send();
    assert.equal(out.recipients, 1);
    const parsed = await simpleParser(sink.received.at(-1)!.raw);
    assert.equal(parsed.subject, 'Retry me');
    assert.match(parsed.text ?? '', /Body that must survive/);
  } finally {
    await acc.dispose();
  }
});

test('wrong SMTP password: clear auth error, password not in it, draft kept', opts, async () => {
  const config = accountConfig(server, { name: 'work3', email: 'alice@example.test', smtp: smtpBlock() });
  const acc = await makeAccount(config);
  try {
    const d = deps(acc.account, config, acc.dataDir, editor({ to: 'bob@example.org', subject: 'x' }));
    d.smtpCredentials = passwordCredentials(sink.user, async () => 'wrong-secret-xyz');
    const session = await ComposeSession.create('new', d);
    await session.edit();
    await assert.rejects(session.send(), (err: Error & { kind?: string }) => {
      assert.equal(err.kind, 'auth');
      assert.match(err.message, /SMTP login .* failed/);
      assert.doesNotMatch(err.message, /wrong-secret-xyz/);
      return true;
    });
    assert.ok(existsSync(session.file));
  } finally {
    await acc.dispose();
  }
});

test('no password without TLS: security none refuses before asking for it', opts, async () => {
  const config = accountConfig(server, { name: 'work4', email: 'alice@example.test', smtp: { ...smtpBlock(), security: 'none' } });
  const acc = await makeAccount(config);
  try {
    const d = deps(acc.account, config, acc.dataDir, editor({ to: 'bob@example.org', subject: 'x' }));
    let asked = 0;
    d.smtpCredentials = passwordCredentials(sink.user, async () => {
      asked++;
      return sink.password;
    });
    const session = await ComposeSession.create('new', d);
    await session.edit();
    await assert.rejects(session.send(), /refusing to send the password .* without TLS/);
    assert.equal(asked, 0);
  } finally {
    await acc.dispose();
  }
});

test('POP3 account: Sent copy in the local Maildir Sent folder, original gets the R flag', opts, async () => {
  const dataDir = await mkdtemp(join(work, 'pop3-'));
  const config: AccountConfig = {
    name: 'home',
    protocol: 'pop3',
    host: server.host,
    port: server.ports.pop3,
    security: 'starttls',
    user: 'alice',
    email: 'alice@example.test',
    smtp: smtpBlock(),
  };
  const account = new Pop3Account(config, { getPassword: async () => 'alice-pw', dataDir });
  await account.connect();
  try {
    await account.maildir.deliver('INBOX', Buffer.from(ORIGINAL));
    await account.openFolder('INBOX');
    const [orig] = await account.fetchWindow('INBOX', 0, 1);
    assert.ok(orig);
    const session = await ComposeSession.create('reply', deps(account, config, dataDir, editor({ text: 'POP3 reply body' })), { path: 'INBOX', uid: orig.uid });
    await session.edit();
    const out = await session.send();
    assert.equal(out.sentFolder, 'Sent');
    assert.deepEqual(sink.received.at(-1)!.to, ['juergen@example.org']);
    const cur = join(dataDir, 'Maildir', '.Sent', 'cur');
    const files = await readdir(cur);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /:2,S$/);
    assert.match(await readFile(join(cur, files[0]!), 'utf8'), /POP3 reply body/);
    const [after] = await account.fetchWindow('INBOX', 0, 1);
    assert.ok(after?.flags.includes('\\Answered'));
  } finally {
    await account.close();
  }
});

test('IMAP forward: Fwd:, original inline, its attachment re-attached byte-exact; postpone lands in Drafts with \\Draft', opts, async () => {
  const withFile = [
    'From: Carol <carol@example.org>',
    'To: alice@example.test',
    'Subject: Report',
    'Message-ID: <report@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'See the attached report.',
    '--b',
    'Content-Type: application/octet-stream; name="report.bin"',
    'Content-Disposition: attachment; filename="report.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from([0, 1, 2, 255, 254, 10, 13]).toString('base64'),
    '--b--',
    '',
  ].join('\r\n');
  const dev = await otherDevice(server);
  let uid: number;
  try {
    const r = await dev.append('INBOX', withFile, []);
    assert.ok(r && r.uid);
    uid = r.uid;
  } finally {
    await dev.logout();
  }
  const config = accountConfig(server, { name: 'work5', email: 'alice@example.test', smtp: smtpBlock() });
  const acc = await makeAccount(config);
  try {
    await acc.account.connect();
    const fwd = await ComposeSession.create('forward', deps(acc.account, config, acc.dataDir, editor({ to: 'Dave <dave@example.org>', text: 'FYI' })), {
      path: 'INBOX',
      uid,
    });
    await fwd.edit();
    await fwd.send();
    const parsed = await simpleParser(sink.received.at(-1)!.raw);
    assert.equal(parsed.subject, 'Fwd: Report');
    assert.match(parsed.text ?? '', /FYI\n[\s\S]*---------- Forwarded message ----------\nFrom: Carol <carol@example.org>[\s\S]*See the attached report\./);
    assert.equal(parsed.attachments.length, 1);
    assert.equal(parsed.attachments[0]!.filename, 'report.bin');
    assert.deepEqual([...parsed.attachments[0]!.content], [0, 1, 2, 255, 254, 10, 13]);
    assert.equal(parsed.headers.get('in-reply-to'), undefined, 'a forward starts a new thread');

    const later = await ComposeSession.create('new', deps(acc.account, config, acc.dataDir, editor({ subject: 'Half written', text: 'to be continued' })));
    await later.edit();
    const folder = await later.postpone();
    assert.equal(existsSync(later.file), false);
    const check = await otherDevice(server);
    try {
      const lock = await check.getMailboxLock(folder);
      try {
        const msgs = await check.fetchAll('1:*', { flags: true, source: true });
        const draft = msgs.find((m) => m.source?.toString().includes('to be continued'));
        assert.ok(draft, `draft in ${folder}`);
        assert.ok(draft.flags?.has('\\Draft'));
      } finally {
        lock.release();
      }
    } finally {
      await check.logout();
    }
  } finally {
    await acc.dispose();
  }
});

test('IMAP connection that died silently during the edit (no RST): the Sent copy is still saved, once', opts, async () => {
  const uid = await appendOriginal();
  const proxy: TcpProxy = await startTcpProxy({ host: server.host, port: server.ports.imap });
  const config = accountConfig(server, {
    name: 'work6',
    port: proxy.port,
    security: 'none',
    allowInsecureAuth: true,
    ca: undefined,
    email: 'alice@example.test',
    smtp: smtpBlock(),
  });
  const acc = await makeAccount(config, 'alice-pw', undefined, { reconnectMinDelayMs: 50, operationTimeoutMs: 1500 });
  try {
    await acc.account.connect();
    const edit = async (file: string) => {
      proxy.freezeAll(); // packets vanish: the client cannot tell until a command goes unanswered
      await editor({ text: 'after a silent drop' })(file);
    };
    const session = await ComposeSession.create('reply', deps(acc.account, config, acc.dataDir, edit), { path: 'INBOX', uid });
    await session.edit();
    const out = await session.send();
    assert.deepEqual(out.warnings, []);
    const messageId = (await simpleParser(sink.received.at(-1)!.raw)).messageId!;
    const dev = await otherDevice(server);
    try {
      const lock = await dev.getMailboxLock(out.sentFolder!);
      try {
        const copies = (await dev.fetchAll('1:*', { source: true })).filter((m) => m.source?.toString().includes(messageId));
        assert.equal(copies.length, 1, 'exactly one Sent copy');
      } finally {
        lock.release();
      }
    } finally {
      await dev.logout();
    }
  } finally {
    await acc.dispose();
    await proxy.stop();
  }
});
