// What the screen says about the connection, against the real Dovecot: "connection … lost" leaves
// the status bar once the account is connected again; `$` after a refused login logs in again
// (and says so, or shows the refusal again), never "Checking for new mail…" with nothing behind
// it; an IMAP account pointed at the POP3 port names POP3; Dovecot's timing noise
// `(0.001 + 0.000 secs)` does not reach the status line.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { ImapAccount } from '../../src/accounts/imap/imap-account.js';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { mountUi } from '../unit/ui-harness.js';
import { accountConfig, appendMessages, makeAccount, otherDevice, type TestAccount } from './support/imap-fixtures.js';

const PATIENCE = 60_000;

/** The status bar: the frame's last non-empty line. */
const statusLine = (frame: string) =>
  frame
    .split('\n')
    .filter((l) => l.trim())
    .at(-1) ?? '';

describe('UI: connection words against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  let proxy: TcpProxy;
  const accounts: TestAccount[] = [];

  before(async () => {
    server = await startDovecot();
    device = await otherDevice(server);
    await appendMessages(device, 'INBOX', 3);
    proxy = await startTcpProxy(server.ports.imap);
  });

  after(async () => {
    for (const t of accounts) await t.dispose();
    await proxy?.stop();
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  test('"connection … lost" leaves the status bar after the reconnect', async () => {
    const t = await makeAccount(
      accountConfig(server, { name: 'alice', port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }),
      'alice-pw',
      undefined,
      { headerCache: false, reconnectMinDelayMs: 200, reconnectMaxDelayMs: 400 },
    );
    accounts.push(t);
    const ui = await mountUi([], { slots: [{ name: 'alice', protocol: 'imap', create: async () => t.account }] });
    try {
      await ui.waitFor((f) => f.includes('Message 3'), 'the INBOX list', PATIENCE);
      // The server stays out of reach until the outage has been on screen.
      proxy.hooks.onClientLine = () => 'cut';
      proxy.cutAll();
      await ui.waitFor(() => /connection to 127\.0\.0\.1:\d+ lost/.test(ui.controller.state.error ?? ''), 'the outage on the status line', PATIENCE);
      proxy.hooks.onClientLine = undefined;
      await ui.waitFor(() => ui.controller.state.accounts[0]?.status === 'connected', 'the reconnect', PATIENCE);
      const back = await ui.waitFor((f) => !/reconnecting/.test(statusLine(f)), 'the status bar after the reconnect', PATIENCE);
      assert.doesNotMatch(back, /lost/);
      assert.equal(ui.controller.state.info, 'alice: connected again');
      assert.match(statusLine(back), /alice: connected again/);
      assert.equal(ui.controller.state.error, undefined);
    } finally {
      await ui.done();
    }
  });

  test('$ after a refused login logs in again: the refusal again, then connected once the password is right', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tmail-relogin-'));
    let password = 'wrong-pw';
    let requests = 0;
    const account = new ImapAccount(
      accountConfig(server, { name: 'alice' }),
      {
        getPassword: async () => {
          requests++;
          return password;
        },
        dataDir: path.join(dir, 'data'),
      },
      { headerCache: false },
    );
    const ui = await mountUi([], { slots: [{ name: 'alice', protocol: 'imap', create: async () => account }] });
    try {
      const refused = (f: string) =>
        /^alice: .*(login|authentication|AUTHENTICATIONFAILED)/i.test(ui.controller.state.error ?? '') && /alice: /.test(statusLine(f));
      await ui.waitFor(refused, 'the refused login', PATIENCE);
      assert.equal(requests, 1);

      // Still wrong: `$` is a new login that fails again, not a check that never ends.
      await ui.press('$');
      await ui.waitFor(() => requests === 2, 'a second login', PATIENCE);
      await ui.waitFor((f) => refused(f) && ui.controller.state.accounts[0]?.status === 'error', 'the refusal again', PATIENCE);
      assert.doesNotMatch(ui.frame(), /Checking for new mail/);

      password = 'alice-pw';
      await ui.press('$');
      const connected = await ui.waitFor(
        (f) => f.includes('Message 3') && ui.controller.state.info === 'alice: connected' && /alice: connected/.test(statusLine(f)),
        'the login and the list',
        PATIENCE,
      );
      assert.equal(requests, 3);
      assert.doesNotMatch(connected, /Checking for new mail/);

      // Connected now: `$` is an ordinary check, and its words go away when it is done.
      await ui.press('$');
      await ui.waitFor(() => ui.controller.state.loading.length === 0 && ui.controller.state.current?.opened === true, 'the check', PATIENCE);
      assert.equal(requests, 3, 'no new login while connected');
    } finally {
      await ui.done();
      await account.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('POP3: $ after a refused login logs in again and downloads once the password is right', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tmail-pop3-relogin-'));
    let password = 'wrong-pw';
    let requests = 0;
    const account = new Pop3Account(
      { name: 'alice', protocol: 'pop3', host: server.host, port: server.ports.pop3s, security: 'tls', user: 'alice', ca: server.caFile },
      {
        dataDir: path.join(dir, 'data'),
        getPassword: async () => {
          requests++;
          return password;
        },
      },
    );
    const ui = await mountUi([], { slots: [{ name: 'alice', protocol: 'pop3', create: async () => account }] });
    try {
      const refused = () => /^alice download: .*login failed/.test(ui.controller.state.error ?? '');
      await ui.waitFor(refused, 'the refused login', PATIENCE);
      const first = requests;
      assert.ok(first >= 1);
      await ui.press('$');
      await ui.waitFor(() => requests > first && refused() && ui.controller.state.loading.length === 0, 'the refusal again', PATIENCE);
      assert.doesNotMatch(ui.frame(), /Checking for new mail/);

      password = 'alice-pw';
      await ui.press('$');
      await ui.waitFor((f) => /^alice: 3 downloaded/.test(ui.controller.state.info ?? '') && f.includes('Message 3'), 'the download after the login', PATIENCE);
      assert.equal(ui.controller.state.error, undefined);
    } finally {
      await ui.done();
      await account.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an IMAP account pointed at the POP3 port says on screen that it is a POP3 server', async () => {
    const t = await makeAccount(accountConfig(server, { name: 'alice', port: server.ports.pop3 }), 'alice-pw', undefined, { headerCache: false });
    accounts.push(t);
    const ui = await mountUi([], { slots: [{ name: 'alice', protocol: 'imap', create: async () => t.account }] });
    try {
      const f = await ui.waitFor((f) => /is a POP3 server/.test(f), 'the wrong-protocol message', PATIENCE);
      assert.match(ui.controller.state.error ?? '', new RegExp(`^alice: 127\\.0\\.0\\.1:${server.ports.pop3} is a POP3 server .*not IMAP: wrong port\\?`));
      assert.match(statusLine(f), /is a POP3 server/);
      assert.doesNotMatch(f, /no greeting in time/);
    } finally {
      await ui.done();
    }
  });

  test("the server's timing noise is not on the status line", async () => {
    const t = await makeAccount(accountConfig(server, { name: 'alice' }), 'alice-pw', undefined, { headerCache: false });
    accounts.push(t);
    const ui = await mountUi([], { slots: [{ name: 'alice', protocol: 'imap', create: async () => t.account }] });
    try {
      // INBOX may be empty by now (the POP3 test downloads and deletes): connected is enough.
      await ui.waitFor(() => ui.controller.state.current?.path === 'INBOX' && ui.controller.state.current.opened, 'the INBOX', PATIENCE);
      ui.controller.openFolder('alice', 'No such folder');
      const f = await ui.waitFor(
        (f) => /folder does not exist/.test(ui.controller.state.error ?? '') && /No such folder: /.test(statusLine(f)),
        'the failure',
        PATIENCE,
      );
      const error = ui.controller.state.error ?? '';
      assert.match(error, /Mailbox doesn't exist: No such folder/);
      assert.doesNotMatch(error, /secs|\d\.\d{3} \+/);
      assert.doesNotMatch(f, /secs\)/);
    } finally {
      await ui.done();
    }
  });
});
