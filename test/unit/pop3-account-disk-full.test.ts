// On a full disk the local mail stays readable (the uid list is kept in memory and saved later),
// and the user is told once, in words.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AccountEvent } from '../../src/accounts/account.js';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import { UIDLIST_FILE } from '../../src/store/local-folder-index.js';
import { Maildir } from '../../src/store/maildir.js';
import { mountTinyTmpfs, unmountAll } from '../helpers/tiny-tmpfs.js';

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-pop3full-'));
});
after(async () => {
  unmountAll();
  await rm(base, { recursive: true, force: true });
});

async function fillDisk(dir: string): Promise<string> {
  const filler = join(dir, 'filler');
  try {
    await writeFile(filler, Buffer.alloc(1024 * 1024));
  } catch {
    // ENOSPC is the point: whatever fitted stays.
  }
  for (let i = 0; i < 64; i++) await writeFile(join(dir, `f${i}`), Buffer.alloc(512)).catch(() => undefined);
  return filler;
}

test('a full disk does not stop reading local mail; the problem is reported once', async (t) => {
  const dir = await mountTinyTmpfs(join(base, 'mnt'), 'size=64k,mode=0700');
  if (typeof dir !== 'string') return t.skip(dir.skip);
  const dataDir = join(dir, 'acct');
  const md = new Maildir(join(dataDir, 'Maildir'));
  await md.init();
  for (let i = 1; i <= 3; i++) await md.deliver('INBOX', Buffer.from(`Subject: m${i}\r\n\r\nbody\r\n`), { mtime: new Date(Date.UTC(2024, 0, i)) });
  const account = new Pop3Account(
    { name: 'p', protocol: 'pop3', host: '127.0.0.1', port: 995, security: 'tls', user: 'u' },
    { dataDir, getPassword: async () => 'x' },
  );
  const events: AccountEvent[] = [];
  account.onEvent((e) => events.push(e));
  await account.connect();
  const filler = await fillDisk(dir);

  const opened = await account.openFolder('INBOX');
  assert.equal(opened.total, 3);
  assert.deepEqual(
    (await account.fetchWindow('INBOX', 0, 5)).map((s) => [s.uid, s.subject]),
    [
      [3, 'm3'],
      [2, 'm2'],
      [1, 'm1'],
    ],
  );
  await account.fetchWindow('INBOX', 0, 5);
  const errors = events.filter((e) => e.type === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0]?.type === 'error' ? errors[0].message : '', /^Cannot write .*tmail-uidlist\.json: the disk is full\.$/);
  await assert.rejects(stat(join(md.root, UIDLIST_FILE)), { code: 'ENOENT' });

  await unlink(filler).catch(() => undefined);
  for (let i = 0; i < 64; i++) await unlink(join(dir, `f${i}`)).catch(() => undefined);
  assert.deepEqual(
    (await account.fetchWindow('INBOX', 0, 1)).map((s) => s.uid),
    [3],
  );
  assert.ok((await stat(join(md.root, UIDLIST_FILE))).isFile(), 'saved once there was room again');
});
