// Switching an account IMAP → POP3 → IMAP → POP3 from the UI (the M key, driven through the
// controller) against the private Dovecot: config.json changes as with `tmail account mode`, the
// backend is replaced in place, POP3 syncs on open, the POP3 cache stays browsable as
// "<account> · local cache" while the account uses IMAP, and every message ends up exactly once.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAccount } from '../../src/accounts/index.js';
import { loadConfig, updateAccount } from '../../src/config/config.js';
import type { AccountConfig } from '../../src/config/types.js';
import { Maildir } from '../../src/store/maildir.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { accountSlots } from '../../src/ui/mode-switcher.js';
import { UiController } from '../../src/ui/state/controller.js';
import { folderRows } from '../../src/ui/state/folder-rows.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { assertExactly, serverCount, snapshot } from '../helpers/pop3-sync-fixtures.js';
import { noLoader, until } from '../helpers/ui-controller.js';
import { passwordCredentials } from '../../src/auth/credentials.js';

describe('UI: switching IMAP ↔ POP3 with the M key', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let dir: string;
  before(async () => {
    server = await startDovecot({ users: [{ user: 'sw', password: 'sw-pw' }] });
    dir = await mkdtemp(join(tmpdir(), 'tmail-ui-mode-'));
  });
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('IMAP → POP3 → IMAP → POP3: config follows, local cache shown while on IMAP, nothing lost or doubled', async () => {
    const first = await snapshot((await generateMaildir(server.maildir('sw'), { count: 12, seed: 21 })).messages!);
    await server.fixOwnership('sw');
    const env: NodeJS.ProcessEnv = { HOME: join(dir, 'home'), TMAIL_CONFIG_DIR: join(dir, 'config'), TMAIL_DATA_DIR: join(dir, 'data') };
    mkdirSync(env.TMAIL_CONFIG_DIR!, { recursive: true, mode: 0o700 });
    const account = {
      name: 'sw',
      protocol: 'imap',
      host: server.host,
      port: server.ports.imaps,
      security: 'tls',
      user: 'sw',
      ca: server.caFile,
      passwordEnv: 'SW_PW',
    };
    writeFileSync(join(env.TMAIL_CONFIG_DIR!, 'config.json'), JSON.stringify({ accounts: [account] }), { mode: 0o600 });
    const ctx = { env };
    const configFile = async () =>
      (JSON.parse(await readFile(join(env.TMAIL_CONFIG_DIR!, 'config.json'), 'utf8')) as { accounts: AccountConfig[] }).accounts[0]!;

    const config = await loadConfig(ctx);
    const slots = accountSlots(ctx, config.accounts, [passwordCredentials('sw', async () => 'sw-pw')], createAccount);
    // The test server listens on non-default ports, which a switch keeps as they are (a custom
    // port is not the other protocol's default); point the account at the right one, as a user
    // with custom ports would, before the new backend opens.
    const mode = slots[0]!.mode!;
    const apply = mode.apply.bind(mode);
    mode.apply = async (target, leaveOnServer) => {
      await apply(target, leaveOnServer);
      const fixed = await updateAccount(ctx, 'sw', { port: target === 'pop3' ? server.ports.pop3s : server.ports.imaps });
      config.accounts[0] = fixed;
      return {
        protocol: fixed.protocol,
        create: () => createAccount(fixed, { getPassword: async () => 'sw-pw', dataDir: join(env.TMAIL_DATA_DIR!, 'accounts', 'sw') }),
      };
    };
    const c = new UiController({ accounts: slots, keys: buildKeyTable(), loader: noLoader, cols: 100, rows: 30, onQuit: () => undefined, pollMs: 0 });
    const inboxTotal = () => (c.state.current?.account === 'sw' && c.state.current.path === 'INBOX' && c.state.current.opened ? c.state.current.total : -1);
    const press = (text: string) => c.handleKey({ spec: text, text });
    c.start();
    try {
      await until(() => inboxTotal() === 12, 'the IMAP INBOX', c);
      assert.equal(c.state.accounts.length, 1, 'no local cache before anything was downloaded');

      // IMAP → POP3: the confirmation says the server copies go, and how to keep them.
      press('M');
      let o = c.state.overlay;
      assert.equal(o?.kind, 'confirmMode');
      assert.ok(o?.kind === 'confirmMode');
      assert.equal(o.target, 'pop3');
      assert.match(o.text, /DELETED FROM THE SERVER/);
      assert.match(o.text, /Press l to keep the server copies/);
      press('y');
      await until(
        () => c.state.accounts[0]!.protocol === 'pop3' && /sw: 12 downloaded · server: /.test(c.state.info ?? '') && inboxTotal() === 12,
        'the first POP3 sync',
        c,
      );
      assert.equal((await configFile()).protocol, 'pop3');
      assert.equal(await serverCount(server, 'sw', 'sw-pw'), 0, 'downloaded and deleted on the server');

      // New mail reaches the server; POP3 → IMAP shows the server again, the cache as its own group.
      const second = await snapshot((await generateMaildir(server.maildir('sw'), { count: 5, seed: 21, firstIndex: 12 })).messages!);
      await server.fixOwnership('sw');
      press('M');
      o = c.state.overlay;
      assert.ok(o?.kind === 'confirmMode');
      assert.equal(o.target, 'imap');
      assert.match(o.text, /Their local copies stay on disk/);
      press('y');
      const cacheIndex = () => c.state.accounts.findIndex((a) => a.localCacheOf === 'sw' && !a.hidden);
      const cacheInbox = () => c.state.accounts[cacheIndex()]?.folders.find((f) => f.path === 'INBOX')?.total;
      await until(() => c.state.accounts[0]!.protocol === 'imap' && inboxTotal() === 5 && cacheInbox() === 12, 'IMAP again, with the local cache', c);
      assert.equal((await configFile()).protocol, 'imap');
      assert.equal(c.state.accounts[cacheIndex()]!.name, 'sw · local cache');
      assert.ok(
        folderRows(c.state).some((r) => r.account === c.state.accounts[cacheIndex()]?.id && r.folder?.path === 'INBOX'),
        'the folder pane lists the cache',
      );

      // IMAP → POP3 again, this time keeping the server copies (l in the dialog).
      press('M');
      press('l');
      o = c.state.overlay;
      assert.ok(o?.kind === 'confirmMode');
      assert.equal(o.leaveOnServer, true);
      assert.match(o.text, /stay on the server/);
      press('y');
      await until(
        () => c.state.accounts[0]!.protocol === 'pop3' && /sw: 5 downloaded · server: /.test(c.state.info ?? '') && inboxTotal() === 17,
        'the second POP3 sync',
        c,
      );
      assert.equal(cacheIndex(), -1, 'the local cache group is gone: the account itself shows it');
      assert.ok(!folderRows(c.state).some((r) => c.state.accounts.find((a) => a.id === r.account)!.localCacheOf !== undefined));
      const saved = await configFile();
      assert.equal(saved.protocol, 'pop3');
      assert.equal(saved.leaveOnServer, true);
      assert.equal(await serverCount(server, 'sw', 'sw-pw'), 5, 'leave-on-server kept them');
      await assertExactly(new Maildir(join(env.TMAIL_DATA_DIR!, 'accounts', 'sw', 'Maildir')), new Map([...first, ...second]));
    } finally {
      await c.stop();
    }
  });
});
