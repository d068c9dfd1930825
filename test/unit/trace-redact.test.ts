// Redaction, body summaries and bounds of the protocol trace (src/trace).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TraceBuffer, MAX_TRACE_LINE } from '../../src/trace/buffer.js';
import { openTraceFile, TraceFileError } from '../../src/trace/file-sink.js';
import { pop3TraceFunction } from '../../src/trace/pop3-trace.js';
import { ImapRedactor, Pop3Redactor, redactImapCommand, redactPop3Command } from '../../src/trace/redact.js';
import { SmtpRedactor } from '../../src/trace/smtp-trace.js';
import { WireLines } from '../../src/trace/wire-lines.js';

/** Feeds `wire` to a WireLines in chunks of `size` bytes. */
function lines(wire: string | Buffer, size = 3): string[] {
  const w = new WireLines();
  const buf = Buffer.isBuffer(wire) ? wire : Buffer.from(wire, 'utf8');
  const out: string[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(...w.push(buf.subarray(i, i + size)));
  return out;
}

test('IMAP LOGIN: atom, quoted and literal passwords become ***; the user stays', () => {
  assert.equal(redactImapCommand('A1 LOGIN alice s3cret').text, 'A1 LOGIN alice ***');
  assert.equal(redactImapCommand('2 login "bob smith" "pa ss\\"word"').text, '2 LOGIN "bob smith" ***');
  // Literal forms as they travel: `{5}` CRLF bytes — through the line assembler first.
  const [literal] = lines('A3 LOGIN {5}\r\nalice {8}\r\nliteral!\r\n', 4);
  assert.equal(literal, 'A3 LOGIN {5 octets} {8 octets}');
  assert.equal(redactImapCommand(literal!).text, 'A3 LOGIN {5 octets} ***');
  assert.equal(redactImapCommand('A4 LOGIN {5+}').text, 'A4 LOGIN {5+} ***');
  assert.equal(redactImapCommand('A5 SELECT INBOX').text, 'A5 SELECT INBOX');
});

test('IMAP AUTHENTICATE: initial response and every continuation are hidden until the tagged answer', () => {
  const r = new ImapRedactor();
  const plain = Buffer.from('\u0000alice\u0000hunter2').toString('base64');
  assert.equal(r.client(`A1 AUTHENTICATE PLAIN ${plain}`), 'A1 AUTHENTICATE PLAIN ***');
  assert.equal(r.server('A1 OK done'), 'A1 OK done');
  assert.equal(r.client('A2 AUTHENTICATE XOAUTH2'), 'A2 AUTHENTICATE XOAUTH2');
  assert.equal(r.server('+ '), '+ ***');
  assert.equal(r.client(Buffer.from('user=alice\u0001auth=Bearer ya29.token\u0001\u0001').toString('base64')), '***');
  assert.equal(r.server('+ eyJzdGF0dXMiOiI0MDEifQ=='), '+ ***');
  assert.equal(r.client(''), '***');
  assert.equal(r.server('A2 NO [AUTHENTICATIONFAILED] no'), 'A2 NO [AUTHENTICATIONFAILED] no');
  assert.equal(r.client('A3 LOGOUT'), 'A3 LOGOUT', 'back to normal after the tagged answer');
});

test('POP3: PASS, APOP digests and AUTH payloads become ***', () => {
  assert.equal(redactPop3Command('PASS hunter2 with spaces'), 'PASS ***');
  assert.equal(redactPop3Command('pass x'), 'PASS ***');
  assert.equal(redactPop3Command('APOP alice c4c9334bac560ecc979e58001b3e22fb'), 'APOP alice ***');
  assert.equal(redactPop3Command('AUTH PLAIN AGFsaWNlAGh1bnRlcjI='), 'AUTH PLAIN ***');
  assert.equal(redactPop3Command('RETR 1'), 'RETR 1');
  const r = new Pop3Redactor();
  assert.equal(r.client('AUTH XOAUTH2'), 'AUTH XOAUTH2');
  assert.equal(r.server('+ '), '+ ***');
  assert.equal(r.client('dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2tlbgEB'), '***');
  assert.equal(r.server('+OK welcome'), '+OK welcome');
  assert.equal(r.client('STAT'), 'STAT');
});

test('POP3 client trace lines are routed with direction and redacted again', () => {
  const buf = new TraceBuffer();
  const trace = pop3TraceFunction(buf, 'home');
  trace('connecting to 127.0.0.1:110 (STLS)');
  trace('C: USER alice');
  trace('C: PASS oops-unmasked');
  trace('S: +OK 2312 octets (2312 octets)');
  assert.deepEqual(
    buf.entries().map((e) => `${e.dir} ${e.text}`),
    ['- connecting to 127.0.0.1:110 (STLS)', 'C USER alice', 'C PASS ***', 'S +OK 2312 octets (2312 octets)'],
  );
});

test('message bodies are summarised as {N octets}, whatever the chunking', () => {
  const body = 'Subject: secret plans\r\n\r\nThe launch code is 0000.\r\n';
  const n = Buffer.byteLength(body);
  const wire = `* 12 FETCH (UID 7 BODY[] {${n}}\r\n${body} FLAGS (\\Seen))\r\nA9 OK done\r\n`;
  for (const size of [1, 2, 7, 64, 4096]) {
    const out = lines(wire, size);
    assert.deepEqual(out, [`* 12 FETCH (UID 7 BODY[] {${n} octets} FLAGS (\\Seen))`, 'A9 OK done'], `chunk size ${size}`);
  }
  // Two literals in one response, and a zero-length one.
  assert.deepEqual(lines('* 1 FETCH (BODY[HEADER] {3}\r\nab\n BODY[TEXT] {0}\r\n)\r\n'), ['* 1 FETCH (BODY[HEADER] {3 octets} BODY[TEXT] {0 octets})']);
  // Non-ASCII protocol text is decoded as UTF-8.
  assert.deepEqual(lines('* LIST () "/" "Entwürfe"\r\n', 1), ['* LIST () "/" "Entwürfe"']);
});

test('an endless line is cut, not kept: memory stays bounded', () => {
  const w = new WireLines();
  const chunk = Buffer.alloc(64 * 1024, 'x');
  for (let i = 0; i < 100; i++) assert.deepEqual(w.push(chunk), []);
  const [line] = w.push(Buffer.from('\r\n'));
  assert.ok(line && line.length < 10_000, 'bounded');
  assert.match(line!, /… \(\+\d+ bytes\)$/);
});

test('the ring buffer keeps only the newest entries, sanitized and length-capped', () => {
  const buf = new TraceBuffer(3);
  for (let i = 1; i <= 5; i++) buf.add({ account: 'a', protocol: 'imap', dir: 'S', text: `line ${i}` });
  assert.deepEqual(
    buf.entries().map((e) => e.text),
    ['line 3', 'line 4', 'line 5'],
  );
  assert.equal(buf.added, 5);
  buf.add({ account: 'a\u001b[31m', protocol: 'imap', dir: 'S', text: 'evil \u001b]0;title\u0007\u001b[2Jtext' });
  const last = buf.entries().at(-1)!;
  assert.equal(last.text, 'evil text');
  assert.ok(!last.account.includes('\u001b'));
  buf.add({ account: 'a', protocol: 'imap', dir: 'S', text: 'y'.repeat(10_000) });
  assert.ok(buf.entries().at(-1)!.text.length < MAX_TRACE_LINE + 40);
  assert.deepEqual(buf.entries('other'), []);
});

test('--trace file: appended lines, mode 0600 even for an existing file, clear error for a bad path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmail-trace-'));
  try {
    const path = join(dir, 'trace.log');
    writeFileSync(path, 'earlier\n', { mode: 0o644 });
    const buf = new TraceBuffer();
    const file = openTraceFile(path, buf);
    buf.add({ account: 'Demo (IMAP)', protocol: 'imap', dir: 'C', text: 'A1 NOOP' });
    file.close();
    buf.add({ account: 'Demo (IMAP)', protocol: 'imap', dir: 'C', text: 'after close' });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const text = readFileSync(path, 'utf8');
    assert.match(text, /^earlier\n\d\d:\d\d:\d\d\.\d{3} \[Demo \(IMAP\)\] C: A1 NOOP\n$/);
    assert.throws(() => openTraceFile(join(dir, 'missing', 'x.log'), buf), TraceFileError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('OAuth2 exchanges: XOAUTH2/OAUTHBEARER payloads, JSON error challenges and the abort answer are hidden (POP3, SMTP)', () => {
  const token = 'ya29.secret-token';
  const xoauth2 = Buffer.from(`user=alice\u0001auth=Bearer ${token}\u0001\u0001`).toString('base64');
  const challenge = Buffer.from('{"status":"invalid_token","schemes":"bearer","scope":"mail"}').toString('base64');
  const pop3 = new Pop3Redactor();
  assert.equal(pop3.client(`AUTH OAUTHBEARER ${xoauth2}`), 'AUTH OAUTHBEARER ***');
  assert.equal(pop3.server(`+ ${challenge}`), '+ ***');
  assert.equal(pop3.client('AQ=='), '***');
  assert.equal(pop3.server('-ERR [AUTH] Authentication failed.'), '-ERR [AUTH] Authentication failed.');
  // A second try in the same session is hidden again.
  assert.equal(pop3.client(`AUTH XOAUTH2 ${xoauth2}`), 'AUTH XOAUTH2 ***');
  const smtp = new SmtpRedactor();
  assert.equal(smtp.client(`AUTH XOAUTH2 ${xoauth2}`), 'AUTH XOAUTH2 ***');
  assert.equal(smtp.server(`334 ${challenge}`), '334 ***');
  assert.equal(smtp.client(''), '***');
  assert.equal(smtp.server('535 5.7.8 Error: authentication failed'), '535 5.7.8 Error: authentication failed');
  assert.equal(smtp.client('QUIT'), 'QUIT');
});
