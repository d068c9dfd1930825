// The SMTP test sink adds OAUTHBEARER to smtp-server through an internal object
// (test/helpers/smtp-oauthbearer.ts). This fails when an smtp-server upgrade moves it, instead of
// the OAuth2 SMTP tests failing in a confusing way.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import SASL from 'smtp-server/lib/sasl.js';
import { installOAuthBearer, parseOAuthBearer } from '../helpers/smtp-oauthbearer.js';

test('smtp-server is the pinned version whose SASL table the sink extends', () => {
  const require = createRequire(import.meta.url);
  const { version } = require('smtp-server/package.json') as { version: string };
  assert.equal(version, '3.21.6', 'smtp-server changed: recheck test/helpers/smtp-oauthbearer.ts against its lib/sasl.js and smtp-connection.js');
  const table = SASL as unknown as Record<string, unknown>;
  assert.equal(typeof table.SASL_XOAUTH2, 'function');
  assert.ok(SASL.CONTROL_CHARS instanceof RegExp);
  installOAuthBearer();
  assert.equal(typeof table.SASL_OAUTHBEARER, 'function');
});

test('the sink parses an RFC 7628 initial response and refuses malformed ones', () => {
  assert.deepEqual(parseOAuthBearer('n,a=a=2Cb=3Dc,\x01host=h\x01port=1\x01auth=Bearer tok\x01\x01'), {
    authzid: 'a,b=c',
    token: 'tok',
    host: 'h',
    port: '1',
  });
  assert.equal(parseOAuthBearer('user=alice\x01auth=Bearer tok\x01\x01'), undefined);
  assert.equal(parseOAuthBearer('n,a=alice,\x01auth=Basic tok\x01\x01'), undefined);
});
