// Folder names on a server whose personal namespace is "INBOX." with "." between levels (Courier
// and Cyrus style; here Dovecot configured so): the folder pane, the move picker, the status line
// and the CLI all say "Archive" and "Projects/2024", and `tmail list --folder Projects/2024` works.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { UiController } from '../../src/ui/state/controller.js';
import { folderRows } from '../../src/ui/state/folder-rows.js';
import { noLoader } from '../helpers/ui-controller.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { testContext } from '../unit/cli-context.js';
import { accountConfig, makeAccount } from './support/imap-fixtures.js';

describe('folder names with namespace prefix "INBOX." and separator "."', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let root: string;

  before(async () => {
    server = await startDovecot({ namespace: { separator: '.', prefix: 'INBOX.' } });
    const maildir = server.maildir('alice');
    await generateMaildir(maildir, { count: 3, seed: 1 });
    await generateMaildir(maildir, { count: 4, folder: 'Archive', seed: 2 });
    await generateMaildir(maildir, { count: 5, folder: 'Projects/2024', seed: 3 });
    await server.fixOwnership('alice');
    root = mkdtempSync(join(tmpdir(), 'tmail-folder-names-'));
  });
  after(async () => {
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('the backend reports server paths with their display form', async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      const folders = await t.account.listFolders();
      const byPath = new Map(folders.map((f) => [f.path, f]));
      assert.equal(byPath.get('INBOX.Archive')?.display, 'Archive');
      assert.equal(byPath.get('INBOX.Projects.2024')?.display, 'Projects/2024');
      assert.equal(byPath.get('INBOX.Projects.2024')?.total, 5);
      assert.equal(byPath.get('INBOX')?.display, undefined);
    } finally {
      await t.dispose();
    }
  });

  test('CLI: list --folder takes the display name (and the server path); folders shows the display tree', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: join(root, 'home'),
      TMAIL_CONFIG_DIR: join(root, 'config'),
      TMAIL_DATA_DIR: join(root, 'data'),
      PW: 'alice-pw',
    };
    mkdirSync(env.TMAIL_CONFIG_DIR, { recursive: true, mode: 0o700 });
    const account = {
      name: 'alice',
      protocol: 'imap',
      host: server.host,
      port: server.ports.imap,
      security: 'starttls',
      user: 'alice',
      ca: server.caFile,
      passwordEnv: 'PW',
    };
    writeFileSync(join(env.TMAIL_CONFIG_DIR, 'config.json'), JSON.stringify({ accounts: [account] }), { mode: 0o600 });
    const run = async (argv: string[]) => {
      const t = testContext(env);
      const code = await main(argv, t.ctx);
      return { code, stdout: t.stdout(), stderr: t.stderr() };
    };
    const byDisplay = await run(['list', '--folder', 'Projects/2024']);
    assert.equal(byDisplay.code, 0, byDisplay.stderr);
    assert.equal(byDisplay.stdout.trim().split('\n').length, 5);
    const byServer = await run(['list', '--folder', 'INBOX.Projects.2024']);
    assert.equal(byServer.stdout, byDisplay.stdout);
    const folders = await run(['folders']);
    assert.equal(folders.code, 0, folders.stderr);
    const lines = folders.stdout.split('\n');
    assert.ok(
      lines.some((l) => /^Archive\b.*\s4\s+4$/.test(l)),
      folders.stdout,
    );
    assert.ok(
      lines.some((l) => /^Projects\s/.test(l)),
      folders.stdout,
    );
    assert.ok(
      lines.some((l) => /^ {2}2024\s+5\s/.test(l)),
      folders.stdout,
    );
    const missing = await run(['list', '--folder', 'Nope/Not']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^tmail: .*folder does not exist/);
  });

  test('UI: folder pane, move picker, status and "Moved to" all use the display names', async () => {
    const t = await makeAccount(accountConfig(server));
    const c = new UiController({
      accounts: [{ name: 'alice', protocol: 'imap', create: async () => t.account }],
      keys: buildKeyTable(),
      loader: noLoader,
      cols: 120,
      rows: 30,
      onQuit: () => undefined,
      pollMs: 0,
    });
    const until = async (pred: () => boolean, what: string) => {
      const end = Date.now() + 10_000;
      while (!pred()) {
        if (Date.now() > end) throw new Error(`timed out: ${what}; error: ${c.state.error ?? '-'}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      c.start();
      await until(() => c.state.current?.opened === true && c.state.accounts[0]!.folders.length > 0 && c.rowAt(0) !== undefined, 'INBOX open');
      const rows = folderRows(c.state).filter((r) => r.kind === 'folder');
      const archive = rows.find((r) => r.folder?.path === 'INBOX.Archive');
      assert.equal(archive?.depth, 0, 'a namespace prefix is not a level');
      assert.equal(rows.find((r) => r.folder?.path === 'INBOX.Projects.2024')?.depth, 1);
      c.handleKey({ spec: 'm', text: 'm' });
      const overlay = c.state.overlay;
      assert.ok(overlay && overlay.kind === 'picker');
      const labels = overlay.items.map((i) => i.label);
      assert.ok(labels.includes('Archive') && labels.includes('Projects/2024'), labels.join(', '));
      assert.ok(!labels.some((l) => l.startsWith('INBOX.')), labels.join(', '));
      // Pick Archive and move.
      const target = overlay.items.findIndex((i) => i.label === 'Archive');
      for (let k = 0; k < target; k++) c.handleKey({ spec: 'down', text: '' });
      c.handleKey({ spec: 'enter', text: '' });
      await until(() => c.state.info === 'Moved to Archive', `"Moved to Archive" (info: ${c.state.info})`);
      c.openFolder('alice', 'INBOX.Projects.2024');
      await until(() => c.state.current?.opened === true && c.state.current.path === 'INBOX.Projects.2024', 'Projects/2024 open');
      const { statusText } = await import('../../src/ui/components/StatusBar.js');
      assert.match(statusText(c.state, 5, 120), /│ Projects\/2024 │/);
    } finally {
      await c.stop();
      await t.dispose();
    }
  });
});
