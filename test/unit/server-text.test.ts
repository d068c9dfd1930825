// The wording tables shared by the protocols: server timing noise, which protocol greeted, and the
// one set of timeouts; plus the POP3 error table (crash words, wrong protocol, -ERR text).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { describeError } from '../../src/accounts/pop3/network-errors.js';
import { Pop3ProtocolError, Pop3ServerError } from '../../src/accounts/pop3/response-reader.js';
import { DEFAULT_LIMITS } from '../../src/accounts/pop3/client.js';
import { DEFAULT_TUNING } from '../../src/accounts/imap/imap-account.js';
import { DEFAULT_SMTP_TIMEOUTS } from '../../src/compose/transport.js';
import { cleanServerText, greetingProtocol, stripServerTiming, wrongProtocolText } from '../../src/accounts/server-text.js';
import { NETWORK_TIMEOUTS } from '../../src/accounts/timeouts.js';
import { errorText } from '../../src/ui/state/error-text.js';

test('server timing noise is removed, in every form Dovecot writes it', () => {
  for (const [input, out] of [
    ["Mailbox doesn't exist: X (0.001 + 0.000 secs).", "Mailbox doesn't exist: X"],
    ['Logged in (0.004 + 0.000 + 0.003 secs).', 'Logged in'],
    ['Select completed (0.002 secs).', 'Select completed'],
    ['Quota (see 0.5 secs) exceeded', 'Quota (see 0.5 secs) exceeded'],
    ['plain text', 'plain text'],
  ] as const) {
    assert.equal(cleanServerText(input), out, input);
  }
  assert.equal(stripServerTiming('a (1 + 2 secs) b'), 'a b');
  assert.equal(errorText(new Error('work: the server refused: Mailbox full (0.001 + 0.000 secs).')), 'work: the server refused: Mailbox full');
  assert.equal(cleanServerText('x\u001b[2Jy'), 'xy');
});

test('greetings tell the protocol apart', () => {
  assert.equal(greetingProtocol('* OK [CAPABILITY IMAP4rev1] Dovecot ready.'), 'imap');
  assert.equal(greetingProtocol('* PREAUTH ready'), 'imap');
  assert.equal(greetingProtocol('+OK Dovecot ready.'), 'pop3');
  assert.equal(greetingProtocol('-ERR too many connections'), 'pop3');
  assert.equal(greetingProtocol('220 mail.example.org ESMTP Postfix'), 'smtp');
  assert.equal(greetingProtocol('SSH-2.0-OpenSSH_9.6'), undefined);
  assert.equal(wrongProtocolText('h:1', 'imap', '* OK ready'), undefined);
  assert.equal(wrongProtocolText('h:1', 'imap', 'SSH-2.0-x'), undefined);
  assert.equal(
    wrongProtocolText('h:110', 'imap', '+OK Dovecot ready.'),
    'h:110 is a POP3 server (it greeted with "+OK Dovecot ready."), not IMAP: wrong port? IMAP is usually on 993 (TLS) or 143 (STARTTLS)',
  );
  assert.match(
    wrongProtocolText('h:25', 'pop3', '220 smtp ready')!,
    /^h:25 is an SMTP server .*not POP3: wrong port\? POP3 is usually on 995 \(TLS\) or 110 \(STLS\)$/,
  );
  // A hostile greeting cannot paint the terminal or fill the line.
  const evil = wrongProtocolText('h:1', 'pop3', `* OK \u001b]0;x\u0007${'y'.repeat(500)}`)!;
  assert.doesNotMatch(evil, /\u001b/);
  assert.ok(evil.length < 250);
});

test('one set of timeouts for IMAP, POP3 and SMTP', () => {
  assert.equal(DEFAULT_TUNING.connectTimeoutMs, NETWORK_TIMEOUTS.connectMs);
  assert.equal(DEFAULT_TUNING.greetingTimeoutMs, NETWORK_TIMEOUTS.greetingMs);
  assert.equal(DEFAULT_TUNING.operationTimeoutMs, NETWORK_TIMEOUTS.replyMs);
  assert.equal(DEFAULT_LIMITS.timeoutMs, NETWORK_TIMEOUTS.replyMs);
  assert.deepEqual(DEFAULT_SMTP_TIMEOUTS, {
    connectionMs: NETWORK_TIMEOUTS.connectMs,
    greetingMs: NETWORK_TIMEOUTS.greetingMs,
    socketMs: NETWORK_TIMEOUTS.replyMs,
  });
});

test('POP3 error table: crash words, greeting timeout, wrong protocol, -ERR without timing', () => {
  const where = 'POP3 h:110';
  const code = (c: string) => describeError(Object.assign(new Error('x'), { code: c }), where);
  assert.equal(code('ECONNCLOSED').message, 'POP3 h:110: the server closed the connection (the server process may have crashed or restarted)');
  assert.equal(code('ECONNRESET').message, 'POP3 h:110: the server reset the connection (the server process may have crashed or restarted)');
  assert.equal(code('GREETING_TIMEOUT').message, 'POP3 h:110: the server sent no greeting in time');
  assert.equal(code('REPLY_TIMEOUT').message, 'POP3 h:110: the server stopped answering');
  for (const c of ['ECONNCLOSED', 'GREETING_TIMEOUT', 'REPLY_TIMEOUT']) assert.equal(code(c).kind, 'network');
  const imap = describeError(new Pop3ProtocolError('the server sent a reply that is neither +OK nor -ERR', '* OK [CAPABILITY IMAP4rev1] ready'), where);
  assert.ok(imap instanceof AccountError);
  assert.equal(imap.kind, 'config');
  assert.match(imap.message, /^h:110 is an IMAP server \(it greeted with "\* OK \[CAPABILITY IMAP4rev1\] ready"\), not POP3/);
  assert.equal(describeError(new Pop3ProtocolError('garbage', 'xyz'), where).message, 'POP3 h:110: garbage');
  assert.equal(describeError(new Pop3ServerError('[IN-USE] locked (0.001 + 0.000 secs).'), where).message, 'POP3 h:110: the server refused: [IN-USE] locked');
});
