// The demo's IMAP account switched IMAP → POP3 → IMAP with the M key (through the controller):
// the demo's two services listen on different random ports, and the switch finds the other one
// in the account's "ports" — POP3 downloads the whole INBOX, IMAP then shows it emptied and the
// downloaded mail as "Demo (IMAP) · local cache".
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createAccount } from '../../src/accounts/index.js';
import { loadConfig } from '../../src/config/config.js';
import type { AccountConfig } from '../../src/config/types.js';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { accountSlots } from '../../src/ui/mode-switcher.js';
import { UiController } from '../../src/ui/state/controller.js';
import { noLoader, until } from '../helpers/ui-controller.js';
import { passwordCredentials } from '../../src/auth/credentials.js';

let demo: DemoServer;
let dir: string;
before(async () => {
  demo = await startDemoServer();
  dir = await mkdtemp(join(tmpdir(), 'tmail-demo-mode-'));
});
after(async () => {
  await demo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('demo account: M switches IMAP → POP3 → IMAP on the demo ports, and syncs', async () => {
  const env: NodeJS.ProcessEnv = { HOME: join(dir, 'home'), TMAIL_CONFIG_DIR: join(dir, 'config'), TMAIL_DATA_DIR: join(dir, 'data') };
  mkdirSync(env.TMAIL_CONFIG_DIR!, { recursive: true, mode: 0o700 });
  const imapAccount = demo.accounts()[0]!;
  assert.equal(imapAccount.protocol, 'imap');
  assert.notEqual(demo.imapPort, demo.pop3Port);
  writeFileSync(join(env.TMAIL_CONFIG_DIR!, 'config.json'), JSON.stringify({ accounts: [imapAccount] }), { mode: 0o600 });
  const ctx = { env };
  const saved = async () => (JSON.parse(await readFile(join(env.TMAIL_CONFIG_DIR!, 'config.json'), 'utf8')) as { accounts: AccountConfig[] }).accounts[0]!;
  const config = await loadConfig(ctx);
  const slots = accountSlots(ctx, config.accounts, [passwordCredentials(demo.credentials.user, async () => demo.credentials.password)], createAccount);
  const c = new UiController({ accounts: slots, keys: buildKeyTable(), loader: noLoader, cols: 100, rows: 30, onQuit: () => undefined, pollMs: 0 });
  const inboxTotal = () =>
    c.state.current?.account === imapAccount.name && c.state.current.path === 'INBOX' && c.state.current.opened ? c.state.current.total : -1;
  const press = (text: string) => c.handleKey({ spec: text, text });
  const name = imapAccount.name;
  c.start();
  try {
    await until(() => inboxTotal() > 0, 'the IMAP INBOX', c);
    const n = inboxTotal();

    press('M');
    let o = c.state.overlay;
    assert.ok(o?.kind === 'confirmMode');
    assert.match(o.text, new RegExp(`The port changes from ${demo.imapPort} to ${demo.pop3Port} \\(the POP3 port in "ports"`));
    press('y');
    await until(
      // The download's note comes before its end (the folder refresh, then `sync` cleared): M
      // pressed in between is answered "A download is running" instead of the question.
      () =>
        c.state.accounts[0]!.protocol === 'pop3' &&
        new RegExp(`${n} downloaded · server: `).test(c.state.info ?? '') &&
        inboxTotal() === n &&
        !c.state.accounts[0]!.sync,
      'the POP3 download',
      c,
    );
    assert.deepEqual([(await saved()).protocol, (await saved()).port], ['pop3', demo.pop3Port]);
    assert.equal(demo.store.folder('INBOX')!.messages.length, 0, 'POP3 took the INBOX off the demo server');

    press('M');
    o = c.state.overlay;
    assert.ok(o?.kind === 'confirmMode');
    assert.match(o.text, new RegExp(`The port changes from ${demo.pop3Port} to ${demo.imapPort}`));
    press('y');
    const cacheIndex = () => c.state.accounts.findIndex((a) => a.localCacheOf === imapAccount.name && !a.hidden);
    const cacheInbox = () => c.state.accounts[cacheIndex()]?.folders.find((f) => f.path === 'INBOX')?.total;
    await until(
      () => c.state.accounts[0]!.protocol === 'imap' && c.state.accounts[0]!.status === 'connected' && inboxTotal() === 0 && cacheInbox() === n,
      'IMAP again, INBOX empty, cache shown',
      c,
    );
    assert.equal(c.state.accounts[cacheIndex()]!.name, `${name} · local cache`);
    const back = await saved();
    assert.deepEqual([back.protocol, back.port, back.ports], ['imap', demo.imapPort, { imap: demo.imapPort, pop3: demo.pop3Port }]);
  } finally {
    await c.stop();
  }
});
