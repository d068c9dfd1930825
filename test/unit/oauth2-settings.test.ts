import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { chooseFlow, notGranted } from '../../src/auth/oauth2/login.js';
import { PRESETS, providerForAddress, resolveSettings } from '../../src/auth/oauth2/providers.js';
import { parseTokenResponse } from '../../src/auth/oauth2/token-endpoint.js';
import { createStoredTokenSource, loginCommand } from '../../src/auth/oauth2/token-source.js';
import { readTokens, TOKEN_FILE, writeTokens } from '../../src/auth/oauth2/token-store.js';
import type { AccountConfig, OAuth2Config } from '../../src/config/types.js';

const acc = { name: 'work', user: 'me@example.com' };
const dir = mkdtempSync(join(tmpdir(), 'tmail-oauth2-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('provider presets and config', () => {
  test('google: PKCE endpoints and the mail scope, no device endpoint (its device grant excludes mail)', () => {
    const s = resolveSettings(acc, { method: 'oauth2', provider: 'google', clientId: 'id' });
    assert.equal(s.authorizationEndpoint, 'https://accounts.google.com/o/oauth2/v2/auth');
    assert.equal(s.tokenEndpoint, 'https://oauth2.googleapis.com/token');
    assert.equal(s.deviceAuthorizationEndpoint, undefined);
    assert.equal(s.scope, 'https://mail.google.com/');
    assert.equal(s.authorizationParams.access_type, 'offline');
    assert.equal(chooseFlow(s), 'browser');
    assert.equal(s.loginHint, 'me@example.com');
  });

  test('microsoft: device endpoint (the default flow) and the IMAP, POP and SMTP scopes with offline_access', () => {
    const s = resolveSettings(acc, { method: 'oauth2', provider: 'microsoft', clientId: 'id' });
    assert.equal(s.deviceAuthorizationEndpoint, 'https://login.microsoftonline.com/common/oauth2/v2.0/devicecode');
    assert.deepEqual(s.scope.split(' '), [
      'https://outlook.office.com/IMAP.AccessAsUser.All',
      'https://outlook.office.com/POP.AccessAsUser.All',
      'https://outlook.office.com/SMTP.Send',
      'offline_access',
    ]);
    assert.equal(chooseFlow(s), 'device');
    assert.equal(chooseFlow(s, 'browser'), 'browser');
  });

  test('explicit fields override the preset (e.g. a tenant instead of "common")', () => {
    const tenant = 'https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token';
    const s = resolveSettings(acc, {
      method: 'oauth2',
      provider: 'microsoft',
      clientId: 'id',
      tokenEndpoint: tenant,
      scope: 'https://outlook.office.com/IMAP.AccessAsUser.All offline_access',
    });
    assert.equal(s.tokenEndpoint, tenant);
    assert.equal(s.scope, 'https://outlook.office.com/IMAP.AccessAsUser.All offline_access');
    assert.equal(s.authorizationEndpoint, PRESETS.microsoft!.authorizationEndpoint);
  });

  test('clear config errors: no client id, unknown provider, plain http to another host, missing endpoints', () => {
    const bad = (auth: OAuth2Config, re: RegExp) =>
      assert.throws(
        () => resolveSettings(acc, auth),
        (e: unknown) => e instanceof AccountError && e.kind === 'config' && re.test(e.message),
      );
    bad({ method: 'oauth2', provider: 'google' }, /needs a "clientId".*tmail ships none/);
    bad({ method: 'oauth2', provider: 'yahoo', clientId: 'x' }, /unknown OAuth2 provider "yahoo" \(known: google, microsoft\)/);
    bad({ method: 'oauth2', clientId: 'x', tokenEndpoint: 'http://auth.example.com/token', scope: 's' }, /"tokenEndpoint" must be an https:\/\/ address/);
    bad({ method: 'oauth2', clientId: 'x', scope: 's' }, /needs a "tokenEndpoint"/);
    bad({ method: 'oauth2', clientId: 'x', tokenEndpoint: 'https://a.example/t' }, /needs a "scope"/);
    // http is fine to this machine (a local proxy, the tests).
    assert.equal(
      resolveSettings(acc, { method: 'oauth2', clientId: 'x', tokenEndpoint: 'http://127.0.0.1:8080/t', scope: 's' }).tokenEndpoint,
      'http://127.0.0.1:8080/t',
    );
    assert.throws(
      () => chooseFlow(resolveSettings(acc, { method: 'oauth2', clientId: 'x', tokenEndpoint: 'https://a.example/t', scope: 's' })),
      /needs an "authorizationEndpoint" or a "deviceAuthorizationEndpoint"/,
    );
  });

  test('a custom server asking offline_access gets prompt=consent (OpenID providers want both for a refresh token)', () => {
    const s = resolveSettings(acc, {
      method: 'oauth2',
      clientId: 'x',
      tokenEndpoint: 'https://a.example/t',
      authorizationEndpoint: 'https://a.example/a',
      scope: 'mail offline_access',
    });
    assert.deepEqual(s.authorizationParams, { prompt: 'consent' });
  });

  test('the provider of an address', () => {
    assert.equal(providerForAddress('a@gmail.com'), 'google');
    assert.equal(providerForAddress('a@GoogleMail.com'), 'google');
    for (const d of ['outlook.com', 'hotmail.com', 'live.com', 'contoso.onmicrosoft.com']) assert.equal(providerForAddress(`a@${d}`), 'microsoft', d);
    assert.equal(providerForAddress('a@example.com'), undefined);
    assert.equal(providerForAddress('a@notgmail.com'), undefined);
  });
});

