// Acceptance of issue 5: sync 10,000 generated messages; the Maildir holds exactly those (Message-ID
// and bytes identical to what the generator wrote, dot lines included), with the terminators of the
// first replies split across packets by a proxy; the server is empty; a second sync downloads 0.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { syncMailbox } from '../../src/accounts/pop3/sync.js';
import { Maildir } from '../../src/store/maildir.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { assertExactly, pop3Config, serverCount, snapshot } from '../helpers/pop3-sync-fixtures.js';
import { splitTerminators, startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const COUNT = 10_000;
const SPLIT_REPLIES = 40;

describe('POP3 sync of 10,000 messages', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let proxy: TcpProxy;
  let base: string;
  before(async () => {
    server = await startDovecot({ users: [{ user: 'big', password: 'big-pw' }] });
    proxy = await startTcpProxy({ host: server.host, port: server.ports.pop3 });
    base = await mkdtemp(join(tmpdir(), 'tmail-pop3-10k-'));
  });
  after(async () => {
    await proxy?.stop();
    await server?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  test('exact Maildir, split terminators survived, server empty, second sync downloads 0', async () => {
    const { messages } = await generateMaildir(server.maildir('big'), { count: COUNT, seed: 5 });
    await server.fixOwnership('big');
    const expected = await snapshot(messages!);
    assert.ok(
      [...expected.values()].some((b) => b.includes('\n.\n')),
      'some messages have a line that is a lone dot',
    );

    let splitsLeft = SPLIT_REPLIES;
    let splitSeen = 0;
    proxy.hooks.onServerData = (chunk, conn) => {
      if (splitsLeft <= 0 || !conn.commands.some((c) => c.startsWith('RETR'))) return [chunk];
      const pieces = splitTerminators(chunk);
      splitsLeft -= pieces.length - 1;
      splitSeen += pieces.length - 1;
      return pieces;
    };
    const config = pop3Config(server, 'big', { port: proxy.port, security: 'none', allowInsecureAuth: true });
    const maildir = new Maildir(join(base, 'Maildir'));
    const statePath = join(base, 'pop3-state.json');
    const result = await syncMailbox({ config, getPassword: async () => 'big-pw', maildir, statePath });
    assert.ok(splitSeen >= SPLIT_REPLIES, `terminators split across packets: ${splitSeen}`);
    assert.equal(result.downloaded, COUNT);
    assert.equal(result.deletedOnServer, COUNT);
    await assertExactly(maildir, expected);
    assert.equal(await serverCount(server, 'big', 'big-pw'), 0);
    assert.equal((await syncMailbox({ config, getPassword: async () => 'big-pw', maildir, statePath })).downloaded, 0);
  });
});
