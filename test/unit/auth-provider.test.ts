import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { accountCredentials, smtpCredentials, type TokenSourceFactory } from '../../src/auth/provider.js';
import type { AccountConfig } from '../../src/config/types.js';
import { AccountError } from '../../src/domain/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tmail-provider-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { PATH: process.env.PATH };
const base: AccountConfig = { name: 'work', protocol: 'imap', host: 'imap.example.org', port: 993, security: 'tls', user: 'me@example.org' };

describe('credentials provider', () => {
  test("no auth: password credentials from passwordEnv (today's behaviour)", async () => {
    const c = accountCredentials({ ...base, passwordEnv: 'PW' }, { env: { PW: 'pw1' }, dataDir: dir });
    assert.equal(c.kind, 'password');
    assert.equal(c.kind === 'password' && (await c.getPassword()), 'pw1');
  });

  test('tokenCommand: first line is the token, kept until forceRefresh runs the command again', async () => {
    const counter = join(dir, 'count');
    const cmd = `echo x >> ${counter}; printf "tok-$(wc -l < ${counter} | tr -d ' ')\\nsecond line\\n"`;
    const c = accountCredentials({ ...base, auth: { method: 'oauth2', tokenCommand: cmd } }, { env, dataDir: dir });
    assert.equal(c.kind, 'oauth2');
    if (c.kind !== 'oauth2') return;
    assert.equal(await c.getAccessToken(), 'tok-1');
    assert.equal(await c.getAccessToken(), 'tok-1');
    assert.equal(await c.getAccessToken({ forceRefresh: true }), 'tok-2');
    assert.equal(readFileSync(counter, 'utf8').split('\n').filter(Boolean).length, 2);
    assert.match(c.renewHint ?? '', /auth\.tokenCommand/);
  });

  test('tokenCommand failures name the field and hide stderr (it may hold a token)', async () => {
    const c = accountCredentials({ ...base, auth: { method: 'oauth2', tokenCommand: 'echo secret-tok >&2; exit 3' } }, { env, dataDir: dir });
    if (c.kind !== 'oauth2') return assert.fail('oauth2 expected');
    await assert.rejects(
      c.getAccessToken(),
      (e: unknown) =>
        e instanceof AccountError &&
        /^account work: auth\.tokenCommand failed \(exit code 3\); its error output is not shown \(it may contain the access token\)/.test(e.message) &&
        !e.message.includes('secret-tok'),
    );
    const big = accountCredentials({ ...base, auth: { method: 'oauth2', tokenCommand: 'head -c 200000 /dev/zero | tr "\\0" x' } }, { env, dataDir: dir });
    if (big.kind !== 'oauth2') return assert.fail('oauth2 expected');
    await assert.rejects(big.getAccessToken(), /auth\.tokenCommand printed more than 64 KB; it must print only the access token/);
  });

  test('stored tokens go through the injected token source (once per account); without one, a clear error', async () => {
    const made: unknown[] = [];
    const factory: TokenSourceFactory = (opts) => {
      made.push(opts);
      return { getAccessToken: async (o) => (o?.forceRefresh ? 'fresh' : 'stored') };
    };
    const account = { ...base, auth: { method: 'oauth2' as const, provider: 'google', clientId: 'x' } };
    const c = accountCredentials(account, { env, dataDir: dir, tokenSourceFactory: factory });
    if (c.kind !== 'oauth2') return assert.fail('oauth2 expected');
    assert.equal(await c.getAccessToken(), 'stored');
    assert.equal(await c.getAccessToken({ forceRefresh: true }), 'fresh');
    assert.equal(made.length, 1);
    assert.match(c.renewHint ?? '', /tmail account login work/);
    const without = accountCredentials(account, { env, dataDir: dir });
    if (without.kind !== 'oauth2') return assert.fail('oauth2 expected');
    await assert.rejects(without.getAccessToken(), /account work: signing in with stored OAuth2 tokens is not available here; set auth\.tokenCommand/);
  });

  test("SMTP reuses the account's source unless its block says otherwise", async () => {
    const ctx = { env: { PW: 'acct', SPW: 'smtp' }, dataDir: dir };
    const pwAccount = { ...base, passwordEnv: 'PW', smtp: { host: 's', port: 587, security: 'starttls' as const, user: 'other' } };
    const acct = accountCredentials(pwAccount, ctx);
    const s1 = smtpCredentials(pwAccount, acct, ctx);
    assert.equal(s1.user, 'other');
    assert.equal(s1.kind === 'password' && (await s1.getPassword()), 'acct');
    const own = { ...pwAccount, smtp: { ...pwAccount.smtp, passwordEnv: 'SPW' } };
    const s2 = smtpCredentials(own, accountCredentials(own, ctx), ctx);
    assert.equal(s2.kind === 'password' && (await s2.getPassword()), 'smtp');
    const oauth = { ...base, auth: { method: 'oauth2' as const, tokenCommand: 'echo T' }, smtp: { host: 's', port: 587, security: 'starttls' as const } };
    const s3 = smtpCredentials(oauth, accountCredentials(oauth, { env, dataDir: dir }), { env, dataDir: dir });
    assert.equal(s3.kind, 'oauth2');
    assert.equal(s3.kind === 'oauth2' && (await s3.getAccessToken()), 'T');
    assert.equal(s3.user, 'me@example.org');
  });
});

describe('account list: where the sign-in comes from', () => {
  test('OAuth2 accounts name the token command or the login command, never a token', async () => {
    const { passwordSource } = await import('../../src/cli/commands/account-list.js');
    assert.equal(passwordSource({ ...base, auth: { method: 'oauth2', tokenCommand: 'oama access me' } }), 'OAuth2 token command: oama access me');
    assert.equal(passwordSource({ ...base, auth: { method: 'oauth2', provider: 'google', clientId: 'x' } }), 'OAuth2 (google): tmail account login work');
    assert.equal(passwordSource({ ...base, passwordEnv: 'PW' }), 'env: $PW');
  });
});