describe('granted scopes', () => {
  test('what was asked but not granted; offline_access, case and resource prefixes do not count', () => {
    const ms = PRESETS.microsoft!.scope;
    assert.deepEqual(notGranted(ms, undefined), []);
    assert.deepEqual(
      notGranted(ms, 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All https://outlook.office.com/SMTP.Send'),
      [],
    );
    assert.deepEqual(notGranted(ms, 'IMAP.AccessAsUser.All pop.accessasuser.all SMTP.Send'), []);
    assert.deepEqual(notGranted(ms, 'https://outlook.office.com/IMAP.AccessAsUser.All'), [
      'https://outlook.office.com/POP.AccessAsUser.All',
      'https://outlook.office.com/SMTP.Send',
    ]);
  });
});

describe('token responses', () => {
  const s = resolveSettings(acc, { method: 'oauth2', provider: 'google', clientId: 'id' });
  test('access token, refresh token, lifetime (also as a string, as some servers send it)', () => {
    assert.deepEqual(parseTokenResponse(s, { access_token: 'a', refresh_token: 'r', expires_in: '3599', token_type: 'Bearer', scope: 'x' }), {
      accessToken: 'a',
      refreshToken: 'r',
      expiresIn: 3599,
      scope: 'x',
    });
    assert.deepEqual(parseTokenResponse(s, { access_token: 'a', token_type: 'bearer' }), { accessToken: 'a' });
  });
  test('no access token, or a kind SASL cannot carry: a protocol error', () => {
    assert.throws(() => parseTokenResponse(s, { token_type: 'Bearer' }), /has no access_token/);
    assert.throws(() => parseTokenResponse(s, { access_token: 'a', token_type: 'mac' }), /token_type "mac", not Bearer/);
  });
});

describe('token store', () => {
  const account: AccountConfig = {
    name: 'my work',
    protocol: 'imap',
    host: 'h',
    port: 993,
    security: 'tls',
    user: 'u',
    auth: { method: 'oauth2', provider: 'google', clientId: 'id' },
  };
  const auth = account.auth as OAuth2Config;

  test('writes 0600 in a 0700 dir, also when the dir existed with a looser mode', async () => {
    const d = join(dir, 'loose');
    mkdirSync(d, { mode: 0o755 });
    chmodSync(d, 0o755);
    await writeTokens(d, { version: 1, accessToken: 'a', clientId: 'id', tokenEndpoint: 'https://oauth2.googleapis.com/token' });
    assert.equal(statSync(d).mode & 0o777, 0o700);
    assert.equal(statSync(join(d, TOKEN_FILE)).mode & 0o777, 0o600);
  });

  test('a corrupt token file counts as not signed in (login rewrites it)', async () => {
    const d = join(dir, 'corrupt');
    mkdirSync(d);
    writeFileSync(join(d, TOKEN_FILE), '{"version": 1, "accessTo');
    assert.equal(await readTokens(d), undefined);
    await assert.rejects(
      createStoredTokenSource({ account, auth, dataDir: d }).getAccessToken(),
      /account my work is not signed in: run "tmail account login 'my work'"/,
    );
  });

  test('tokens of another client id are not used', async () => {
    const d = join(dir, 'other-client');
    await writeTokens(d, { version: 1, accessToken: 'a', clientId: 'old-id', tokenEndpoint: 'https://oauth2.googleapis.com/token' });
    await assert.rejects(createStoredTokenSource({ account, auth, dataDir: d }).getAccessToken(), /not signed in/);
  });

  test('a token without a stated lifetime is used until the server rejects it', async () => {
    const d = join(dir, 'no-expiry');
    await writeTokens(d, { version: 1, accessToken: 'a', clientId: 'id', tokenEndpoint: 'https://oauth2.googleapis.com/token' });
    assert.equal(await createStoredTokenSource({ account, auth, dataDir: d }).getAccessToken(), 'a');
    // No refresh token: forceRefresh cannot help; the user is told to sign in again.
    await assert.rejects(
      createStoredTokenSource({ account, auth, dataDir: d }).getAccessToken({ forceRefresh: true }),
      /gave no refresh token; run "tmail account login 'my work'"/,
    );
  });

  test('loginCommand quotes names a shell would split', () => {
    assert.equal(loginCommand('work'), 'tmail account login work');
    assert.equal(loginCommand('me@gmail.com'), 'tmail account login me@gmail.com');
    assert.equal(loginCommand("bob's mail"), `tmail account login 'bob'\\''s mail'`);
  });
});
