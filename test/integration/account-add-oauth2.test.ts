// `tmail account add` and OAuth2 with real parts on 127.0.0.1: a Dovecot that offers only OAuth2
// mechanisms (its oauth2 passdb asks the test's introspection endpoint) is noticed before any
// password question, and the account it saves signs in; a domain whose MX records point at
// Microsoft 365 or Google Workspace (answered by a local DNS server) gets the provider's OAuth2
// preset.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { probeSaslMechanisms } from '../../src/accounts/sign-in-probe.js';
import { accountCredentials } from '../../src/auth/provider.js';
import { offersOnlyOAuth2 } from '../../src/auth/sasl.js';
import { main } from '../../src/cli/main.js';
import { testLogin } from '../../src/cli/login-test.js';
import type { AccountConfig } from '../../src/config/types.js';
import { discover } from '../../src/discovery/discover.js';
import { lookupVia } from '../../src/discovery/deps-from-env.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startIntrospectionServer, type IntrospectionServer } from '../helpers/introspection-server.js';
import { testContext } from '../unit/cli-context.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('account add: OAuth2-only servers and hosted domains', dovecotTestOptions(), () => {
  let oauth: IntrospectionServer;
  let oauthOnly: DovecotServer;
  let passwords: DovecotServer;
  let dns: TestDnsServer;
  let root: string;
  let n = 0;

  before(async () => {
    oauth = await startIntrospectionServer();
    [oauthOnly, passwords] = await Promise.all([startDovecot({ oauth2: { introspectionUrl: oauth.url, only: true } }), startDovecot()]);
    dns = await startDnsServer({
      MX: {
        'contoso.test': [{ exchange: 'contoso-test.mail.protection.outlook.com', priority: 0 }],
        'workspace.test': [{ exchange: 'smtp.google.com', priority: 1 }],
        'oldworkspace.test': [
          { exchange: 'aspmx.l.google.com', priority: 1 },
          { exchange: 'alt1.aspmx.l.google.com', priority: 5 },
        ],
        'selfhosted.test': [{ exchange: 'mx.selfhosted.test', priority: 10 }],
      },
    });
    root = mkdtempSync(join(tmpdir(), 'tmail-add-oauth2-'));
  });

  after(async () => {
    await Promise.all([oauthOnly?.stop(), passwords?.stop(), dns?.close(), oauth?.close()]);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function env(): NodeJS.ProcessEnv {
    const dir = join(root, `case${++n}`);
    return {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      TMAIL_CONFIG_DIR: join(dir, 'config'),
      TMAIL_DATA_DIR: join(dir, 'data'),
      TMAIL_DNS_SERVER: dns.address,
    };
  }
  /** The real CLI in its own process, answers on stdin; the test CA trusted like a public one (the probe runs before the CA question). */
  async function accountAdd(e: NodeJS.ProcessEnv, answers: string[]) {
    const main = pathToFileURL(join(repo, 'src/cli/main.ts')).href;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(main)}); await m.runCli(['account', 'add', '--no-lookup', 'alice@example.test']);`,
      ],
      { cwd: repo, env: { ...e, NODE_EXTRA_CA_CERTS: oauthOnly.caFile }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(`${answers.join('\n')}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stdout, stderr };
  }
  const saved = (e: NodeJS.ProcessEnv) =>
    (JSON.parse(readFileSync(join(e.TMAIL_CONFIG_DIR!, 'config.json'), 'utf8')) as { accounts: AccountConfig[] }).accounts;

  test('the probe reads AUTH= and SASL without logging in, over verified TLS (implicit and STARTTLS)', async () => {
    const base = { host: oauthOnly.host, ca: oauthOnly.caFile };
    assert.deepEqual(await probeSaslMechanisms({ ...base, protocol: 'imap', port: oauthOnly.ports.imaps, security: 'tls' }), ['OAUTHBEARER', 'XOAUTH2']);
    assert.deepEqual(await probeSaslMechanisms({ ...base, protocol: 'imap', port: oauthOnly.ports.imap, security: 'starttls' }), ['OAUTHBEARER', 'XOAUTH2']);
    assert.deepEqual(await probeSaslMechanisms({ ...base, protocol: 'pop3', port: oauthOnly.ports.pop3s, security: 'tls' }), ['OAUTHBEARER', 'XOAUTH2']);
    assert.deepEqual(await probeSaslMechanisms({ ...base, protocol: 'pop3', port: oauthOnly.ports.pop3, security: 'starttls' }), ['OAUTHBEARER', 'XOAUTH2']);
    const plain = await probeSaslMechanisms({ protocol: 'imap', host: passwords.host, port: passwords.ports.imaps, security: 'tls', ca: passwords.caFile });
    assert.deepEqual(plain, ['PLAIN', 'LOGIN']);
    assert.equal(offersOnlyOAuth2(plain!), false);
    // Certificates are verified: without the test CA the probe learns nothing.
    assert.equal(await probeSaslMechanisms({ protocol: 'imap', host: oauthOnly.host, port: oauthOnly.ports.imaps, security: 'tls' }), undefined);
    assert.ok(!oauth.introspected.length, 'nobody signed in');
  });

  test('tmail account add: a server with only OAuth2 mechanisms gets the OAuth2 questions, not a password; the account signs in', async () => {
    const e = env();
    const token = oauth.issue('alice');
    const answers = [
      '', // protocol [imap]
      oauthOnly.host,
      '', // security [tls]
      String(oauthOnly.ports.imaps),
      'alice',
      '', // Choice [1]: a token command
      `echo ${token}`,
      'no', // no SMTP
      'oauthonly',
    ];
    const { code, stdout, stderr } = await accountAdd(e, answers);
    assert.equal(code, 0, `stdout:\n${stdout}\nstderr:\n${stderr}`);
    assert.match(stdout, /Testing sign-in to 127\.0\.0\.1:\d+ \(tls\)\.\.\.\nLogin OK\./);
    assert.match(stdout, new RegExp(`127\\.0\\.0\\.1:${oauthOnly.ports.imaps} offers only OAuth2 sign-in \\(OAUTHBEARER XOAUTH2\\), no password`));
    assert.doesNotMatch(stdout, /Where does the password come from/);
    const [account] = saved(e);
    assert.deepEqual(account, {
      name: 'oauthonly',
      protocol: 'imap',
      host: oauthOnly.host,
      port: oauthOnly.ports.imaps,
      security: 'tls',
      user: 'alice',
      email: 'alice@example.test',
      auth: { method: 'oauth2', tokenCommand: `echo ${token}` },
    });
    const config = { ...account!, ca: oauthOnly.caFile };
    const dataDir = join(root, `login${n}`);
    await testLogin(config, { credentials: accountCredentials(config, { env: { PATH: process.env.PATH }, dataDir }), dataDir });
    assert.equal(oauth.introspected.at(-1), token);
  });

  test('tmail account add: an OAuth2-only server and a token command whose token is refused: the reason, and nothing saved', async () => {
    const e = env();
    const stale = oauth.issue('alice');
    oauth.revoke(stale);
    const answers = ['', oauthOnly.host, '', String(oauthOnly.ports.imaps), 'alice', '1', `echo ${stale}`, 'no', 'refused', ''];
    const { code, stdout, stderr } = await accountAdd(e, answers);
    assert.equal(code, 1, `stdout:\n${stdout}\nstderr:\n${stderr}`);
    assert.match(stdout, /Login test failed: .*OAuth2 sign-in \(OAUTHBEARER\) failed for alice/);
    assert.match(stdout, /Save the account anyway\? \(yes or no\) \[no\]/);
    assert.match(stderr, /nothing was saved/);
  });

  test('a domain whose MX is Microsoft 365 (mail.protection.outlook.com) is offered the microsoft OAuth2 preset', async () => {
    const e = env();
    // protocol, OAuth2?, client id, secret command, host, name; then SMTP? host, security, port, user.
    const answers = ['', 'yes', 'my-client-id', '', '', '', 'yes', '', '', '', ''];
    const t = testContext(e, { input: `${answers.join('\n')}\n` });
    const code = await main(['account', 'add', '--no-test', 'me@contoso.test'], t.ctx);
    assert.equal(code, 0, `${t.stdout()}\n${t.stderr()}`);
    assert.match(t.stdout(), /Found in the MX record of contoso\.test \(contoso-test\.mail\.protection\.outlook\.com, hosted by Microsoft/);
    assert.match(t.stdout(), /The mail of me@contoso\.test is hosted by Microsoft \(its MX records say so\), which signs in with OAuth2/);
    assert.deepEqual(saved(e), [
      {
        name: 'me@contoso.test',
        protocol: 'imap',
        host: 'outlook.office365.com',
        port: 993,
        security: 'tls',
        user: 'me@contoso.test',
        email: 'me@contoso.test',
        auth: { method: 'oauth2', provider: 'microsoft', clientId: 'my-client-id' },
        smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
      },
    ]);
    assert.match(t.stdout(), /SMTP signs in with the same OAuth2 tokens/);
  });

  test('Google Workspace MX records (smtp.google.com, aspmx.l.google.com) mean the google preset; other MX do not', async () => {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([dns.address]);
    const deps = { resolver, lookup: lookupVia(resolver), timeoutMs: 3000 };
    for (const domain of ['workspace.test', 'oldworkspace.test']) {
      const r = await discover(`me@${domain}`, deps);
      assert.equal(r.findings.find((f) => f.kind === 'mx')?.oauthProvider, 'google', domain);
    }
    const self = await discover('me@selfhosted.test', deps);
    assert.equal(
      self.findings.some((f) => f.oauthProvider),
      false,
    );
  });
});
