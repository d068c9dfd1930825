// OAuth2 from end to end with real parts only: `tmail account login` against oidc-provider (the
// test plays the user in a browser), then the stored tokens sign in to Dovecot's IMAP and POP3
// (oauth2 passdb, which asks oidc-provider's introspection endpoint) and to the SMTP sink, through
// the credentials path the program itself uses (src/cli/credentials.ts). Access tokens live a few
// seconds here, so the refresh is real; a revoked refresh token ends in the "log in again" line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TOKEN_FILE } from '../../src/auth/oauth2/token-store.js';
import { smtpCredentials } from '../../src/auth/provider.js';
import { cliCredentials, credentialsContext } from '../../src/cli/credentials.js';
import { main } from '../../src/cli/main.js';
import { sendRaw } from '../../src/compose/transport.js';
import { accountDataDir } from '../../src/config/paths.js';
import type { AccountConfig } from '../../src/config/types.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { approveDeviceCode, approveInBrowser, startOAuthServer, TestBrowser, type OAuthServer } from '../helpers/oauth-server.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { testContext } from '../unit/cli-context.js';

const ACCESS_TOKEN_TTL_SECONDS = 3;

describe('OAuth2 end to end: account login, then IMAP, POP3 and SMTP with the stored tokens', { ...dovecotTestOptions(), timeout: 180_000 }, () => {
  let oauth: OAuthServer;
  let dovecot: DovecotServer;
  let sink: SmtpSink;
  const dir = mkdtempSync(join(tmpdir(), 'tmail-oauth2-e2e-'));
  const env = { HOME: join(dir, 'home'), TMAIL_CONFIG_DIR: join(dir, 'config'), TMAIL_DATA_DIR: join(dir, 'data'), PATH: process.env.PATH };
  let accounts: AccountConfig[] = [];

  before(async () => {
    oauth = await startOAuthServer({ accountId: 'alice', accessTokenTtl: ACCESS_TOKEN_TTL_SECONDS });
    dovecot = await startDovecot({ oauth2: { introspectionUrl: oauth.introspectionUrlWithCredentials, scope: 'mail' } });
    sink = await startSmtpSink({ checkToken: async (_user, token) => (await oauth.introspect(token)).active === true });
    const inbox = dovecot.maildir('alice');
    mkdirSync(join(inbox, 'new'), { recursive: true });
    writeFileSync(
      join(inbox, 'new', '1.e2e'),
      'From: bob@example.org\r\nTo: alice@example.test\r\nSubject: signed in with OAuth2\r\nMessage-ID: <e2e-1@example.org>\r\n\r\nhello\r\n',
    );
    await dovecot.fixOwnership('alice');
    const auth = {
      method: 'oauth2' as const,
      clientId: oauth.clientId,
      authorizationEndpoint: oauth.authorizationEndpoint,
      tokenEndpoint: oauth.tokenEndpoint,
      deviceAuthorizationEndpoint: oauth.deviceAuthorizationEndpoint,
      scope: oauth.scope,
    };
    const common = { host: dovecot.host, security: 'starttls' as const, user: 'alice', ca: dovecot.caFile, auth };
    accounts = [
      {
        name: 'work',
        protocol: 'imap',
        port: dovecot.ports.imap,
        ...common,
        smtp: { host: sink.host, port: sink.port, security: 'starttls', ca: sink.caFile },
      },
      { name: 'home', protocol: 'pop3', port: dovecot.ports.pop3, leaveOnServer: true, ...common },
    ];
    mkdirSync(env.TMAIL_CONFIG_DIR, { recursive: true });
    writeFileSync(join(env.TMAIL_CONFIG_DIR, 'config.json'), JSON.stringify({ accounts }));
  });

  after(async () => {
    await Promise.all([dovecot?.stop(), sink?.stop(), oauth?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const tokensOf = (name: string) =>
    JSON.parse(readFileSync(join(env.TMAIL_DATA_DIR, 'accounts', name, TOKEN_FILE), 'utf8')) as { accessToken: string; refreshToken: string };

  async function until<T>(check: () => T | null | undefined | Promise<T | null | undefined>): Promise<T> {
    for (;;) {
      const value = await check();
      if (value) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits until the server itself says the stored access token has expired (no clock guessing). */
  async function untilExpired(name: string): Promise<string> {
    const { accessToken } = tokensOf(name);
    await until(async () => (await oauth.introspect(accessToken)).active === false);
    return accessToken;
  }

  test('IMAP: login with the pasted address, then `tmail folders` signs in with the stored token', async () => {
    const t = testContext(env);
    const exit = main(['account', 'login', 'work', '--browser'], t.ctx);
    const authUrl = (await until(() => /^ {2}(http\S+)$/m.exec(t.stdout())))[1]!;
    await until(() => /paste it here/.exec(t.stdout()));
    const { finalUrl } = await approveInBrowser(new TestBrowser(), authUrl, { issuer: oauth.issuer, stopAtRedirect: true });
    t.stdin.write(`${finalUrl}\n`);
    assert.equal(await exit, 0, t.stderr());

    const list = testContext(env);
    assert.equal(await main(['folders', '--account', 'work'], list.ctx), 0, list.stderr());
    assert.match(list.stdout(), /INBOX/);
    const log = readFileSync(dovecot.logFile, 'utf8');
    assert.doesNotMatch(log, new RegExp(tokensOf('work').accessToken));
  });

  test('IMAP: an expired access token is refreshed at the token endpoint and the new one is accepted; --trace shows the refresh, redacted', async () => {
    const expired = await untilExpired('work');
    const spent = tokensOf('work').refreshToken!;
    const refreshes = oauth.tokenRequests.refresh_token ?? 0;
    const list = testContext(env);
    const traceFile = join(dir, 'refresh-trace.log');
    assert.equal(await main(['folders', '--account', 'work', '--trace', traceFile], list.ctx), 0, list.stderr());
    assert.ok((oauth.tokenRequests.refresh_token ?? 0) > refreshes, 'a refresh_token grant was made');
    assert.notEqual(tokensOf('work').accessToken, expired);
    const trace = readFileSync(traceFile, 'utf8');
    assert.match(trace, /C: POST http:\/\/127\.0\.0\.1:\d+\/\S+ grant_type=refresh_token refresh_token=\*\*\* client_id=/);
    assert.match(trace, /S: HTTP 200 .*access_token=\*\*\*/);
    for (const secret of [expired, spent, tokensOf('work').accessToken, tokensOf('work').refreshToken!]) assert.ok(!trace.includes(secret), trace);
  });

  test("SMTP: XOAUTH2 with the stored (refreshed) token through the program's credentials path", async () => {
    await untilExpired('work');
    const t = testContext(env);
    const config = accounts[0]!;
    const dataDir = accountDataDir(t.ctx, config.name);
    const credentials = smtpCredentials(config, cliCredentials(t.ctx, config, dataDir), credentialsContext(t.ctx, dataDir));
    const before = sink.received.length;
    await sendRaw({
      smtp: config.smtp!,
      accountName: config.name,
      credentials,
      envelope: { from: 'alice@example.test', to: ['bob@example.org'] },
      raw: Buffer.from('Subject: hi\r\n\r\nhello\r\n'),
    });
    assert.equal(sink.received.length, before + 1);
    assert.equal(sink.received.at(-1)!.user, 'alice');
  });

  test('POP3: login with the device flow, then `tmail sync` downloads with the stored token', async () => {
    const t = testContext(env);
    const loginTrace = join(dir, 'login-trace.log');
    const exit = main(['account', 'login', 'home', '--device', '--trace', loginTrace], t.ctx);
    const uri = (await until(() => /^ {2}(http\S+)$/m.exec(t.stdout())))[1]!;
    const userCode = (await until(() => /enter the code:\s+(\S+)/.exec(t.stdout())))[1]!;
    await approveDeviceCode(new TestBrowser(), { uri, userCode });
    assert.equal(await exit, 0, t.stderr());
    // The device request and the polls are on the trace; the device code and the tokens are not.
    const trace = readFileSync(loginTrace, 'utf8');
    assert.match(trace, /C: POST \S+ grant_type=urn:ietf:params:oauth:grant-type:device_code device_code=\*\*\* client_id=/);
    assert.match(trace, /S: HTTP 200 .*access_token=\*\*\*/);
    for (const secret of [tokensOf('home').accessToken, tokensOf('home').refreshToken]) assert.ok(!trace.includes(secret), trace);

    await untilExpired('home');
    const sync = testContext(env);
    assert.equal(await main(['sync', '--account', 'home'], sync.ctx), 0, sync.stderr());
    assert.match(sync.stdout(), /\b1 new \(/);
  });

  test('a revoked refresh token: the command fails with the line naming tmail account login', async () => {
    await untilExpired('work');
    await oauth.revoke(tokensOf('work').refreshToken);
    const list = testContext(env);
    assert.equal(await main(['folders', '--account', 'work'], list.ctx), 1);
    assert.match(list.stderr(), /account work: the sign-in expired or was revoked; run "tmail account login work"/);
    assert.doesNotMatch(list.stderr(), /\n\s+at /, 'no stack trace');
  });
});
