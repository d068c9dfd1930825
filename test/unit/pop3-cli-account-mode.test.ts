// `tmail account mode`: the explanation, the port switch, the confirmation, the config change.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { switchedPort } from '../../src/config/mode-switch.js';
import type { AccountConfig } from '../../src/config/types.js';
import { testContext } from './cli-context.js';

let dir: string;
let env: NodeJS.ProcessEnv;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tmail-mode-'));
  env = { HOME: dir, TMAIL_CONFIG_DIR: join(dir, 'config'), TMAIL_DATA_DIR: join(dir, 'data') };
});
after(async () => rm(dir, { recursive: true, force: true }));

async function writeAccounts(accounts: Partial<AccountConfig>[]) {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'config'), { recursive: true, mode: 0o700 });
  const full = accounts.map((a) => ({ protocol: 'imap', host: 'mail.example.org', port: 993, security: 'tls', user: 'me', passwordEnv: 'PW', ...a }));
  await writeFile(join(dir, 'config', 'config.json'), JSON.stringify({ accounts: full }), { mode: 0o600 });
}
const readAccounts = async () => (JSON.parse(await readFile(join(dir, 'config', 'config.json'), 'utf8')) as { accounts: AccountConfig[] }).accounts;

test('switchedPort: default ports follow the protocol, custom ports stay', () => {
  const a = (protocol: 'imap' | 'pop3', port: number, security: 'tls' | 'starttls' | 'none') =>
    ({ name: 'x', protocol, port, security, host: 'h', user: 'u' }) as AccountConfig;
  assert.equal(switchedPort(a('imap', 993, 'tls'), 'pop3'), 995);
  assert.equal(switchedPort(a('imap', 143, 'starttls'), 'pop3'), 110);
  assert.equal(switchedPort(a('pop3', 995, 'tls'), 'imap'), 993);
  assert.equal(switchedPort(a('imap', 10993, 'tls'), 'pop3'), 10993);
});

test('IMAP → POP3 explains the server deletion, offers --leave-on-server, and needs --yes without a terminal', async () => {
  await writeAccounts([{ name: 'work' }]);
  const t = testContext(env);
  assert.equal(await main(['account', 'mode', 'work', 'pop3'], t.ctx), 2);
  assert.match(t.stdout(), /DELETED\s+FROM\s+THE\s+SERVER/);
  assert.match(t.stdout(), /--leave-on-server/);
  assert.match(t.stderr(), /add --yes/);
  assert.equal((await readAccounts())[0]!.protocol, 'imap', 'nothing changed without confirmation');

  const y = testContext(env);
  assert.equal(await main(['account', 'mode', 'work', 'pop3', '--yes'], y.ctx), 0);
  const [acc] = await readAccounts();
  assert.deepEqual([acc!.protocol, acc!.port, acc!.leaveOnServer], ['pop3', 995, undefined]);
  assert.match(y.stdout(), /now uses POP3 on port 995/);
});

test('--leave-on-server is saved and the explanation says the server copies stay', async () => {
  await writeAccounts([{ name: 'keep' }]);
  const t = testContext(env);
  assert.equal(await main(['account', 'mode', 'keep', 'pop3', '--leave-on-server', '-y'], t.ctx), 0);
  assert.match(t.stdout(), /stay\s+on\s+the\s+server/);
  const [acc] = await readAccounts();
  assert.deepEqual([acc!.protocol, acc!.leaveOnServer], ['pop3', true]);
});

test('POP3 → IMAP says the local cache stays on disk; answering no on a terminal changes nothing', async () => {
  await writeAccounts([{ name: 'home', protocol: 'pop3', port: 995 }]);
  const no = testContext(env, { input: 'no\n' });
  (no.ctx.stdin as { isTTY?: boolean }).isTTY = true;
  assert.equal(await main(['account', 'mode', 'home', 'imap'], no.ctx), 1);
  assert.match(no.stdout(), /local copies\s+stay\s+on\s+disk/);
  assert.equal((await readAccounts())[0]!.protocol, 'pop3');
  const yes = testContext(env, { input: 'yes\n' });
  (yes.ctx.stdin as { isTTY?: boolean }).isTTY = true;
  assert.equal(await main(['account', 'mode', 'home', 'imap'], yes.ctx), 0);
  assert.deepEqual([(await readAccounts())[0]!.protocol, (await readAccounts())[0]!.port], ['imap', 993]);
});

test('bad arguments are usage errors; the same mode is a no-op', async () => {
  await writeAccounts([{ name: 'work' }]);
  const bad = testContext(env);
  assert.equal(await main(['account', 'mode', 'work', 'smtp'], bad.ctx), 2);
  assert.match(bad.stderr(), /pop3 or imap/);
  const same = testContext(env);
  assert.equal(await main(['account', 'mode', 'work', 'imap'], same.ctx), 0);
  assert.match(same.stdout(), /already uses IMAP/);
});

test('tmail sync refuses an IMAP account with a clear message and says when there is no POP3 account', async () => {
  await writeAccounts([{ name: 'work' }]);
  const one = testContext(env);
  assert.equal(await main(['sync', '--account', 'work'], one.ctx), 2);
  assert.match(one.stderr(), /uses IMAP.*nothing to download/);
  const all = testContext(env);
  assert.equal(await main(['sync'], all.ctx), 0);
  assert.match(all.stdout(), /No POP3 accounts/);
});

test('a custom port cannot follow the protocol: the explanation says it stays and where to change it', async () => {
  await writeAccounts([{ name: 'custom', port: 10993 }]);
  const t = testContext(env);
  assert.equal(await main(['account', 'mode', 'custom', 'pop3', '--yes'], t.ctx), 0);
  assert.match(
    t.stdout(),
    /The port stays 10993 \(not a standard port\)\.\s+If\s+the\s+server's\s+POP3\s+service\s+listens\s+on\s+another\s+port,\s+change\s+"port"\s+in\s+config\.json\./,
  );
  assert.equal((await readAccounts())[0]!.port, 10993);
});
