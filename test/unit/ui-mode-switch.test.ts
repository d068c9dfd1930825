// The M key without a server: the confirmation, leave-on-server, cancel, a failed config write
// (nothing changes), and the replacement of the backend in place. The full round trip against
// Dovecot is test/integration/ui-mode-switch.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MailAccount } from '../../src/accounts/account.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import type { MessageLoader } from '../../src/ui/message-loader.js';
import { UiController, type AccountSlot, type ModeSwitcher } from '../../src/ui/state/controller.js';
import { folderRows } from '../../src/ui/state/folder-rows.js';
import { FakeAccount } from './ui-fake-account.js';

const noLoader: MessageLoader = {
  load: async () => {
    throw new Error('not used');
  },
  render: (t) => t.split('\n'),
  saveAttachment: async () => '',
};

const until = async (pred: () => boolean, what: string) => {
  const end = Date.now() + 5000;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

class Closable extends FakeAccount {
  closed = false;
  override async close(): Promise<void> {
    this.closed = true;
  }
}

function setup(opts: { failApply?: boolean } = {}) {
  const imap = new Closable({ name: 'work', protocol: 'imap', inboxSize: 30 });
  const pop3 = new Closable({ name: 'work', protocol: 'pop3', inboxSize: 7 });
  const cache = new Closable({ name: 'work · local cache', protocol: 'pop3', inboxSize: 5 });
  const applied: { target: string; leaveOnServer: boolean }[] = [];
  let hasCache = false;
  const mode: ModeSwitcher = {
    leaveOnServer: () => false,
    explain: (target, leave) => `to ${target}${leave ? ' (leave on server)' : ' (DELETED FROM THE SERVER)'}`,
    apply: async (target, leaveOnServer) => {
      if (opts.failApply) throw new Error('config.json: cannot write the config file: the disk is full');
      applied.push({ target, leaveOnServer });
      hasCache = true;
      return { protocol: target, create: async (): Promise<MailAccount> => (target === 'pop3' ? pop3 : imap) };
    },
    localCache: () => (hasCache ? { name: 'work · local cache', protocol: 'pop3', create: async () => cache } : undefined),
  };
  const slot: AccountSlot = { name: 'work', protocol: 'imap', create: async () => imap, mode };
  const c = new UiController({ accounts: [slot], keys: buildKeyTable(), loader: noLoader, cols: 100, rows: 30, onQuit: () => undefined, pollMs: 0 });
  const press = (text: string) => c.handleKey({ spec: text, text });
  const inbox = () => (c.state.current?.account === 'work' && c.state.current.opened ? c.state.current.total : -1);
  return { c, press, inbox, imap, pop3, cache, applied };
}

test('M asks first: the text comes from the switcher, l adds leave-on-server, anything else cancels', async () => {
  const { c, press, inbox, applied } = setup();
  c.start();
  await until(() => inbox() === 30, 'IMAP INBOX');
  press('M');
  let o = c.state.overlay;
  assert.ok(o?.kind === 'confirmMode');
  assert.equal(o.text, 'to pop3 (DELETED FROM THE SERVER)');
  press('l');
  o = c.state.overlay;
  assert.ok(o?.kind === 'confirmMode');
  assert.equal(o.leaveOnServer, true);
  assert.equal(o.text, 'to pop3 (leave on server)');
  press('n');
  assert.equal(c.state.overlay, undefined);
  assert.equal(c.state.info, 'Not switched');
  assert.deepEqual(applied, []);
  await c.stop();
});

test('switching replaces the backend in place; back to IMAP shows the local cache, to POP3 hides it', async () => {
  const { c, press, inbox, imap, pop3, cache, applied } = setup();
  c.start();
  await until(() => inbox() === 30, 'IMAP INBOX');
  press('M');
  press('y');
  await until(() => c.state.accounts[0]!.protocol === 'pop3' && inbox() === 7, 'POP3 INBOX');
  assert.deepEqual(applied, [{ target: 'pop3', leaveOnServer: false }]);
  assert.equal(imap.closed, true, 'the IMAP backend was closed');
  await until(() => pop3.syncCalls === 1, 'POP3 syncs on open');

  press('M');
  const o = c.state.overlay;
  assert.ok(o?.kind === 'confirmMode');
  assert.equal(o.target, 'imap');
  press('l'); // only meaningful towards POP3
  assert.equal((c.state.overlay as { leaveOnServer: boolean }).leaveOnServer, false);
  press('y');
  await until(() => c.state.accounts[0]!.protocol === 'imap' && inbox() === 30, 'IMAP again');
  await until(() => c.state.accounts[1]?.folders.some((f) => f.path === 'INBOX' && f.total === 5) === true, 'the local cache');
  assert.equal(pop3.closed, true);
  assert.equal(c.state.accounts[1]!.localCacheOf, 'work');
  assert.ok(folderRows(c.state).some((r) => r.account === 'work · local cache' && r.kind === 'account'));

  press('M');
  press('y');
  await until(() => c.state.accounts[0]!.protocol === 'pop3' && inbox() === 7, 'POP3 again');
  assert.equal(c.state.accounts[1]!.hidden, true);
  assert.equal(cache.closed, true, 'the cache view was closed');
  assert.ok(!folderRows(c.state).some((r) => r.account === 'work · local cache'), 'the folder pane no longer lists the cache');
  await c.stop();
});

test('a config that cannot be written: one clear error, the account stays as it was', async () => {
  const { c, press, inbox, imap } = setup({ failApply: true });
  c.start();
  await until(() => inbox() === 30, 'IMAP INBOX');
  press('M');
  press('y');
  await until(() => c.state.error !== undefined, 'the error');
  assert.equal(c.state.error, 'work: not switched: config.json: cannot write the config file: the disk is full');
  assert.equal(c.state.accounts[0]!.protocol, 'imap');
  assert.equal(imap.closed, false);
  assert.equal(inbox(), 30);
  await c.stop();
});

test('an account without a switcher: M names the CLI command', async () => {
  const acc = new FakeAccount({ name: 'plain', inboxSize: 3 });
  const c = new UiController({
    accounts: [{ name: 'plain', protocol: 'imap', create: async () => acc }],
    keys: buildKeyTable(),
    loader: noLoader,
    cols: 100,
    rows: 30,
    onQuit: () => undefined,
    pollMs: 0,
  });
  c.start();
  c.handleKey({ spec: 'M', text: 'M' });
  assert.equal(c.state.overlay, undefined);
  assert.match(c.state.info ?? '', /tmail account mode NAME pop3\|imap/);
  await c.stop();
});
