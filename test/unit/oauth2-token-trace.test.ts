import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeTokenRequest, describeTokenResponse } from '../../src/auth/oauth2/token-trace.js';

test('token requests on the trace: grant type and client id shown, every secret-bearing field as ***', () => {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: 'the-code',
    code_verifier: 'the-verifier',
    redirect_uri: 'http://127.0.0.1:5000/',
    client_id: 'cid',
    client_secret: 'the-secret',
    device_code: 'the-device-code',
    refresh_token: 'the-refresh',
  });
  const line = describeTokenRequest('https://user:pw@login.example/oauth2/token?x=the-query', form);
  assert.equal(
    line,
    'POST https://login.example/oauth2/token grant_type=authorization_code code=*** code_verifier=*** redirect_uri=http://127.0.0.1:5000/ client_id=cid client_secret=*** device_code=*** refresh_token=***',
  );
  for (const secret of ['the-code', 'the-verifier', 'the-secret', 'the-device-code', 'the-refresh', 'pw', 'the-query']) assert.ok(!line.includes(secret));
});

test('token answers on the trace: status, lifetime and errors shown; tokens and unknown fields as ***', () => {
  assert.equal(
    describeTokenResponse(200, { access_token: 'at', refresh_token: 'rt', id_token: 'it', token_type: 'Bearer', expires_in: 3600, scope: 'mail' }),
    'HTTP 200 access_token=*** refresh_token=*** id_token=*** token_type=Bearer expires_in=3600 scope=mail',
  );
  assert.equal(describeTokenResponse(400, { error: 'invalid_grant', error_description: 'gone\x1b[2J' }), 'HTTP 400 error=invalid_grant error_description=gone');
  assert.equal(describeTokenResponse(502, undefined), 'HTTP 502 (no JSON object)');
});
