// `tmail sync` end to end against Dovecot: progress line on a TTY, one summary line per account,
// exit 1 (with one clear line, no stack) when an account fails while the others still sync;
// and the switch IMAP → POP3 → IMAP through `tmail account mode` loses nothing.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { Maildir } from '../../src/store/maildir.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { assertExactly, serverCount, snapshot } from '../helpers/pop3-sync-fixtures.js';
import { testContext } from '../unit/cli-context.js';

describe('tmail sync against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let dir: string;
  before(async () => {
    server = await startDovecot({
      users: [
        { user: 'one', password: 'one-pw' },
        { user: 'two', password: 'two-pw' },
        { user: 'sw', password: 'sw-pw' },
      ],
    });
    dir = await mkdtemp(join(tmpdir(), 'tmail-cli-sync-'));
  });
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const envWith = (name: string, accounts: Record<string, unknown>[]): NodeJS.ProcessEnv => {
    const env = {
      PATH: process.env.PATH,
      HOME: join(dir, name, 'home'),
      TMAIL_CONFIG_DIR: join(dir, name, 'config'),
      TMAIL_DATA_DIR: join(dir, name, 'data'),
      ONE_PW: 'one-pw',
      TWO_PW: 'two-pw',
      SW_PW: 'sw-pw',
    };
    mkdirSync(env.TMAIL_CONFIG_DIR, { recursive: true, mode: 0o700 });
    writeFileSync(join(env.TMAIL_CONFIG_DIR, 'config.json'), JSON.stringify({ accounts }), { mode: 0o600 });
    return env;
  };
  const account = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    protocol: 'pop3',
    host: server.host,
    port: server.ports.pop3s,
    security: 'tls',
    user: name,
    ca: server.caFile,
    passwordEnv: `${name.toUpperCase()}_PW`,
    ...extra,
  });

  test('all POP3 accounts: progress on a TTY, a summary each, exit 1 when one fails', async () => {
    await generateMaildir(server.maildir('one'), { count: 30, seed: 3 });
    await server.fixOwnership('one');
    const env = envWith('multi', [
      account('one'),
      account('two', { passwordEnv: 'NOT_SET' }),
      { ...account('imapacct'), protocol: 'imap', port: server.ports.imaps },
    ]);
    const t = testContext(env, { columns: 100 });
    assert.equal(await main(['sync'], t.ctx), 1);
    assert.match(t.stdout(), /\r\u001b\[Kone: \d+\/30 messages, [\d.]+ KB, [\d.]+ msg\/s/);
    assert.match(t.stdout(), /one: 30 new \([\d.]+ KB\), 30 deleted on the server, 0 kept on the server in [\d.]+ s\n/);
    assert.match(t.stderr(), /^tmail: two: sync failed: .*NOT_SET.*\n$/);
    assert.doesNotMatch(t.stderr(), /at .*\.ts:\d+/);
    assert.equal(await serverCount(server, 'one', 'one-pw'), 0);

    const quiet = testContext(env);
    assert.equal(await main(['sync', '--account', 'one'], quiet.ctx), 0);
    assert.equal(quiet.stdout(), quiet.stdout().replace(/\r/g, ''), 'no progress redraws when stdout is not a TTY');
    assert.match(quiet.stdout(), /^one: 0 new/);
  });

  test('IMAP → POP3 → IMAP → POP3 with tmail account mode: every message ends up exactly once', async () => {
    const first = await snapshot((await generateMaildir(server.maildir('sw'), { count: 20, seed: 9 })).messages!);
    await server.fixOwnership('sw');
    const env = envWith('switch', [{ ...account('sw'), protocol: 'imap', port: 993, security: 'tls' }]);
    // The account uses the default IMAP port; switching moves it to the POP3 default, so point it
    // back at the test server's port afterwards (as a user with a custom port would have it).
    const mode = async (m: string, extra: string[] = []) => {
      const t = testContext(env);
      assert.equal(await main(['account', 'mode', 'sw', m, '--yes', ...extra], t.ctx), 0, t.stderr());
      return t.stdout();
    };
    assert.match(await mode('pop3', ['--leave-on-server']), /stay\s+on\s+the\s+server/);
    const { updateAccount } = await import('../../src/config/config.js');
    await updateAccount({ env }, 'sw', { port: server.ports.pop3s });
    const s1 = testContext(env);
    assert.equal(await main(['sync'], s1.ctx), 0, s1.stderr());
    assert.equal(await serverCount(server, 'sw', 'sw-pw'), 20, 'leave-on-server kept them');
    assert.match(await mode('imap'), /local copies\s+stay\s+on\s+disk/);
    const second = await snapshot((await generateMaildir(server.maildir('sw'), { count: 5, seed: 9, firstIndex: 20 })).messages!);
    await server.fixOwnership('sw');
    await updateAccount({ env }, 'sw', { leaveOnServer: undefined });
    await mode('pop3');
    const s2 = testContext(env);
    assert.equal(await main(['sync'], s2.ctx), 0, s2.stderr());
    assert.match(s2.stdout(), /sw: 5 new .*, 25 deleted on the server/);
    const maildir = new Maildir(join(env.TMAIL_DATA_DIR!, 'accounts', 'sw', 'Maildir'));
    await assertExactly(maildir, new Map([...first, ...second]));
    assert.equal(await serverCount(server, 'sw', 'sw-pw'), 0);
  });
});
