// `tmail account login / logout` and the OAuth2 offer of `tmail account add`, run in-process as a
// user would type them, against a real authorization server on 127.0.0.1.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { TOKEN_FILE } from '../../src/auth/oauth2/token-store.js';
import { approveInBrowser, startOAuthServer, TestBrowser, type OAuthServer } from '../helpers/oauth-server.js';
import { testContext } from '../unit/cli-context.js';

let server: OAuthServer;
const dir = mkdtempSync(join(tmpdir(), 'tmail-oauth2-cli-'));
const env = { HOME: join(dir, 'home'), TMAIL_CONFIG_DIR: join(dir, 'config'), TMAIL_DATA_DIR: join(dir, 'data'), PATH: process.env.PATH };
const tokenFile = join(env.TMAIL_DATA_DIR, 'accounts', 'work', TOKEN_FILE);

before(async () => {
  server = await startOAuthServer();
  mkdirSync(env.TMAIL_CONFIG_DIR, { recursive: true });
  const account = (name: string, auth?: object) => ({
    name,
    protocol: 'imap',
    host: '127.0.0.1',
    port: 993,
    security: 'tls',
    user: 'user@example.test',
    ...(auth ? { auth } : {}),
  });
  const config = {
    accounts: [
      account('work', {
        method: 'oauth2',
        clientId: server.clientId,
        authorizationEndpoint: server.authorizationEndpoint,
        tokenEndpoint: server.tokenEndpoint,
        scope: server.scope,
      }),
      account('plain'),
    ],
  };
  writeFileSync(join(env.TMAIL_CONFIG_DIR, 'config.json'), JSON.stringify(config));
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => RegExpExecArray | null): Promise<RegExpExecArray> {
  for (;;) {
    const m = check();
    if (m) return m;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('tmail account login / logout', { timeout: 60_000 }, () => {
  test('login over SSH: prints the address, takes the pasted address, stores the tokens 0600; logout deletes them', async () => {
    const t = testContext(env);
    const exit = main(['account', 'login', 'work'], t.ctx);
    const authUrl = (await until(() => /^ {2}(http\S+)$/m.exec(t.stdout())))[1]!;
    await until(() => /paste it here/.exec(t.stdout()));
    const { finalUrl } = await approveInBrowser(new TestBrowser(), authUrl, { issuer: server.issuer, stopAtRedirect: true });
    t.stdin.write(`${finalUrl}\n`);
    assert.equal(await exit, 0, t.stderr());
    assert.match(t.stdout(), /Signed in to account work\. The tokens are stored in .*oauth2-tokens\.json \(readable only by you\)/);
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(tokenFile, 'utf8')) as { accessToken: string; refreshToken: string };
    assert.ok(!t.stdout().includes(stored.accessToken) && !t.stdout().includes(stored.refreshToken), 'no token on screen');
    // config.json holds no token.
    assert.ok(!readFileSync(join(env.TMAIL_CONFIG_DIR, 'config.json'), 'utf8').includes(stored.accessToken));

    const out = testContext(env);
    assert.equal(await main(['account', 'logout', 'work'], out.ctx), 0);
    assert.match(out.stdout(), /Signed out of account work: deleted .*oauth2-tokens\.json/);
    assert.equal(existsSync(tokenFile), false);
    const again = testContext(env);
    assert.equal(await main(['account', 'logout', 'work'], again.ctx), 0);
    assert.match(again.stdout(), /had no stored tokens; nothing to delete/);
  });

  test('--device for a provider without a device endpoint: one clear line', async () => {
    const t = testContext(env);
    assert.equal(await main(['account', 'login', 'work', '--device'], t.ctx), 1);
    assert.equal(
      t.stderr(),
      'tmail: account work: no device sign-in for this provider (set "deviceAuthorizationEndpoint" in the account\'s "auth" block, or leave out --device)\n',
    );
  });

  test('a password account: says how to configure OAuth2', async () => {
    const t = testContext(env);
    assert.equal(await main(['account', 'login', 'plain'], t.ctx), 2);
    assert.match(t.stderr(), /account plain signs in with a password; OAuth2 needs "auth"/);
  });
});

describe('tmail account add offers OAuth2 for Google and Microsoft addresses', { timeout: 60_000 }, () => {
  test('a gmail.com address: OAuth2 with the google preset, no password questions', async () => {
    const addEnv = { ...env, TMAIL_CONFIG_DIR: join(dir, 'config-add') };
    const input = [
      'someone@gmail.com',
      'imap',
      'yes',
      'my-client.apps.googleusercontent.com',
      'pass show tmail/google-secret',
      '',
      '',
      'yes',
      '',
      '',
      '',
      '',
    ].join('\n');
    const t = testContext(addEnv, { input: `${input}\n` });
    assert.equal(await main(['account', 'add', '--no-test', '--no-lookup'], t.ctx), 0, t.stderr());
    assert.match(t.stdout(), /someone@gmail\.com is at Google, which signs in with OAuth2/);
    assert.doesNotMatch(t.stdout(), /Where does the password come from/);
    const saved = JSON.parse(readFileSync(join(addEnv.TMAIL_CONFIG_DIR, 'config.json'), 'utf8')) as { accounts: Array<Record<string, unknown>> };
    assert.deepEqual(saved.accounts[0], {
      name: 'someone@gmail.com',
      protocol: 'imap',
      host: 'imap.gmail.com',
      port: 993,
      security: 'tls',
      user: 'someone@gmail.com',
      email: 'someone@gmail.com',
      auth: { method: 'oauth2', provider: 'google', clientId: 'my-client.apps.googleusercontent.com', clientSecretCommand: 'pass show tmail/google-secret' },
      smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
    });
  });

  test('an outlook.com address, declined: the password questions as before', async () => {
    const addEnv = { ...env, TMAIL_CONFIG_DIR: join(dir, 'config-add-2') };
    const input = ['someone@outlook.com', 'imap', 'no', '', '', '', '', '2', 'MAIL_PW', '', 'no', ''].join('\n');
    const t = testContext(addEnv, { input: `${input}\n` });
    assert.equal(await main(['account', 'add', '--no-test', '--no-lookup'], t.ctx), 0, t.stderr());
    assert.match(t.stdout(), /is at Microsoft/);
    const saved = JSON.parse(readFileSync(join(addEnv.TMAIL_CONFIG_DIR, 'config.json'), 'utf8')) as { accounts: Array<Record<string, unknown>> };
    assert.equal(saved.accounts[0]!.passwordEnv, 'MAIL_PW');
    assert.equal(saved.accounts[0]!.auth, undefined);
  });
});
