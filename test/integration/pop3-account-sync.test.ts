// Pop3Account with the real sync engine against the private Dovecot: what the UI sees after a
// sync (windows, locations, events), that flags stay local, and that a local delete reaches the
// server only with deleteOnServerWhenDeletedLocally.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isCheckDeferred, type AccountEvent } from '../../src/accounts/account.js';
import type { Pop3SyncResult } from '../../src/accounts/pop3/sync.js';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import type { AccountConfig } from '../../src/config/types.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir, type GeneratedMessage } from '../helpers/maildir-generator.js';

/** Messages the server still holds for a user, with their Maildir flag letters. */
async function serverFiles(server: DovecotServer, user: string): Promise<string[]> {
  const root = server.maildir(user);
  const names: string[] = [];
  for (const sub of ['new', 'cur']) names.push(...(await readdir(join(root, sub)).catch(() => [] as string[])));
  return names;
}

describe('Pop3Account + sync against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let base: string;
  let aliceMail: GeneratedMessage[];
  const accounts: Pop3Account[] = [];

  const make = async (user: string, extra: Partial<AccountConfig> = {}) => {
    const config: AccountConfig = {
      name: user,
      protocol: 'pop3',
      host: server.host,
      port: server.ports.pop3s,
      security: 'tls',
      user,
      ca: server.caFile,
      ...extra,
    };
    const account = new Pop3Account(config, { dataDir: join(base, config.name), getPassword: async () => `${user}-pw` });
    const events: AccountEvent[] = [];
    account.onEvent((e) => events.push(e));
    accounts.push(account);
    await account.connect();
    return { account, events };
  };

  before(async () => {
    server = await startDovecot();
    base = await mkdtemp(join(tmpdir(), 'tmail-pop3sync-'));
    aliceMail = (await generateMaildir(server.maildir('alice'), { count: 40, seed: 11 })).messages ?? [];
    await generateMaildir(server.maildir('bob'), { count: 5, seed: 12 });
    await server.fixOwnership('alice');
    await server.fixOwnership('bob');
  });

  after(async () => {
    for (const a of accounts) await a.close();
    await server?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  test('sync downloads everything, the server is emptied, windows show it as local only', async () => {
    const { account, events } = await make('alice');
    const result = await account.sync();
    assert.equal(result.downloaded, 40);
    assert.deepEqual(await serverFiles(server, 'alice'), []);
    assert.deepEqual(
      events.filter((e) => e.type === 'exists'),
      [{ type: 'exists', folder: 'INBOX', total: 40 }],
    );
    const window = await account.fetchWindow('INBOX', 0, 50, 'date');
    assert.deepEqual(window.map((s) => s.messageId).sort(), aliceMail.map((m) => m.messageId).sort());
    for (const s of window) assert.deepEqual(s.location, { kind: 'local', onServer: false });
    assert.equal((await account.sync()).downloaded, 0);
  });

  test("Dovecot's real CAPA (no LOGIN-DELAY): background checks log in every time, nothing is deferred", async () => {
    const { account } = await make('bob', { name: 'bob-background', leaveOnServer: true });
    // A separate data dir: this account's sync state is its own.
    for (let i = 0; i < 2; i++) {
      const result = await account.backgroundSync();
      assert.ok(!isCheckDeferred(result), 'not deferred');
      assert.equal((result as Pop3SyncResult).nextCheckAllowedAt, undefined);
      assert.equal(await account.nextCheckAt(), undefined);
    }
  });

  test('leaveOnServer: flags stay local; a local delete reaches the server only when asked', async () => {
    const { account } = await make('bob', { leaveOnServer: true, deleteOnServerWhenDeletedLocally: true });
    assert.equal((await account.sync()).downloaded, 5);
    assert.equal((await serverFiles(server, 'bob')).length, 5);
    const window = await account.fetchWindow('INBOX', 0, 10);
    assert.equal(window.length, 5);
    for (const s of window) assert.equal(s.location.kind === 'local' && s.location.onServer, true, JSON.stringify(s.location));

    await account.addFlags(
      'INBOX',
      window.map((s) => s.uid),
      ['\\Seen', '\\Flagged'],
    );
    assert.equal((await account.openFolder('INBOX')).unread, 0);
    // Dovecot's POP3 server sets \Seen itself on RETR, so only \Flagged tells whether we leaked a flag.
    const onServer = await serverFiles(server, 'bob');
    assert.equal(onServer.length, 5);
    for (const name of onServer) assert.doesNotMatch(name, /:2,[A-Za-z]*F/, 'the server was told about a local flag');

    await account.deleteMessages('INBOX', [window[0]!.uid]);
    await account.sync();
    assert.equal((await serverFiles(server, 'bob')).length, 4);
    const trash = await account.fetchWindow('Trash', 0, 10);
    assert.equal(trash.length, 1);
    assert.deepEqual(trash[0]?.location, { kind: 'local', onServer: false });
  });
});
