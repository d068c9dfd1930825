// The embedded demo server with a standard client: curl's IMAP and POP3 (a different
// implementation than ours), plus the shared-mailbox behaviour the demo is about.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server.js';
import { createAccount } from '../../src/accounts/index.js';
import { TraceBuffer } from '../../src/trace/buffer.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = promisify(execFile);

function curlSupports(): { skip?: string } {
  try {
    const out = execFileSync('curl', ['--version']).toString();
    if (/Protocols:.*\bimap\b/.test(out) && /Protocols:.*\bpop3\b/.test(out)) return {};
    return { skip: 'curl lacks imap/pop3' };
  } catch {
    return { skip: 'curl is not installed' };
  }
}

describe('demo server with curl', curlSupports(), () => {
  let demo: DemoServer;
  let auth: string;
  // Async: the server runs in this process, a blocking call would starve it.
  const curl = async (...args: string[]) => (await run('curl', ['-sS', '--max-time', '10', '-u', auth, ...args])).stdout;

  before(async () => {
    demo = await startDemoServer();
    auth = `${demo.credentials.user}:${demo.credentials.password}`;
  });
  after(async () => {
    await demo?.close();
  });

  test('IMAP: LIST, a message by UID, SEARCH, EXAMINE counts', async () => {
    const base = `imap://127.0.0.1:${demo.imapPort}`;
    const list = await curl(`${base}/`);
    for (const name of ['INBOX', 'Sent', 'Trash', 'Archive']) assert.match(list, new RegExp(`"${name}"`));
    assert.match(list, /\\Trash/);
    const msg = await curl(`${base}/INBOX;UID=1`);
    assert.equal(Buffer.byteLength(msg), demo.store.folder('INBOX')!.messages[0]!.raw.length);
    assert.match(msg, /^Message-ID: <demo-/);
    assert.match(await curl(`${base}/INBOX?SUBJECT%20Lunch`), /^\* SEARCH( \d+){5}\r?\n$/);
    assert.match(await curl(`${base}/`, '-X', 'EXAMINE INBOX'), /\* 50 EXISTS/);
    const denied = await run('curl', ['-sS', '--max-time', '10', '-u', 'demo:wrong', `${base}/`]).catch((e: { code: number }) => e);
    assert.equal((denied as { code: number }).code, 67, 'login denied');
  });

  test('POP3: LIST, UIDL, RETR, TOP — and DELE takes effect at QUIT, visible to IMAP', async () => {
    const base = `pop3://127.0.0.1:${demo.pop3Port}`;
    const list = (await curl(`${base}/`)).trim().split(/\r?\n/);
    assert.equal(list.length, demo.store.folder('INBOX')!.messages.length);
    const uidl = await curl(`${base}/`, '-X', 'UIDL');
    assert.match(uidl, /^1 \d+-1\r?\n/);
    const retr = await curl(`${base}/2`);
    assert.equal(Buffer.byteLength(retr), demo.store.folder('INBOX')!.messages[1]!.raw.length, 'dot-unstuffed by curl, byte-exact');
    const top = await curl(`${base}/3`, '-X', 'TOP 3 0');
    assert.match(top, /^Message-ID:[\s\S]*\r\n\r\n$/);
    const before = demo.store.folder('INBOX')!.messages.length;
    await curl(`${base}/1`, '-X', 'DELE', '-I');
    assert.equal(demo.store.folder('INBOX')!.messages.length, before - 1, 'removed at QUIT');
  });
});

