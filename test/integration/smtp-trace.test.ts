// SMTP in the trace: sending through a real SMTP server (smtp-server on loopback, STARTTLS + AUTH)
// reports every command and reply to the trace sink, with the AUTH exchange redacted and the
// message shown only as an octet count.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sendRaw } from '../../src/compose/transport.js';
import { TraceBuffer } from '../../src/trace/buffer.js';
import { SmtpRedactor } from '../../src/trace/smtp-trace.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { passwordCredentials } from '../../src/auth/credentials.js';

let sink: SmtpSink;
before(async () => {
  sink = await startSmtpSink({ password: 'Smtp-Secr3t-77' });
});
after(async () => {
  await sink?.stop();
});

const BODY = 'Subject: trace me\r\nFrom: alice@example.test\r\nTo: bob@example.org\r\n\r\nTOP-SECRET-BODY-LINE\r\n';

test('sendRaw with a trace: SMTP lines in the account trace, AUTH redacted, body as octets', async () => {
  const trace = new TraceBuffer();
  await sendRaw({
    smtp: { host: sink.host, port: sink.port, security: 'starttls', user: sink.user, ca: sink.caFile },
    accountName: 'work',
    credentials: passwordCredentials(sink.user, async () => sink.password),
    envelope: { from: 'alice@example.test', to: ['bob@example.org'] },
    raw: Buffer.from(BODY),
    trace,
  });
  assert.equal(sink.received.length, 1);
  const entries = trace.entries('work');
  assert.ok(entries.every((e) => e.protocol === 'smtp'));
  const text = entries.map((e) => `${e.dir}: ${e.text}`).join('\n');
  assert.match(text, /^S: 220 /m);
  assert.match(text, /^C: EHLO /m);
  assert.match(text, /^C: STARTTLS$/m);
  assert.match(text, /^C: AUTH (PLAIN|LOGIN)( \*\*\*)?$/m);
  assert.match(text, /^S: 235 /m);
  assert.match(text, /^C: MAIL FROM:<alice@example\.test>/m);
  assert.match(text, /^C: RCPT TO:<bob@example\.org>/m);
  assert.match(text, /^C: DATA$/m);
  assert.match(text, /^C: \{\d+ octets\}$/m);
  if (process.env.SHOW_TRACE) console.log(text);
  assert.match(text, /^S: 250 /m);
  const b64 = Buffer.from(`\u0000${sink.user}\u0000${sink.password}`).toString('base64');
  for (const secret of [sink.password, b64, Buffer.from(sink.password).toString('base64'), 'TOP-SECRET-BODY-LINE']) {
    assert.ok(!text.includes(secret), `trace must not contain ${secret}`);
  }
});

test('without a trace nothing is logged (and sending works as before)', async () => {
  await sendRaw({
    smtp: { host: sink.host, port: sink.port, security: 'starttls', user: sink.user, ca: sink.caFile },
    accountName: 'work',
    credentials: passwordCredentials(sink.user, async () => sink.password),
    envelope: { from: 'alice@example.test', to: ['bob@example.org'] },
    raw: Buffer.from(BODY),
  });
  assert.equal(sink.received.length, 2);
});

test('SmtpRedactor: AUTH LOGIN / PLAIN / XOAUTH2 exchanges are hidden until the final reply', () => {
  const r = new SmtpRedactor();
  assert.equal(r.client('AUTH LOGIN'), 'AUTH LOGIN');
  assert.equal(r.server('334 VXNlcm5hbWU6'), '334 ***');
  assert.equal(r.client('YWxpY2U='), '***');
  assert.equal(r.server('334 UGFzc3dvcmQ6'), '334 ***');
  assert.equal(r.client('c2VjcmV0'), '***');
  assert.equal(r.server('235 2.7.0 Authentication successful'), '235 2.7.0 Authentication successful');
  assert.equal(r.client('MAIL FROM:<a@b>'), 'MAIL FROM:<a@b>');
  const p = new SmtpRedactor();
  assert.equal(p.client('AUTH PLAIN AGFsaWNlAHNlY3JldA=='), 'AUTH PLAIN ***');
  assert.equal(p.server('535 5.7.8 bad'), '535 5.7.8 bad');
  assert.equal(p.client('QUIT'), 'QUIT');
  const x = new SmtpRedactor();
  assert.equal(x.client('auth xoauth2 dXNlcj1h'), 'AUTH xoauth2 ***');
  assert.equal(x.server('334 eyJzdGF0dXMiOiI0MDEifQ=='), '334 ***');
  assert.equal(x.client(''), '***');
});
