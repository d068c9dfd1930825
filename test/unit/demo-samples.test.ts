// The demo mailbox as our IMAP client sees it through the demo server: varied enough to show
// what tmail does (attachments, HTML, non-ASCII, a thread), and ENVELOPE/BODYSTRUCTURE that
// imapflow parses into the right summaries.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ImapAccount } from '../../src/accounts/imap/imap-account.js';
import { startDemoServer } from '../../src/demo/demo-server.js';
import { sampleMessages } from '../../src/demo/samples.js';
import { bodyStructure } from '../../src/demo/imap-format.js';
import { parseMime } from '../../src/demo/mime-tree.js';

test('about 50 samples: the guide is the newest; plain, HTML, attachments, non-ASCII, a thread', () => {
  const samples = sampleMessages(new Date('2026-01-01T00:00:00Z'));
  assert.ok(samples.length >= 45 && samples.length <= 60);
  const texts = samples.map((s) => s.raw.toString('utf8'));
  assert.match(texts.at(-1)!, /Subject: Start here/);
  const dates = samples.map((s) => s.date.getTime());
  assert.deepEqual(
    dates,
    [...dates].sort((a, b) => a - b),
    'oldest first',
  );
  assert.ok(
    texts.some((t) => /multipart\/alternative/.test(t) && /text\/html/.test(t)),
    'HTML',
  );
  assert.ok(texts.filter((t) => /Content-Disposition: attachment/.test(t)).length >= 3, 'attachments');
  assert.ok(
    texts.some((t) => /Subject: =\?UTF-8\?B\?/.test(t)),
    'encoded non-ASCII subject',
  );
  assert.ok(texts.filter((t) => /^In-Reply-To:/m.test(t)).length >= 3, 'a thread');
  assert.ok(
    texts.every((t) => !/(^|[^\r])\n/.test(t)),
    'CRLF only',
  );
});

test('BODYSTRUCTURE of a multipart/mixed with alternative inside', () => {
  const raw = sampleMessages()
    .map((s) => s.raw)
    .find((r) => /report\.txt/.test(r.toString()))!;
  const bs = bodyStructure(parseMime(raw), true);
  assert.match(bs, /^\(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\)/);
  assert.match(bs, /\("ATTACHMENT" \("FILENAME" "report\.txt"\)\)/);
  assert.match(bs, /"MIXED" \("BOUNDARY" "mix-\d+"\) NIL NIL NIL\)$/);
});

test('summaries through imapflow: decoded subjects and names, attachments, thread ids', async () => {
  const demo = await startDemoServer();
  const dir = mkdtempSync(join(tmpdir(), 'tmail-demo-samples-'));
  const [config] = demo.accounts();
  const imap = new ImapAccount(config!, { getPassword: async () => demo.credentials.password, dataDir: dir });
  try {
    await imap.connect();
    const opened = await imap.openFolder('INBOX');
    const all = await imap.fetchWindow('INBOX', 0, opened.total);
    assert.equal(all.length, opened.total);
    assert.equal(all[0]!.subject, 'Start here: IMAP and POP3 side by side');
    assert.ok(all[0]!.flags.includes('\\Flagged'));
    const bySubject = new Map(all.map((m) => [m.subject, m]));
    assert.ok(bySubject.get('会議の議事録')?.hasAttachments);
    assert.equal(bySubject.get('会議の議事録')?.from[0]?.name, '山田 太郎');
    assert.ok(bySubject.get('Report with attachments')?.hasAttachments);
    assert.ok(bySubject.get('Nightly build: binary attached')?.hasAttachments);
    assert.ok(!bySubject.get('This week in terminals: 5 tips')?.hasAttachments, 'alternative is not an attachment');
    assert.ok(bySubject.has('Smørrebrød recipe 🥪'));
    const ids = new Set(all.map((m) => m.messageId));
    const replies = all.filter((m) => m.inReplyTo);
    assert.ok(replies.length >= 4 && replies.every((m) => ids.has(m.inReplyTo)), 'replies point at messages in the box');
  } finally {
    await imap.close();
    await demo.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
