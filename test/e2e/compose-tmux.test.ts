// Reply end to end in a real terminal: tmail in tmux against the private Dovecot and an SMTP sink,
// with EDITOR set to a script that shows itself on the (released) screen and types a line into the
// draft. r → editor → confirm screen → s → "Message sent" → the Sent folder shows the reply, the
// sink got it, and the original is \Answered on the server. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { dovecotTestOptions, startDovecot } from '../helpers/dovecot.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const has = (s: string[], text: string) => s.some((l) => l.includes(text));

const ORIGINAL = [
  'From: Carol Sender <carol@example.org>',
  'To: Alice <alice@example.test>',
  'Subject: E2E question',
  'Date: Mon, 01 Jan 2024 10:00:00 +0000',
  'Message-ID: <e2e-question@example.org>',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Can you answer this?',
  '',
].join('\r\n');

async function imap(server: { host: string; ports: { imaps: number }; caFile: string }): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: server.host,
    port: server.ports.imaps,
    secure: true,
    logger: false,
    tls: { ca: [await readFile(server.caFile)] },
    auth: { user: 'alice', pass: 'alice-pw' },
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

test('reply in tmux: editor with the screen released, confirm, send, Sent copy in the UI', {
  ...dovecotTestOptions(),
  ...tmuxTestOptions(),
  timeout: 180_000,
}, async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'compose', 'ui-flow.js'))) throw new Error('dist/ is missing or stale: run `npm run build` first');
  const server = await startDovecot();
  const sink = await startSmtpSink();
  const work = await mkdtemp(join(tmpdir(), 'tmail-e2e-compose-'));
  let tmux: TmuxSession | undefined;
  t.after(async () => {
    await tmux?.kill();
    await sink.stop();
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  const dev = await imap(server);
  const appended = await dev.append('INBOX', ORIGINAL, []);
  assert.ok(appended && appended.uid);
  await dev.logout();

  const editor = join(work, 'edit.sh');
  await writeFile(
    editor,
    [
      '#!/bin/sh',
      'echo "EDITOR-SCREEN-VISIBLE $1"',
      'sleep 1',
      'sed -i -e "s/^To: *$/To: Dave <dave@example.org>/" -e "s/^Subject: *$/Subject: E2E new message/" "$1"',
      'awk \'{print} /^$/ && !d {print "E2E REPLY TEXT"; d=1}\' "$1" > "$1.new" && cat "$1.new" > "$1" && rm "$1.new"',
      '',
    ].join('\n'),
  );
  await chmod(editor, 0o755);
  const config = join(work, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      accounts: [
        {
          name: 'e2e',
          protocol: 'imap',
          host: server.host,
          port: server.ports.imap,
          security: 'starttls',
          user: 'alice',
          email: 'alice@example.test',
          passwordEnv: 'TMAIL_E2E_PW',
          ca: server.caFile,
          identities: [{ from: 'Alice <alice@example.test>' }, { from: 'Alice Club <alice@club.example>', signature: 'E2E CLUB SIGNATURE' }],
          smtp: {
            host: sink.host,
            port: sink.port,
            security: 'starttls',
            user: sink.user,
            passwordEnv: 'TMAIL_E2E_SMTP_PW',
            ca: sink.caFile,
            from: 'Alice <alice@example.test>',
          },
        },
      ],
    }),
    { mode: 0o600 },
  );

  tmux = await startTmux({
    cols: 100,
    rows: 30,
    cwd: ROOT,
    env: { TMAIL_E2E_PW: 'alice-pw', TMAIL_E2E_SMTP_PW: sink.password, TMAIL_DATA_DIR: join(work, 'data'), EDITOR: editor, VISUAL: '' },
  });
  await tmux.type(`node bin/tmail.js --config ${config}; echo "EXIT=$?"`);
  await tmux.keys('Enter');
  await tmux.waitFor((x) => has(x, 'E2E question'), 'the INBOX', 60_000);

  await tmux.keys('r');
  await tmux.waitFor((x) => has(x, 'EDITOR-SCREEN-VISIBLE') && !has(x, 'E2E question'), 'the editor on the normal screen');
  let s = await tmux.waitFor((x) => has(x, 'ready to send?'), 'the confirm screen after the editor');
  assert.ok(
    s.some((l) => /To:\s+Carol Sender <carol@example\.org>/.test(l)),
    s.join('\n'),
  );
  assert.ok(
    s.some((l) => /Subject:\s+Re: E2E question/.test(l)),
    s.join('\n'),
  );
  assert.ok(!has(s, 'EDITOR-SCREEN-VISIBLE'), 'the UI redrew the whole screen');

  await tmux.keys('s');
  s = await tmux.waitFor((x) => has(x, 'Sent to 1 recipient(s), copy in Sent'), 'sent notice', 30_000);
  await tmux.waitFor((x) => x.some((l) => /A 2024-01-01 Carol Sender\s+E2E question/.test(l)), 'the original shows A (answered)');
  assert.equal(sink.received.length, 1);
  const mail = await simpleParser(sink.received[0]!.raw);
  assert.equal(mail.subject, 'Re: E2E question');
  assert.equal(mail.inReplyTo, '<e2e-question@example.org>');
  assert.match(mail.text ?? '', /^E2E REPLY TEXT\n/m);
  assert.match(mail.text ?? '', /^> Can you answer this\?$/m);

  await tmux.type(':folder Sent');
  await tmux.keys('Enter');
  s = await tmux.waitFor((x) => has(x, 'Re: E2E question'), 'the reply in the Sent folder', 30_000);
  assert.ok(s.some((l) => /Sent/.test(l)));

  const check = await imap(server);
  try {
    const lock = await check.getMailboxLock('INBOX');
    try {
      const msg = await check.fetchOne(String(appended.uid), { flags: true }, { uid: true });
      assert.ok(msg && msg.flags?.has('\\Answered'), 'original \\Answered on the server');
    } finally {
      lock.release();
    }
  } finally {
    await check.logout();
  }
  // A refused send: the screen says why, the draft stays, s sends it again.
  await tmux.keys('c');
  await tmux.waitFor((x) => has(x, 'New message — ready to send?') && has(x, 'E2E new message'), 'confirm screen of a new message');
  sink.failNext = 'Relay temporarily refused';
  await tmux.keys('s');
  s = await tmux.waitFor((x) => has(x, 'Not sent:') && has(x, '554 Relay'), 'the refusal, on the confirm screen', 30_000);
  assert.ok(has(s, 'ready to send?'), 'still on the confirm screen');
  assert.equal(sink.received.length, 1);
  const drafts = join(work, 'data', 'accounts', 'e2e', 'drafts');
  assert.equal(readdirSync(drafts).filter((n) => n.endsWith('.eml')).length, 1, 'the draft is on disk');
  await tmux.keys('s');
  await tmux.waitFor((x) => has(x, 'Sent to 1 recipient(s), copy in Sent'), 'sent on retry', 30_000);
  assert.equal(sink.received.length, 2);
  assert.match(sink.received[1]!.raw.toString(), /E2E REPLY TEXT/);
  assert.deepEqual(sink.received[1]!.to, ['dave@example.org']);
  assert.equal(readdirSync(drafts).filter((n) => n.endsWith('.eml')).length, 0);

  // Completion, identity switch, postpone, then E on the draft in Drafts: edited, sent, removed there.
  await tmux.keys('c');
  await tmux.waitFor((x) => has(x, 'New message — ready to send?'), 'confirm screen of another new message');
  await tmux.keys('t');
  await tmux.waitFor((x) => has(x, 'To: Dave <dave@example.org>') && has(x, 'Tab completes'), 'the To prompt');
  await tmux.type(', car');
  await tmux.keys('Tab');
  s = await tmux.waitFor((x) => has(x, 'To: Dave <dave@example.org>, Carol Sender <carol@example.org>'), 'Carol completed from the replied-to mail');
  await tmux.keys('Enter');
  await tmux.waitFor((x) => x.some((l) => /To:\s+Dave <dave@example\.org>, Carol Sender <carol@example\.org>/.test(l)), 'To set on the confirm screen');
  await tmux.keys('f');
  await tmux.waitFor((x) => x.some((l) => /From:\s+Alice Club <alice@club\.example>/.test(l)), 'the next identity');
  await tmux.keys('p');
  await tmux.waitFor((x) => has(x, 'Draft saved in Drafts'), 'postponed');
  assert.equal(sink.received.length, 2);
  await tmux.type(':folder Drafts');
  await tmux.keys('Enter');
  await tmux.waitFor((x) => has(x, 'E2E new message') && !has(x, 'Draft saved'), 'the draft in Drafts', 30_000);
  await tmux.keys('E');
  s = await tmux.waitFor((x) => has(x, 'Draft — ready to send?'), 'the draft back on the confirm screen', 30_000);
  assert.ok(
    s.some((l) => /From:\s+Alice Club <alice@club\.example>/.test(l)),
    s.join('\n'),
  );
  await tmux.keys('s');
  await tmux.waitFor((x) => has(x, 'Sent to 2 recipient(s), copy in Sent'), 'the draft sent', 30_000);
  assert.equal(sink.received.length, 3);
  assert.deepEqual([...sink.received[2]!.to].sort(), ['carol@example.org', 'dave@example.org']);
  const resent = sink.received[2]!.raw.toString();
  assert.equal(resent.split('E2E CLUB SIGNATURE').length, 2, 'the signature once');
  const after = await imap(server);
  try {
    const lock = await after.getMailboxLock('Drafts');
    try {
      assert.deepEqual(await after.search({ all: true }, { uid: true }), [], 'Drafts is empty again');
    } finally {
      lock.release();
    }
  } finally {
    await after.logout();
  }

  await tmux.keys('q');
  await tmux.waitFor((x) => has(x, 'EXIT=0'), 'clean exit');
});
