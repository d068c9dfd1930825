// Bulk actions, undo and folders on a POP3 account's local Maildir++ copy, with a second account
// over the same directory (another tmail) acting in between.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import { changeFlags, deleteWithUndo, moveWithUndo, undoAction } from '../../src/accounts/undo.js';
import { parseSearch } from '../../src/search/index.js';

const config = { name: 'local', protocol: 'pop3' as const, host: '127.0.0.1', port: 1, security: 'tls' as const, user: 'x' };

async function accounts(t: TestContext, count: number): Promise<{ a: Pop3Account; b: Pop3Account; root: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tmail-pop3-triage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const a = new Pop3Account(config, { dataDir: dir, getPassword: async () => '' });
  const b = new Pop3Account(config, { dataDir: dir, getPassword: async () => '' });
  await a.connect();
  await b.connect();
  for (let i = 1; i <= count; i++) {
    const raw = `From: Sender ${i} <s${i}@example.org>\r\nTo: me@example.org\r\nSubject: Local ${i}\r\nMessage-ID: <local-${i}@example.org>\r\nDate: Mon, 0${1 + (i % 5)} Jan 2024 12:00:00 +0000\r\n\r\nBody ${i}${i % 2 ? ' zebra' : ''}\r\n`;
    await a.maildir.deliver('INBOX', Buffer.from(raw), { flags: i % 3 === 0 ? 'S' : '' });
  }
  await a.openFolder('INBOX');
  return { a, b, root: path.join(dir, 'Maildir') };
}

const subjects = async (acct: Pop3Account, folder: string) => (await acct.fetchWindow(folder, 0, 1000)).map((s) => s.subject).sort();

test('flags on a set and their undo, on the local copy', async (t) => {
  const { a } = await accounts(t, 6);
  const shown = await a.fetchWindow('INBOX', 0, 6);
  const before = new Map(shown.map((s) => [s.uid, [...s.flags].sort()]));
  const { undo } = await changeFlags(a, 'INBOX', shown, { add: ['\\Seen', '\\Flagged'] });
  assert.ok((await a.fetchWindow('INBOX', 0, 6)).every((s) => s.flags.includes('\\Seen') && s.flags.includes('\\Flagged')));
  await undoAction(a, undo);
  for (const s of await a.fetchWindow('INBOX', 0, 6)) assert.deepEqual([...s.flags].sort(), before.get(s.uid));
});

test('move and undo with another tmail moving one copy away meanwhile; delete to Trash and undo', async (t) => {
  const { a, b } = await accounts(t, 8);
  const all = await subjects(a, 'INBOX');
  await a.createFolder('Archive');
  const moving = await a.search('INBOX', { expression: parseSearch('body:zebra') });
  assert.equal(moving.length, 4);
  const { outcome, undo } = await moveWithUndo(a, 'INBOX', moving, 'Archive');
  assert.equal(outcome?.copies?.length, 4);
  const archived = await b.fetchWindow('Archive', 0, 10);
  assert.equal(archived.length, 4, 'the other tmail sees them in Archive');
  await b.createFolder('Other');
  await b.moveMessages('Archive', [outcome!.copies![0]!.to], 'Other');
  const result = await undoAction(a, undo);
  assert.match(result.message, /back to INBOX/);
  assert.equal((await subjects(a, 'INBOX')).length, all.length - 1, 'all back but the one moved away');
  assert.deepEqual(await subjects(a, 'Archive'), []);

  const [victim] = await a.fetchWindow('INBOX', 0, 1);
  const deleted = await deleteWithUndo(a, 'INBOX', [victim!.uid]);
  assert.equal(deleted.outcome?.destination, 'Trash');
  await undoAction(a, deleted.undo);
  assert.ok((await subjects(a, 'INBOX')).includes(victim!.subject));
  const copies = await a.copyMessages('INBOX', [victim!.uid], 'Trash');
  const gone = await deleteWithUndo(
    a,
    'Trash',
    copies.copies.map((c) => c.to),
  );
  assert.equal(gone.undo.kind, 'none');
});

test('local folders are Maildir++ directories: create, rename with subfolders, refuse a parent, delete', async (t) => {
  const { a, b, root } = await accounts(t, 2);
  await a.createFolder('Projects');
  await a.createFolder('Projects.Work');
  assert.ok(existsSync(path.join(root, '.Projects.Work', 'maildirfolder')), 'a Maildir++ subfolder mutt and Dovecot read');
  await a.copyMessages('INBOX', [(await a.fetchWindow('INBOX', 0, 1))[0]!.uid], 'Projects.Work');
  await b.openFolder('Projects.Work'); // the other tmail has it open
  await a.renameFolder('Projects', 'Clients');
  assert.deepEqual(
    readdirSync(root)
      .filter((d) => d.startsWith('.') && d !== '.Trash')
      .sort(),
    ['.Clients', '.Clients.Work'],
  );
  assert.equal((await a.fetchWindow('Clients.Work', 0, 5)).length, 1, 'the mail went along');
  await assert.rejects(b.openFolder('Projects.Work'), /no local folder/, 'the old name is gone for the other tmail too');
  await assert.rejects(a.deleteFolder('Clients'), /has subfolders \(Clients\.Work\)/);
  await assert.rejects(a.renameFolder('Clients', 'Clients.Work.Deeper'), /into itself/);
  await assert.rejects(a.createFolder('Clients'), /already exists/);
  await assert.rejects(a.deleteFolder('Trash'), /local deletes go/);
  await assert.rejects(a.createFolder('../escape'), /Invalid local folder name/);
  await a.deleteFolder('Clients.Work');
  await a.deleteFolder('Clients');
  assert.deepEqual(
    (await a.listFolders()).map((f) => f.path),
    ['INBOX', 'Trash'],
  );
  assert.deepEqual(
    readdirSync(root).filter((d) => d.startsWith('tmail-deleting')),
    [],
    'nothing left half-deleted',
  );
});

test('unread positions come from the local store, in arrival and in date order', async (t) => {
  const { a, b } = await accounts(t, 9);
  for (const sort of ['arrival', 'date'] as const) {
    const positions = await a.unreadPositions('INBOX', sort);
    const rows = await a.fetchWindow('INBOX', 0, 100, sort);
    const unread = rows.flatMap((s, i) => (s.flags.includes('\\Seen') ? [] : [i]));
    assert.deepEqual(positions, unread, sort);
    assert.equal(positions.length, 6, 'every message but the three read ones');
  }
  // Another tmail reads one: the next look sees it.
  const first = (await a.unreadPositions('INBOX'))[0]!;
  const [row] = await b.fetchWindow('INBOX', first, 1);
  await b.addFlags('INBOX', [row!.uid], ['\\Seen']);
  const after = await a.unreadPositions('INBOX');
  assert.equal(after.length, 5);
  assert.ok(!after.includes(first));
});
