// The POP3 sync state's journal (sync-state.ts): batches are appended and fsynced, loading replays
// them, a torn last line is ignored, a corrupt one is a clear error, writing the state empties the
// journal; and state files of older versions (pending SHA-256 digests) still adopt stored files.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { syncMailbox } from '../../src/accounts/pop3/sync.js';
import { pendingLine, storedLine } from '../../src/accounts/pop3/journal-lines.js';
import { emptyState, journalPath, loadSyncState, saveSyncState, StateJournal } from '../../src/accounts/pop3/sync-state.js';
import { Maildir } from '../../src/store/maildir.js';
import { startFakePop3, type FakePop3Server } from '../helpers/pop3-fake-server.js';

let base: string;
const servers: FakePop3Server[] = [];
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-pop3journal-'));
});
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await rm(base, { recursive: true, force: true });
});

const entry = (key: string) => ({ key, downloadedAt: '2026-01-01T00:00:00.000Z', size: 10 });

test('appended batches are replayed on load; a torn last line is ignored; writing the state empties the journal', async () => {
  const statePath = join(base, 'pop3-state-replay.json');
  const state = emptyState();
  state.messages.old = entry('k0');
  await saveSyncState(statePath, state);

  const journal = await StateJournal.open(statePath);
  const ten = Buffer.alloc(10);
  await journal.append(pendingLine([{ uidl: 'a' }, { uidl: 'b' }], ['ka', 'kb'], [ten, ten], 1000));
  await journal.append(storedLine([{ uidl: 'a' }], ['ka'], [ten], entry('ka').downloadedAt));
  await journal.close();
  // A crash in the middle of the next append: no newline, never fsynced, never relied on.
  await appendFile(journalPath(statePath), '{"stored":{"b":{"key":"kb"');

  const loaded = await loadSyncState(statePath);
  assert.deepEqual(Object.keys(loaded.messages).sort(), ['a', 'old']);
  assert.deepEqual({ ...loaded.pending }, { b: { key: 'kb', size: 10 } }, 'b was announced but never recorded as stored');
  assert.equal(loaded.lastArrivalMs, 1000);

  await saveSyncState(statePath, loaded);
  assert.equal((await stat(journalPath(statePath))).size, 0, 'everything is in the state file now');
  assert.deepEqual(await loadSyncState(statePath), loaded);
  assert.equal((await stat(journalPath(statePath))).mode & 0o777, 0o600);
});

test('journal lines are the JSON of their records, whatever the UIDLs hold (quotes, backslashes, "__proto__", non-ASCII)', () => {
  const uidls = ['plain', 'q"uote', 'back\\slash', '__proto__', 'hh:0a1b', 'é\u2028x', 'ctl\u0001', 'lone\ud800'].map((uidl) => ({ uidl }));
  const keys = uidls.map((_, i) => `170000000${i}.M1P2Q${i}Rabcdef01.host,S=${i}`);
  const bodies = uidls.map((_, i) => Buffer.alloc(i * 3));
  const at = '2026-01-01T00:00:00.000Z';
  const byUidl = <T>(f: (i: number) => T) => Object.fromEntries(uidls.map(({ uidl }, i) => [uidl, f(i)]));
  const pending = { pending: byUidl((i) => ({ key: keys[i], size: i * 3 })), lastArrivalMs: 1_700_000_006_000 };
  const stored = { stored: byUidl((i) => ({ key: keys[i], downloadedAt: at, size: i * 3 })) };
  assert.equal(pendingLine(uidls, keys, bodies, 1_700_000_006_000).toString(), `${JSON.stringify(pending)}\n`);
  assert.equal(storedLine(uidls, keys, bodies, at).toString(), `${JSON.stringify(stored)}\n`);
  for (const ms of [0, 1.5]) assert.deepEqual(JSON.parse(pendingLine(uidls, keys, bodies, ms).toString()), { ...pending, lastArrivalMs: ms });
  const none = storedLine([], [], [], at).toString();
  assert.equal(none, '{"stored":{}}\n');
});

test('a corrupt line inside the journal is a clear local error, not a guess', async () => {
  const statePath = join(base, 'pop3-state-corrupt.json');
  await writeFile(journalPath(statePath), '{"stored":{}}\nnot json\n{"stored":{}}\n');
  await assert.rejects(loadSyncState(statePath), (e: unknown) => e instanceof AccountError && e.kind === 'local' && /corrupt/.test(e.message));
});

test('a state file of an older version (pending SHA-256 digests) still adopts the stored file instead of downloading it again', async () => {
  const wire = (i: number) => Buffer.from(`Message-ID: <j${i}@test>\r\nSubject: s${i}\r\n\r\nbody ${i}\r\n`);
  const s = await startFakePop3({ messages: [wire(1), wire(2)] });
  servers.push(s);
  const dir = join(base, 'legacy');
  const maildir = new Maildir(join(dir, 'Maildir'));
  await maildir.init();
  // Message 1 was stored by the older version, which crashed before recording it.
  const onDisk = Buffer.from(wire(1).toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
  await maildir.deliver('INBOX', onDisk);
  const state = emptyState();
  state.pending['uid-1'] = { sha256: createHash('sha256').update(onDisk).digest('hex'), size: onDisk.length };
  await saveSyncState(join(dir, 'pop3-state.json'), state);

  const result = await syncMailbox({
    config: { name: 'legacy', protocol: 'pop3', host: '127.0.0.1', port: s.port, security: 'none', allowInsecureAuth: true, user: 'alice' },
    getPassword: async () => 'secret',
    maildir,
    statePath: join(dir, 'pop3-state.json'),
  });
  assert.equal(result.downloaded, 1, 'only message 2');
  const names = (await maildir.names('INBOX')).length;
  assert.equal(names, 2);
  assert.equal(s.deleted.size, 2);
  assert.equal((await readFile(join(dir, 'pop3-state.json'), 'utf8')).includes('sha256'), false);
});
