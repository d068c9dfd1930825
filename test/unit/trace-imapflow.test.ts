// The trace on the wire formats imapflow really sends: LOGIN with quoted and literal passwords
// (a tiny loopback server that offers only LOGIN) and AUTHENTICATE PLAIN (the demo server).
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { CommandReader, text, tokenize } from '../../src/demo/imap-tokens.js';
import { startDemoServer } from '../../src/demo/demo-server.js';
import { TraceBuffer } from '../../src/trace/buffer.js';
import { imapTraceLogger } from '../../src/trace/imap-logger.js';
import { traceReadsAsBuffers } from '../../src/accounts/imap/connect-options.js';

/**
 * Accepts any LOGIN (or AUTHENTICATE with `caps`); records the secret it received, so the test
 * knows it really was sent.
 */
async function loginOnlyServer(caps = 'IMAP4rev1'): Promise<{ port: number; received: string[]; close: () => Promise<void> }> {
  const received: string[] = [];
  const server = createServer((socket) => {
    const reader = new CommandReader();
    let saslTag: string | undefined;
    socket.write(`* OK [CAPABILITY ${caps}] fake ready\r\n`);
    socket.on('data', (chunk: Buffer) => {
      for (const parts of reader.push(chunk, () => socket.write('+ go ahead\r\n'))) {
        const t = tokenize(parts);
        if (saslTag) {
          received.push(text(t[0]));
          socket.write(`${saslTag} OK [CAPABILITY IMAP4rev1] authenticated\r\n`);
          saslTag = undefined;
          continue;
        }
        const tag = text(t[0]);
        const cmd = text(t[1]).toUpperCase();
        if (cmd === 'AUTHENTICATE') {
          if (t[3] !== undefined) {
            received.push(text(t[3]));
            socket.write(`${tag} OK [CAPABILITY IMAP4rev1] authenticated\r\n`);
          } else {
            saslTag = tag;
            socket.write('+ \r\n');
          }
        } else if (cmd === 'LOGIN') {
          received.push(text(t[3]));
          socket.write(`${tag} OK [CAPABILITY IMAP4rev1] logged in\r\n`);
        } else if (cmd === 'LOGOUT') {
          socket.write(`* BYE\r\n${tag} OK bye\r\n`);
          socket.end();
        } else if (cmd === 'CAPABILITY') socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK\r\n`);
        else socket.write(`${tag} OK\r\n`);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function loginWith(port: number, user: string, pass: string, buf: TraceBuffer): Promise<void> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user, pass },
    logger: imapTraceLogger(buf, 'fake') as never,
    logRaw: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  await client.logout();
}

for (const [kind, password] of [
  ['plain atom', 'hunter2atom'],
  ['quoted (spaces and quotes)', 'pa ss"wo\\rd'],
  ['literal (non-ASCII)', 'pässwörd-ünïcode'],
  ['quoted (literal-like braces)', 'brace{12}and*percent%'],
] as const) {
  test(`imapflow LOGIN with a ${kind} password: sent to the server, never in the trace`, async () => {
    const server = await loginOnlyServer();
    const buf = new TraceBuffer();
    try {
      await loginWith(server.port, 'alice', password, buf);
      assert.equal(server.received[0], password, 'the server got the real password');
      const all = buf.entries().map((e) => `${e.dir}: ${e.text}`);
      const joined = all.join('\n');
      for (const piece of [password, ...password.split(/\s+|\r\n/).filter((p) => p.length > 3)]) {
        assert.ok(!joined.includes(piece), `"${piece}" must not appear:\n${joined}`);
      }
      assert.ok(
        all.some((l) => /^C: \S+ LOGIN .*\*\*\*$/.test(l)),
        `a redacted LOGIN line:\n${joined}`,
      );
      assert.ok(all.some((l) => /^S: \S+ OK/.test(l)));
    } finally {
      await server.close();
    }
  });
}

test('imapflow AUTHENTICATE PLAIN (demo server): payload hidden, exchange visible', async () => {
  const demo = await startDemoServer({ messages: false });
  const buf = new TraceBuffer();
  try {
    await loginWith(demo.imapPort, demo.credentials.user, demo.credentials.password, buf);
    const all = buf.entries().map((e) => `${e.dir}: ${e.text}`);
    const joined = all.join('\n');
    const payload = Buffer.from(`\u0000${demo.credentials.user}\u0000${demo.credentials.password}`).toString('base64');
    assert.ok(!joined.includes(demo.credentials.password));
    assert.ok(!joined.includes(payload) && !joined.includes(payload.slice(4, 20)));
    assert.ok(
      all.some((l) => /^C: \S+ AUTHENTICATE PLAIN/.test(l)),
      joined,
    );
    assert.ok(
      all.some((l) => /^S: \S+ OK .*logged in/.test(l)),
      joined,
    );
  } finally {
    await demo.close();
  }
});

test('imapflow AUTHENTICATE XOAUTH2 (SASL-IR): the OAuth token never reaches the trace', async () => {
  const server = await loginOnlyServer('IMAP4rev1 AUTH=XOAUTH2 SASL-IR');
  const buf = new TraceBuffer();
  const token = 'ya29.a0AfH6SMB-secret-oauth-token';
  try {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      auth: { user: 'alice@example.com', accessToken: token },
      logger: imapTraceLogger(buf, 'fake') as never,
      logRaw: true,
    });
    client.on('error', () => undefined);
    await client.connect();
    await client.logout();
    const payload = server.received[0] ?? '';
    assert.ok(Buffer.from(payload, 'base64').toString().includes(token), 'the server got the token');
    const joined = buf
      .entries()
      .map((e) => `${e.dir}: ${e.text}`)
      .join('\n');
    assert.ok(!joined.includes(token) && !joined.includes(payload) && !joined.includes(payload.slice(10, 40)), joined);
    assert.match(joined, /C: \S+ AUTHENTICATE XOAUTH2 \*\*\*/);
  } finally {
    await server.close();
  }
});

test('reads reach the trace as Buffers (no base64 round trip): the S: lines are the same, a literal is counted', async () => {
  const demo = await startDemoServer();
  const buf = new TraceBuffer();
  const logger = imapTraceLogger(buf, 'demo');
  const base64Reads: string[] = [];
  const trace = logger.trace.bind(logger);
  logger.trace = (entry) => {
    if (entry.msg === 'read from socket') base64Reads.push(entry.data ?? '');
    trace(entry);
  };
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: demo.imapPort,
    secure: false,
    auth: { user: demo.credentials.user, pass: demo.credentials.password },
    logger: logger as never,
    logRaw: true,
  });
  client.on('error', () => undefined);
  traceReadsAsBuffers(client);
  try {
    await client.connect();
    await client.mailboxOpen('INBOX');
    const message = await client.fetchOne('1', { source: true });
    assert.ok(message && message.source && message.source.length > 100, 'the message arrived whole');
    await client.logout();
    const joined = buf
      .entries()
      .map((e) => `${e.dir}: ${e.text}`)
      .join('\n');
    assert.deepEqual(base64Reads, [], 'imapflow logged no read as base64');
    assert.match(joined, /^S: \* OK/m, 'the greeting');
    assert.match(joined, new RegExp(`^S: \\* 1 FETCH .*\\{${message.source.length} octets\\}`, 'm'), `the literal counted:\n${joined}`);
    assert.match(joined, /^S: \S+ OK .*logged in/m);
    assert.ok(!joined.includes(demo.credentials.password));
  } finally {
    await demo.close();
  }
});
