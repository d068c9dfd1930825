import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { readJsonFile, writeFileAtomic } from '../../src/store/atomic-file.js';
import { LocalFolderIndex, UIDLIST_FILE } from '../../src/store/local-folder-index.js';
import { SummaryStore } from '../../src/store/summary-store.js';
import { Maildir } from '../../src/store/maildir.js';
import { UidList } from '../../src/store/uid-list.js';

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-uid-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

const msg = (subject: string, date = 'Mon, 1 Jan 2024 10:00:00 +0000') =>
  Buffer.from(`From: x@example.org\r\nDate: ${date}\r\nSubject: ${subject}\r\n\r\nbody ${subject}\r\n`);

async function filled(name: string, n: number): Promise<Maildir> {
  const md = new Maildir(join(base, name));
  await md.init();
  for (let i = 0; i < n; i++) await md.deliver('INBOX', msg(`m${i}`), { mtime: new Date(Date.UTC(2024, 0, 1, 0, 0, i)) });
  return md;
}

test('atomic file: written with mode 0600; readJsonFile: missing -> undefined, corrupt -> local error', async () => {
  const p = join(base, 'state.json');
  assert.equal(await readJsonFile(p), undefined);
  await writeFileAtomic(p, JSON.stringify({ a: 1 }));
  assert.deepEqual(await readJsonFile(p), { a: 1 });
  assert.equal((await stat(p)).mode & 0o777, 0o600);
  await writeFile(p, '{"a":');
  await assert.rejects(readJsonFile(p), (e: unknown) => e instanceof AccountError && e.kind === 'local' && /corrupt/.test(e.message));
});

test('UIDs follow arrival order and are stable across processes (a new index instance)', async () => {
  const md = await filled('stable', 5);
  const a = new LocalFolderIndex(md, 'INBOX');
  const ra = await a.refresh();
  assert.equal(ra.origin, 'created');
  assert.deepEqual(ra.added, [1, 2, 3, 4, 5]);
  const subjectsByUid = async (idx: LocalFolderIndex) => {
    const list = await idx.newestFirst('arrival');
    const s = await idx.summaries(list);
    return list.map((m) => [m.uid, s.get(m.uid)?.subject]);
  };
  assert.deepEqual(await subjectsByUid(a), [
    [5, 'm4'],
    [4, 'm3'],
    [3, 'm2'],
    [2, 'm1'],
    [1, 'm0'],
  ]);

  const b = new LocalFolderIndex(new Maildir(md.root), 'INBOX');
  const rb = await b.refresh();
  assert.equal(rb.origin, 'loaded');
  assert.equal(rb.uidValidity, ra.uidValidity);
  assert.deepEqual(await subjectsByUid(b), await subjectsByUid(a));

  // A flag change (rename) keeps the UID; a removal frees it for good; a new message gets the next one.
  const victim = b.message(2)!;
  await md.setFlags('INBOX', victim.key, 'S');
  await md.remove('INBOX', b.message(3)!.key);
  await md.deliver('INBOX', msg('new'));
  const r2 = await b.refresh();
  assert.deepEqual(r2.removed, [3]);
  assert.deepEqual(r2.added, [6]);
  assert.equal(b.message(2)?.flags, 'S');
  assert.equal(r2.unread, 4);
  assert.equal(r2.total, 5);
});

test('a corrupt uid list is rebuilt with a new uidValidity, never a crash', async () => {
  const md = await filled('corrupt', 3);
  const a = new LocalFolderIndex(md, 'INBOX');
  const before = await a.refresh();
  for (const garbage of ['not json', '{"version":1,"uidValidity":5,"nextUid":2,"uids":{"k":7}}', '', '[]']) {
    await writeFile(join(md.root, UIDLIST_FILE), garbage);
    const b = new LocalFolderIndex(new Maildir(md.root), 'INBOX');
    const r = await b.refresh();
    assert.equal(r.origin, 'rebuilt-corrupt', garbage);
    assert.notEqual(r.uidValidity, before.uidValidity);
    assert.equal(r.total, 3);
    const saved = JSON.parse(await readFile(join(md.root, UIDLIST_FILE), 'utf8'));
    assert.equal(BigInt(saved.uidValidity), r.uidValidity);
  }
});

