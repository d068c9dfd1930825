import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenRejectedError } from '../../src/auth/sasl.js';
import { bearerAuthHandler, ehloAuthWatcher } from '../../src/compose/smtp-bearer-auth.js';
import { AccountError } from '../../src/domain/index.js';

test('the EHLO watcher keeps the AUTH list of the reply to the last EHLO, and forwards every entry', () => {
  const seen: string[] = [];
  const inner = {
    trace: () => undefined,
    debug: (_d: unknown, m?: unknown) => void seen.push(String(m)),
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    fatal: () => undefined,
  };
  const w = ehloAuthWatcher(inner);
  w.logger.debug({ tnx: 'client' }, 'EHLO me');
  w.logger.debug({ tnx: 'server' }, '250-mx.example Hello\n250-AUTH PLAIN OAUTHBEARER\n250 STARTTLS');
  assert.deepEqual(w.offered(), ['PLAIN', 'OAUTHBEARER']);
  w.logger.debug({ tnx: 'server' }, '250 2.0.0 Ok');
  assert.deepEqual(w.offered(), ['PLAIN', 'OAUTHBEARER'], 'other 250 replies change nothing');
  w.logger.debug({ tnx: 'client' }, 'EHLO me');
  w.logger.debug({ tnx: 'server' }, '250-mx.example Hello\n250 SIZE 1000');
  assert.deepEqual(w.offered(), [], 'the EHLO after STARTTLS replaces the list');
  w.logger.debug({ tnx: 'client' }, 'EHLO me');
  w.logger.debug({ tnx: 'server' }, '250-mx.example\n250 AUTH=xoauth2');
  assert.deepEqual(w.offered(), ['XOAUTH2']);
  assert.equal(seen.length, 7);
});

function fakeServer(replies: { status: number; text?: string; response: string }[]) {
  const sent: string[] = [];
  return {
    sent,
    ctx: {
      authMethods: [] as string[],
      sendCommand: async (cmd: string) => {
        sent.push(cmd);
        return replies.shift()!;
      },
    },
  };
}

const params = (offered: string[]) => ({
  user: 'alice',
  token: 'tok-123',
  host: 'smtp.example',
  port: 587,
  where: 'SMTP smtp.example:587',
  offered: () => offered,
});

test('OAUTHBEARER preferred; the error challenge is answered with %x01 and becomes TokenRejectedError with the status', async () => {
  const challenge = Buffer.from(JSON.stringify({ status: 'invalid_token', scope: 'mail' })).toString('base64');
  const s = fakeServer([
    { status: 334, text: challenge, response: `334 ${challenge}` },
    { status: 535, response: '535 5.7.8 tok-123 rejected' },
  ]);
  await assert.rejects(bearerAuthHandler(params(['XOAUTH2', 'OAUTHBEARER']))(s.ctx), (e: unknown) => {
    assert.ok(e instanceof TokenRejectedError);
    assert.equal(e.mechanism, 'OAUTHBEARER');
    assert.equal(e.status?.status, 'invalid_token');
    assert.equal(e.serverText, '535 5.7.8 *** rejected');
    return true;
  });
  assert.match(s.sent[0]!, /^AUTH OAUTHBEARER \S+$/);
  assert.equal(Buffer.from(s.sent[0]!.split(' ')[2]!, 'base64').toString(), 'n,a=alice,\x01host=smtp.example\x01port=587\x01auth=Bearer tok-123\x01\x01');
  assert.equal(s.sent[1], 'AQ==');
});

test('XOAUTH2 when only it is offered (nodemailer also lists it); none offered or 504 is the clear line', async () => {
  const ok = fakeServer([{ status: 235, response: '235 ok' }]);
  ok.ctx.authMethods = ['XOAUTH2'];
  await bearerAuthHandler(params([]))(ok.ctx);
  assert.match(ok.sent[0]!, /^AUTH XOAUTH2 /);
  await assert.rejects(
    bearerAuthHandler(params(['PLAIN', 'LOGIN']))(fakeServer([]).ctx),
    (e: unknown) => e instanceof AccountError && /neither OAUTHBEARER nor XOAUTH2; it offers PLAIN LOGIN/.test(e.message),
  );
  await assert.rejects(
    bearerAuthHandler(params(['OAUTHBEARER']))(fakeServer([{ status: 504, response: '504 no' }]).ctx),
    (e: unknown) => e instanceof AccountError && e.kind === 'auth' && /offers no OAuth2 sign-in/.test(e.message),
  );
});
