// The UI's POP3 checks against the real Dovecot:
// - a message delivered while tmail runs appears without a key press (the periodic check);
// - LOGIN-DELAY: Dovecot has none, so a proxy adds `LOGIN-DELAY 900` to its CAPA replies. The
//   whole path: the check at start logs in and downloads, the next check is planned for when the
//   server allows it (not the shorter interval), the status bar says when, and `$` before then
//   says so without connecting.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { Pop3Account } from '../../src/accounts/pop3/pop3-account.js';
import type { AccountConfig } from '../../src/config/types.js';
import { statusText } from '../../src/ui/components/StatusBar.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { clockText } from '../../src/ui/state/check-clock.js';
import { UiController } from '../../src/ui/state/controller.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { pop3LoginDelay, pop3RefuseLoginAsTooSoon, startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { noLoader, until } from '../helpers/ui-controller.js';
import { appendMessages, otherDevice } from './support/imap-fixtures.js';

describe('POP3 checks in the UI, against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let base: string;
  let proxy: TcpProxy;
  const devices: ImapFlow[] = [];
  const controllers: UiController[] = [];

  before(async () => {
    server = await startDovecot();
    base = await mkdtemp(join(tmpdir(), 'tmail-pop3ui-'));
    proxy = await startTcpProxy(server.ports.pop3, { onServerData: pop3LoginDelay(900) });
  });

  after(async () => {
    for (const c of controllers) await c.stop();
    for (const d of devices) await d.logout().catch(() => undefined);
    await proxy?.stop();
    await server?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  /** Another client of the same mailbox (IMAP), to deliver mail while tmail runs. */
  const deliverer = async (user: string) => {
    const d = await otherDevice(server, user, `${user}-pw`);
    devices.push(d);
    return d;
  };

  const run = (config: AccountConfig, checkIntervalMs: number) => {
    const account = new Pop3Account(config, { dataDir: join(base, config.name), getPassword: async () => `${config.user}-pw` });
    const c = new UiController({
      accounts: [{ name: config.name, protocol: 'pop3', create: async () => account, checkIntervalMs }],
      keys: buildKeyTable(),
      loader: noLoader,
      cols: 120,
      rows: 30,
      onQuit: () => undefined,
      pollMs: 0,
    });
    controllers.push(c);
    c.start();
    return { c, account };
  };

  test('a message delivered while tmail runs appears without a key press', async () => {
    const device = await deliverer('alice');
    await appendMessages(device, 'INBOX', 2);
    const { c } = run({ name: 'alice', protocol: 'pop3', host: server.host, port: server.ports.pop3s, security: 'tls', user: 'alice', ca: server.caFile }, 300);
    await until(() => c.state.current?.opened === true && c.state.current.total === 2, 'the first download', c);
    await appendMessages(device, 'INBOX', 1, 10);
    await until(() => c.state.current?.total === 3, 'the message delivered meanwhile', c);
    assert.match(c.state.info ?? '', /alice: 1 downloaded/);
    assert.equal(c.state.error, undefined);
  });

  test('LOGIN-DELAY 900 (added by the proxy): the next check waits for the server, the status bar says when, and $ does not log in', async () => {
    const device = await deliverer('bob');
    await appendMessages(device, 'INBOX', 1);
    const config: AccountConfig = {
      name: 'bob',
      protocol: 'pop3',
      host: '127.0.0.1',
      port: proxy.port,
      security: 'none',
      allowInsecureAuth: true,
      user: 'bob',
    };
    const { c, account } = run(config, 60_000);
    await until(() => c.state.accounts[0]?.nextCheckAt !== undefined, 'the check at start and the next one planned', c);
    assert.match(c.state.info ?? '', /bob: 1 downloaded/);
    assert.match(proxy.clientText(), /^CAPA\r$/m, 'the client asked for CAPA through the proxy');
    const allowed = await account.nextCheckAt();
    assert.ok(allowed, 'the account remembers the LOGIN-DELAY');
    const next = c.state.accounts[0]!.nextCheckAt!;
    assert.equal(next, allowed.getTime(), "planned for the server's time, not after the 1-minute interval");
    assert.match(statusText(c.state, 1, 120), new RegExp(`next check ${clockText(next)}`));

    const logins = proxy.connections;
    c.handleKey({ spec: '$', text: '$' });
    await until(() => /not checked, next allowed/.test(c.state.info ?? ''), 'the deferral note', c);
    assert.equal(c.state.info, `bob: not checked, next allowed at ${clockText(allowed)} (server's LOGIN-DELAY)`);
    assert.equal(proxy.connections, logins, 'no connection was made');
    assert.equal(c.state.error, undefined, 'not reported as a failure');
    assert.equal(c.state.accounts[0]!.nextCheckAt, allowed.getTime(), 'still planned for when the server allows it');
  });

  test('a login refused with [LOGIN-DELAY] at start: a deferral, not a failure; QUIT, never RSET, before the login', async () => {
    const capa = pop3LoginDelay(900);
    const refuse = pop3RefuseLoginAsTooSoon();
    const refusing = await startTcpProxy(server.ports.pop3, {
      onServerData: (chunk, conn) => {
        const pieces = capa(chunk, conn);
        return pieces === 'cut' ? pieces : pieces.flatMap((p) => refuse(p, conn) as Buffer[]);
      },
    });
    try {
      const config: AccountConfig = {
        name: 'carol',
        protocol: 'pop3',
        host: '127.0.0.1',
        port: refusing.port,
        security: 'none',
        allowInsecureAuth: true,
        user: 'bob',
      };
      const { c, account } = run(config, 60_000);
      await until(() => /next check allowed at/.test(c.state.info ?? ''), 'the deferral note at start', c);
      const allowed = await account.nextCheckAt();
      assert.ok(allowed, 'the refusal is remembered');
      assert.equal(c.state.info, `carol: next check allowed at ${clockText(allowed)} (server's LOGIN-DELAY)`);
      assert.equal(c.state.error, undefined, 'not reported as a wrong password or a failure');
      await until(() => c.state.accounts[0]?.nextCheckAt === allowed.getTime(), "the next check planned for the server's time", c);
      const after = refusing.clientText().split('\r\n');
      const pass = after.findIndex((l) => l.startsWith('PASS '));
      assert.ok(pass >= 0);
      const rest = after.slice(pass + 1).filter(Boolean);
      assert.ok(!rest.includes('RSET'), `no RSET in the AUTHORIZATION state: ${rest.join(' ')}`);
      assert.equal(rest.at(-1), 'QUIT');
      const logins = refusing.connections;
      c.handleKey({ spec: '$', text: '$' });
      await until(() => /not checked, next allowed/.test(c.state.info ?? ''), 'the $ note', c);
      assert.equal(refusing.connections, logins, '$ made no connection');
    } finally {
      await refusing.stop();
    }
  });
});
