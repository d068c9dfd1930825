// Disk full and unwritable store: a clear AccountError('local') and nothing half-written.
// ENOSPC/EROFS need a tiny tmpfs, which only root can mount; EACCES via chmod only works for a
// non-root user (root ignores directory permissions). Each case says why when it cannot run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { writeFileAtomic } from '../../src/store/atomic-file.js';
import { Maildir } from '../../src/store/maildir.js';
import { mountTinyTmpfs, unmountAll } from '../helpers/tiny-tmpfs.js';

const isRoot = process.getuid?.() === 0;
let base: string;

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-disk-'));
});
after(async () => {
  unmountAll();
  await rm(base, { recursive: true, force: true });
});

const tinyTmpfs = (name: string, options: string) => mountTinyTmpfs(join(base, name), options);

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
}

test('disk full during delivery: clear error, no partial file anywhere, earlier mail intact', async (t) => {
  const mount = await tinyTmpfs('full', 'size=64k,mode=0700');
  if (typeof mount !== 'string') return t.skip(mount.skip);
  const md = new Maildir(join(mount, 'Maildir'));
  await md.init();
  const small = await md.deliver('INBOX', Buffer.from('Subject: small\r\n\r\nhi\r\n'));
  const big = Buffer.alloc(200 * 1024, 'x');
  await assert.rejects(md.deliver('INBOX', big), (e: unknown) => {
    assert.ok(e instanceof AccountError, String(e));
    assert.equal(e.kind, 'local');
    assert.match(e.message, /^Cannot save mail in .*Maildir\/new: the disk is full\.$/);
    assert.ok(!e.message.includes('ENOSPC') && !e.message.includes('    at '));
    return true;
  });
  assert.deepEqual(await readdir(join(md.root, 'tmp')), []);
  assert.deepEqual(
    (await md.list('INBOX')).map((e) => e.key),
    [small.key],
  );
  // Streamed too (the sync writes RETR chunks as they arrive).
  async function* stream(): AsyncIterable<Buffer> {
    for (let i = 0; i < 20; i++) yield Buffer.alloc(16 * 1024, 'y');
  }
  await assert.rejects(md.deliver('INBOX', stream()), (e: unknown) => e instanceof AccountError && /disk is full/.test(e.message));
  assert.deepEqual(await filesUnder(join(md.root, 'tmp')), []);
  assert.equal((await md.list('INBOX')).length, 1);
});

test('disk full while writing a state file: clear error, old file untouched, no temp file left', async (t) => {
  const mount = await tinyTmpfs('full-state', 'size=64k,mode=0700');
  if (typeof mount !== 'string') return t.skip(mount.skip);
  const path = join(mount, 'state.json');
  await writeFileAtomic(path, '{"ok":1}');
  await assert.rejects(
    writeFileAtomic(path, 'z'.repeat(200 * 1024)),
    (e: unknown) => e instanceof AccountError && e.kind === 'local' && /the disk is full/.test(e.message),
  );
  assert.deepEqual(await readdir(mount), ['state.json']);
  const { readFile } = await import('node:fs/promises');
  assert.equal(await readFile(path, 'utf8'), '{"ok":1}');
});

test('read-only store: clear error, nothing written', async (t) => {
  const mount = await tinyTmpfs('ro', 'size=64k,mode=0700');
  if (typeof mount !== 'string') return t.skip(mount.skip);
  const md = new Maildir(join(mount, 'Maildir'));
  await md.init();
  execFileSync('mount', ['-o', 'remount,ro', mount]);
  await assert.rejects(
    md.deliver('INBOX', Buffer.from('Subject: x\r\n\r\n')),
    (e: unknown) => e instanceof AccountError && e.kind === 'local' && /read-only/.test(e.message),
  );
  assert.deepEqual(await filesUnder(mount), []);
});

test('unwritable directory (non-root only): permission denied, nothing written', async (t) => {
  if (isRoot) return t.skip('root bypasses directory permissions; the read-only mount test covers this case as root');
  const md = new Maildir(join(base, 'perm', 'Maildir'));
  await md.init();
  await chmod(join(md.root, 'tmp'), 0o500);
  try {
    await assert.rejects(
      md.deliver('INBOX', Buffer.from('Subject: x\r\n\r\n')),
      (e: unknown) => e instanceof AccountError && /permission denied/.test(e.message),
    );
    assert.deepEqual(await filesUnder(md.root), []);
  } finally {
    await chmod(join(md.root, 'tmp'), 0o700);
  }
});