describe('demo server protocol details', () => {
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer();
  });
  after(async () => {
    await demo?.close();
  });

  /** A raw conversation: sends lines, waits for `until` in the output. */
  const talk = (port: number, script: string[], until: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const s = createConnection(port, '127.0.0.1');
      let out = '';
      const t = setTimeout(() => {
        s.destroy();
        reject(new Error(`timeout; got:\n${out}`));
      }, 5000);
      s.on('data', (d) => {
        out += d.toString();
        if (until.test(out)) {
          clearTimeout(t);
          s.end();
          resolve(out);
        }
      });
      s.on('connect', () => s.write(script.join('\r\n') + '\r\n'));
      s.on('error', reject);
    });

  test('POP3 RETR dot-stuffs, RSET undoes DELE, other sessions see only a QUIT', async () => {
    const pw = demo.credentials.password;
    demo.store.append('INBOX', Buffer.from('Subject: dots\r\n\r\n.leading dot\r\n.\r\nend\r\n'));
    const n = demo.store.folder('INBOX')!.messages.length;
    const out = await talk(demo.pop3Port, ['USER demo', `PASS ${pw}`, `RETR ${n}`, `DELE ${n}`, 'RSET', 'STAT', 'QUIT'], /\+OK bye/);
    assert.match(out, /\r\n\.\.leading dot\r\n\.\.\r\nend\r\n\.\r\n/);
    assert.match(out, new RegExp(`\\+OK ${n} \\d+`), 'RSET restored the message');
    assert.equal(demo.store.folder('INBOX')!.messages.length, n);
  });

  test('IMAP: no big literal before login; APPEND after it', async () => {
    const refused = await talk(demo.imapPort, ['a LOGIN {100000}'], /\* BYE/);
    assert.doesNotMatch(refused, /\+ Ready/);
    const msg = 'Subject: appended\r\n\r\nhello\r\n';
    const out = await talk(
      demo.imapPort,
      [`a LOGIN demo "${demo.credentials.password}"`, `b APPEND Sent (\\Seen) {${Buffer.byteLength(msg)}+}\r\n${msg}`, 'c LOGOUT'],
      /c OK/,
    );
    assert.match(out, /b OK \[APPENDUID \d+ 1\]/);
    const sent = demo.store.folder('Sent')!.messages;
    assert.equal(sent.at(-1)!.raw.toString(), msg);
    assert.ok(sent.at(-1)!.flags.has('\\Seen'));
  });

  test('POP3 APOP login (demo greeting has a timestamp): the digest is never traced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tmail-demo-apop-'));
    const trace = new TraceBuffer();
    const [, pop3] = demo.accounts();
    const account = await createAccount(
      { ...pop3!, apop: true, leaveOnServer: true },
      { getPassword: async () => demo.credentials.password, dataDir: dir, trace },
    );
    try {
      await account.connect();
      const result = await account.sync!();
      assert.ok(result.downloaded > 0);
      const lines = trace.entries().map((e) => `${e.dir}: ${e.text}`);
      assert.ok(lines.includes('C: APOP demo ***'), lines.join('\n'));
      assert.ok(lines.every((l) => !/[0-9a-f]{32}/.test(l) && !l.includes(demo.credentials.password)));
      assert.ok(!lines.some((l) => /^C: PASS/.test(l)), 'no USER/PASS fallback');
    } finally {
      await account.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('IMAP: a session in IDLE hears an EXPUNGE when POP3 removes mail', async () => {
    const pw = demo.credentials.password;
    const idle = createConnection(demo.imapPort, '127.0.0.1');
    let out = '';
    idle.on('data', (d) => (out += d.toString()));
    await new Promise((r) => idle.on('connect', r));
    idle.write(`a LOGIN demo "${pw}"\r\nb SELECT INBOX\r\nc IDLE\r\n`);
    const wait = async (re: RegExp) => {
      for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 20));
      assert.match(out, re);
    };
    await wait(/\+ idling/);
    await talk(demo.pop3Port, ['USER demo', `PASS ${pw}`, 'DELE 1', 'QUIT'], /\+OK bye/);
    await wait(/\* 1 EXPUNGE/);
    idle.write('DONE\r\nd LOGOUT\r\n');
    await wait(/c OK IDLE terminated/);
    idle.destroy();
  });
});