test('newest first by date uses the Date header; arrival uses delivery order', async () => {
  const md = new Maildir(join(base, 'bydate'));
  await md.init();
  await md.deliver('INBOX', msg('old-date-arrived-first', 'Tue, 2 Jan 2024 10:00:00 +0000'), { mtime: new Date('2024-02-01T00:00:00Z') });
  await md.deliver('INBOX', msg('oldest-date', 'Mon, 1 Jan 2024 10:00:00 +0000'), { mtime: new Date('2024-02-02T00:00:00Z') });
  await md.deliver(
    'INBOX',
    Buffer.from(
      msg('no-date-header')
        .toString()
        .replace(/Date:[^\n]*\n/, ''),
    ),
    { mtime: new Date('2023-06-01T00:00:00Z') },
  );
  const idx = new LocalFolderIndex(md, 'INBOX');
  await idx.refresh();
  const subjects = async (sort: 'arrival' | 'date') => {
    const list = await idx.newestFirst(sort);
    const s = await idx.summaries(list);
    return list.map((m) => s.get(m.uid)?.subject);
  };
  // The message without a Date falls back to its arrival (mtime), and its mtime is the oldest.
  assert.deepEqual(await subjects('date'), ['old-date-arrived-first', 'oldest-date', 'no-date-header']);
  // Arrival order is delivery order (UIDs follow mtime at first sight).
  assert.deepEqual(await subjects('arrival'), ['oldest-date', 'old-date-arrived-first', 'no-date-header']);
});

test('stored summaries are used when key+size+mtime match, and a damaged store is rebuilt', async () => {
  const md = await filled('cache', 2);
  const dataDir = join(base, 'cache-data');
  const stores: SummaryStore[] = [];
  const opener = () => async () => {
    const s = await SummaryStore.open(dataDir, 'maildir');
    stores.push(s);
    return s;
  };
  const a = new LocalFolderIndex(md, 'INBOX', opener());
  await a.refresh();
  await a.summaries(await a.newestFirst('arrival'));
  assert.equal((await stat(join(dataDir, 'summaries.sqlite'))).mode & 0o777, 0o600);

  // Same size, same mtime, different content: a fresh index must answer from the store.
  const m1 = a.message(1)!;
  const path = a.pathOf(m1);
  const st = await stat(path);
  await writeFile(path, (await readFile(path, 'utf8')).replace('Subject: m0', 'Subject: X0'));
  await utimes(path, st.atime, st.mtime);
  const b = new LocalFolderIndex(new Maildir(md.root), 'INBOX', opener());
  await b.refresh();
  assert.equal((await b.summaries([b.message(1)!])).get(1)?.subject, 'm0');
  for (const s of stores.splice(0)) s.close();

  // A damaged store is rebuilt (headers reparsed).
  await writeFile(join(dataDir, 'summaries.sqlite'), 'not a database '.repeat(300));
  const c = new LocalFolderIndex(new Maildir(md.root), 'INBOX', opener());
  await c.refresh();
  assert.equal((await c.summaries([c.message(1)!])).get(1)?.subject, 'X0');
  for (const s of stores.splice(0)) s.close();
});

test("two processes on one folder agree on UIDs (each adopts the other's uid list)", async () => {
  const md = await filled('two-procs', 3);
  const a = new LocalFolderIndex(new Maildir(md.root), 'INBOX');
  const b = new LocalFolderIndex(new Maildir(md.root), 'INBOX');
  await a.refresh();
  await b.refresh();
  const x = await md.deliver('INBOX', msg('x'));
  await b.refresh(); // b numbers x as 4 and writes the list
  assert.equal(b.uidOfKey(x.key), 4);
  await md.remove('INBOX', x.key);
  const y = await md.deliver('INBOX', msg('y'));
  await a.refresh(); // a never saw x; it must still not reuse 4
  assert.equal(a.uidOfKey(y.key), 5);
  await b.refresh();
  assert.equal(b.uidOfKey(y.key), 5);
  assert.equal(a.uidValidity, b.uidValidity);
});

test("another process's rewrite is noticed even when it has the same mtime and size (coarse kernel clock)", async () => {
  const dir = join(base, 'same-mtime');
  await mkdir(dir);
  const path = join(dir, UIDLIST_FILE);
  const stamp = new Date(Date.UTC(2024, 0, 1));
  const mine = new UidList(path);
  await mine.load();
  await mine.reconcile(
    ['a', 'b'],
    async () =>
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
  );
  await mine.save();
  await utimes(path, stamp, stamp);
  await mine.load(); // now knows the version with the pinned mtime
  const before = await readFile(path, 'utf8');

  const other = new UidList(path);
  await other.load();
  await other.reconcile(['a', 'c'], async () => new Map([['c', 3]])); // b gone, c is uid 3: same length
  await other.save();
  await utimes(path, stamp, stamp); // both writes fell into one clock tick
  const after = await readFile(path, 'utf8');
  assert.notEqual(after, before);
  assert.equal(after.length, before.length);
  assert.equal((await stat(path)).mtimeMs, stamp.getTime());

  assert.equal(await mine.changedOnDisk(), true);
  await mine.load();
  assert.equal(mine.byKey.get('c'), 3);
  assert.equal(mine.nextUid, 4);
  assert.equal(await mine.changedOnDisk(), false);
});
