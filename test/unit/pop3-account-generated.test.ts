// Pop3Account over a Maildir full of realistic generated mail (encoded-word subjects, multipart,
// attachments, threads), as the sync would leave it: summaries must match what was written.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import { generateMaildir, type GeneratedMessage } from '../helpers/maildir-generator.js';

let base: string;
let account: Pop3Account;
let generated: GeneratedMessage[];

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-pop3gen-'));
  const result = await generateMaildir(join(base, 'Maildir'), { count: 300, seed: 7 });
  generated = result.messages ?? [];
  await generateMaildir(join(base, 'Maildir'), { count: 20, seed: 8, folder: 'Archive', into: 'cur', mixedFlags: true });
  account = new Pop3Account(
    { name: 'gen', protocol: 'pop3', host: '127.0.0.1', port: 995, security: 'tls', user: 'u' },
    { dataDir: base, getPassword: async () => 'x' },
  );
  await account.connect();
});
after(async () => {
  await account?.close();
  await rm(base, { recursive: true, force: true });
});

test('every generated message is listed once, with its decoded subject, Message-ID and date', async () => {
  assert.equal(generated.length, 300);
  const opened = await account.openFolder('INBOX');
  assert.equal(opened.total, 300);
  const all = [];
  for (let start = 0; start < 300; start += 64) all.push(...(await account.fetchWindow('INBOX', start, 64, 'date')));
  assert.equal(all.length, 300);
  assert.equal(new Set(all.map((s) => s.uid)).size, 300);
  const byId = new Map(generated.map((g) => [g.messageId, g]));
  for (const s of all) {
    const g = byId.get(s.messageId ?? '') ?? byId.get((s.messageId ?? '').replace(/^<|>$/g, ''));
    assert.ok(g, `unknown Message-ID ${s.messageId}`);
    assert.equal(s.subject, g.subject.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim());
    assert.equal(s.date.getTime(), Math.floor(g.date.getTime() / 1000) * 1000);
    assert.ok(s.from.length >= 1 && s.from[0]!.address.includes('@'));
  }
  // Date order is newest first.
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.date >= all[i]!.date);
  assert.ok(all.some((s) => s.hasAttachments) && all.some((s) => !s.hasAttachments));
});

test('flags written by the generator in cur/ are read back; counts agree', async () => {
  const folders = await account.listFolders();
  const archive = folders.find((f) => f.path === 'Archive');
  assert.equal(archive?.total, 20);
  const window = await account.fetchWindow('Archive', 0, 20);
  const unseen = window.filter((s) => !s.flags.includes('\\Seen')).length;
  assert.equal(unseen, archive?.unread);
  assert.ok(window.some((s) => s.flags.includes('\\Seen')));
});
