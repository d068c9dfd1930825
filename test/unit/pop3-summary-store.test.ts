// The POP3 side of the summary store: summaries of an earlier version's JSON cache are imported,
// and a deleted or damaged store is rebuilt from the Maildir with UIDs and flags intact (the
// Maildir is the truth; the store is an index).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import type { Pop3SyncApi } from '../../src/accounts/pop3/pop3-sync-bridge.js';
import type { AccountConfig } from '../../src/config/types.js';
import { LEGACY_SUMMARY_FILE, LocalFolderIndex } from '../../src/store/local-folder-index.js';
import { Maildir } from '../../src/store/maildir.js';
import { STORE_FILE } from '../../src/store/summary-store.js';

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-pop3store-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

const config: AccountConfig = { name: 'pop', protocol: 'pop3', host: '127.0.0.1', port: 995, security: 'tls', user: 'alice' };
const offline: Pop3SyncApi = {
  syncMailbox: async () => {
    throw new Error('no network in this test');
  },
  markForServerDeletion: async () => undefined,
  loadLocations: async () => () => ({ kind: 'local', onServer: false }),
  nextLoginAt: async () => undefined,
};

const raw = (i: number) =>
  Buffer.from(
    `From: s${i}@example.org\r\nSubject: Message ${i}\r\nDate: ${new Date(Date.UTC(2024, 0, i)).toUTCString()}\r\nMessage-ID: <m${i}@x>\r\n\r\nbody ${i}\r\n`,
  );

/** A data dir as an earlier version left it: Maildir with flags, uid list, JSON summaries. */
async function oldDataDir(name: string) {
  const dataDir = join(base, name);
  const md = new Maildir(join(dataDir, 'Maildir'));
  await md.init();
  const keys: string[] = [];
  for (let i = 1; i <= 4; i++) keys.push((await md.deliver('INBOX', raw(i), { mtime: new Date(Date.UTC(2024, 1, 1, 0, 0, i)) })).key);
  await md.setFlags('INBOX', keys[0]!, 'S');
  await md.setFlags('INBOX', keys[2]!, 'FS');
  // The uid list as the earlier version wrote it (the same code writes it today).
  const index = new LocalFolderIndex(md, 'INBOX');
  await index.refresh();
  const entries: Record<string, unknown> = {};
  for (let uid = 1; uid <= 4; uid++) {
    const m = index.message(uid)!;
    const st = await stat(index.pathOf(m));
    // A subject the file does not have: proof that the row came from the import, not a re-read.
    entries[m.key] = {
      size: st.size,
      mtimeMs: Math.round(st.mtimeMs),
      date: Date.UTC(2024, 0, uid),
      from: [{ name: '', address: `s${uid}@example.org` }],
      to: [],
      cc: [],
      subject: `Imported ${uid}`,
      messageId: `<m${uid}@x>`,
      hasAttachments: false,
    };
  }
  await writeFile(join(md.folderPath('INBOX'), LEGACY_SUMMARY_FILE), JSON.stringify({ version: 2, entries }));
  return { dataDir, md };
}

async function look(dataDir: string) {
  const acct = new Pop3Account(config, { dataDir, getPassword: async () => '' }, offline);
  await acct.connect();
  try {
    const opened = await acct.openFolder('INBOX');
    const rows = await acct.fetchWindow('INBOX', 0, 10);
    return { uidValidity: opened.uidValidity, rows: rows.map((r) => [r.uid, r.subject, [...r.flags].sort().join(' ')]) };
  } finally {
    await acct.close();
  }
}

test('the JSON summaries of an earlier version are imported into the store, then removed', async () => {
  const { dataDir, md } = await oldDataDir('import');
  const first = await look(dataDir);
  assert.deepEqual(first.rows, [
    [4, 'Imported 4', ''],
    [3, 'Imported 3', '\\Flagged \\Seen'],
    [2, 'Imported 2', ''],
    [1, 'Imported 1', '\\Seen'],
  ]);
  assert.equal(existsSync(join(md.folderPath('INBOX'), LEGACY_SUMMARY_FILE)), false);
  assert.equal((await stat(join(dataDir, STORE_FILE))).mode & 0o777, 0o600);
  // A second run reads the store (the JSON is gone).
  assert.deepEqual((await look(dataDir)).rows, first.rows);
});

test('a deleted or damaged store is rebuilt from the Maildir: same UIDs, flags from the file names', async () => {
  const { dataDir } = await oldDataDir('rebuild');
  const before = await look(dataDir);
  const fromFiles = before.rows.map(([uid, , flags]) => [uid, `Message ${uid}`, flags]);

  await writeFile(join(dataDir, STORE_FILE), Buffer.alloc(8192, 0xab));
  const damaged = await look(dataDir);
  assert.deepEqual(damaged.rows, fromFiles, 'headers re-read from the files; flags and UIDs unchanged');
  assert.equal(damaged.uidValidity, before.uidValidity);

  for (const suffix of ['', '-wal', '-shm']) await rm(join(dataDir, STORE_FILE + suffix), { force: true });
  const deleted = await look(dataDir);
  assert.deepEqual(deleted.rows, fromFiles);
  assert.equal(deleted.uidValidity, before.uidValidity);
});

test('an unusable store (its path is a directory) only costs speed: mail is still listed', async () => {
  const { dataDir } = await oldDataDir('unusable');
  await rm(join(dataDir, STORE_FILE), { recursive: true, force: true });
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dataDir, STORE_FILE));
  const seen = await look(dataDir);
  assert.equal(seen.rows.length, 4);
  assert.deepEqual(
    seen.rows.map((r) => r[2]),
    ['', '\\Flagged \\Seen', '', '\\Seen'],
  );
});
