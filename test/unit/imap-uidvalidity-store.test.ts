import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UidValidityStore } from '../../src/accounts/imap/uidvalidity-store.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'tmail-uv-'));
  try {
    await fn(path.join(root, 'data'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('first sighting is not a change; a different value is; state survives a new store', () =>
  withDir(async (dir) => {
    const store = new UidValidityStore(dir);
    assert.equal(await store.check('INBOX', 100n), false);
    assert.equal(await store.check('INBOX', 100n), false);
    assert.equal(await store.check('Work', 5n), false);
    const again = new UidValidityStore(dir);
    assert.equal(await again.check('INBOX', 100n), false);
    assert.equal(await again.check('INBOX', 101n), true);
    assert.equal(await new UidValidityStore(dir).check('INBOX', 101n), false);
    // Values beyond 2^53 survive (UIDVALIDITY is a 32-bit unsigned, but bigint end to end).
    assert.equal(await again.check('Big', 4_294_967_295n), false);
    assert.equal(JSON.parse(await readFile(path.join(dir, 'imap-state.json'), 'utf8')).uidValidity.Big, '4294967295');
  }));

test('file 0600 in a 0700 dir, no temp files left behind', () =>
  withDir(async (dir) => {
    const store = new UidValidityStore(dir);
    await Promise.all([store.check('A', 1n), store.check('B', 2n), store.check('C', 3n)]);
    assert.equal((await stat(store.file)).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.deepEqual(await readdir(dir), ['imap-state.json']);
    const saved = JSON.parse(await readFile(store.file, 'utf8'));
    assert.deepEqual(saved.uidValidity, { A: '1', B: '2', C: '3' });
  }));

test('a corrupt or hand-edited state file is tolerated (treated as empty)', () =>
  withDir(async (dir) => {
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'imap-state.json'), '{not json');
    const store = new UidValidityStore(dir);
    assert.equal(await store.check('INBOX', 9n), false);
    await writeFile(path.join(dir, 'imap-state.json'), JSON.stringify({ uidValidity: { INBOX: 12, Work: '7' } }));
    const store2 = new UidValidityStore(dir);
    assert.equal(await store2.check('INBOX', 9n), false, 'a non-string value is dropped, not compared');
    assert.equal(await store2.check('Work', 8n), true);
  }));
