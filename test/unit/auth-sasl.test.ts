import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BearerCredentials } from '../../src/auth/credentials.js';
import {
  bearerAbortResponse,
  bearerInitialResponse,
  chooseBearerMechanism,
  parseOAuthErrorChallenge,
  TokenRejectedError,
  withBearerToken,
} from '../../src/auth/sasl.js';
import { AccountError } from '../../src/domain/index.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('SASL for OAuth2', () => {
  test('OAUTHBEARER is preferred over XOAUTH2; nothing when neither is offered', () => {
    assert.equal(chooseBearerMechanism(['PLAIN', 'xoauth2', 'OAUTHBEARER']), 'OAUTHBEARER');
    assert.equal(chooseBearerMechanism(['PLAIN', 'XOAUTH2']), 'XOAUTH2');
    assert.equal(chooseBearerMechanism(['PLAIN', 'LOGIN']), undefined);
  });

  test('initial responses: RFC 7628 gs2 header with host and port; XOAUTH2 user/auth', () => {
    const p = { user: 'a,b=c@example.org', token: 'tok-123', host: 'mail.example.org', port: 993 };
    assert.equal(bearerInitialResponse('OAUTHBEARER', p), 'n,a=a=2Cb=3Dc@example.org,\x01host=mail.example.org\x01port=993\x01auth=Bearer tok-123\x01\x01');
    assert.equal(bearerInitialResponse('XOAUTH2', p), 'user=a,b=c@example.org\x01auth=Bearer tok-123\x01\x01');
    assert.equal(bearerAbortResponse('OAUTHBEARER'), b64('\x01'));
    assert.equal(bearerAbortResponse('XOAUTH2'), '');
  });

  test('a token or user with a control character is refused, not framed into extra fields', () => {
    assert.throws(
      () => bearerInitialResponse('XOAUTH2', { user: 'u', token: 'x\x01auth=Bearer evil', host: 'h', port: 1 }),
      (e: unknown) => e instanceof AccountError && /access token contains control characters/.test(e.message),
    );
  });

  test('the error challenge is parsed into a status; garbage is undefined; terminal escapes are removed', () => {
    assert.deepEqual(parseOAuthErrorChallenge(b64('{"status":"invalid_token","schemes":"bearer","scope":"mail"}')), {
      status: 'invalid_token',
      schemes: 'bearer',
      scope: 'mail',
    });
    assert.equal(parseOAuthErrorChallenge('not base64 json'), undefined);
    assert.equal(parseOAuthErrorChallenge(b64('[1]')), undefined);
    assert.deepEqual(parseOAuthErrorChallenge(b64('{"status":"bad\\u001b[31m"}')), { status: 'bad' });
  });
});

function tokens(list: string[]): BearerCredentials & { calls: { forceRefresh?: boolean }[] } {
  const calls: { forceRefresh?: boolean }[] = [];
  let i = 0;
  return {
    kind: 'oauth2',
    user: 'me@example.org',
    renewHint: 'run `tmail account login work` to sign in again',
    calls,
    async getAccessToken(o = {}) {
      calls.push(o);
      return list[Math.min(i++, list.length - 1)]!;
    },
  };
}

describe('withBearerToken', () => {
  test('a rejected token is refreshed once and the attempt repeated with the new one', async () => {
    const creds = tokens(['old', 'new']);
    const seen: string[] = [];
    const result = await withBearerToken(creds, { where: 'IMAP h:993' }, async (t) => {
      seen.push(t);
      if (t === 'old') throw new TokenRejectedError('OAUTHBEARER', { status: 'invalid_token' }, 'Authentication failed');
      return 'in';
    });
    assert.equal(result, 'in');
    assert.deepEqual(seen, ['old', 'new']);
    assert.deepEqual(creds.calls, [{}, { forceRefresh: true }]);
  });

  test('rejected twice: one auth error naming the mechanism, the status and what to do; no third try', async () => {
    const creds = tokens(['a', 'b', 'c']);
    let attempts = 0;
    await assert.rejects(
      withBearerToken(creds, { where: 'POP3 h:995' }, async () => {
        attempts++;
        throw new TokenRejectedError('XOAUTH2', { status: 'invalid_token' }, '[AUTH] Authentication failed.');
      }),
      (e: unknown) =>
        e instanceof AccountError &&
        e.kind === 'auth' &&
        e.message ===
          'POP3 h:995: OAuth2 sign-in (XOAUTH2) failed for me@example.org: the server rejected the access token (invalid_token), also after getting a fresh one (server said: [AUTH] Authentication failed.); run `tmail account login work` to sign in again',
    );
    assert.equal(attempts, 2);
    assert.equal(creds.calls.length, 2);
  });

  test('a missing scope is not retried (a fresh token has the same permissions)', async () => {
    const creds = tokens(['a', 'b']);
    await assert.rejects(
      withBearerToken(creds, { where: 'IMAP h:993' }, async () => {
        throw new TokenRejectedError('OAUTHBEARER', { status: 'insufficient_scope', scope: 'mail' }, '');
      }),
      /lacks a permission the server needs \(insufficient_scope; it asks for scope "mail"\)/,
    );
    assert.equal(creds.calls.length, 1);
  });

  test('other failures (network, config) pass through without a refresh', async () => {
    const creds = tokens(['a']);
    await assert.rejects(
      withBearerToken(creds, { where: 'x' }, async () => {
        throw new AccountError('network', 'cannot reach h');
      }),
      /cannot reach h/,
    );
    assert.equal(creds.calls.length, 1);
  });
});
