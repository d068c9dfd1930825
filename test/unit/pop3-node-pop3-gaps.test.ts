// Verifies the node-pop3 0.11 gaps that made us write our own layer (src/accounts/pop3/client.ts),
// and that our client closes each of them against the same scripted server.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Pop3Command from 'node-pop3';
import { Pop3Client } from '../../src/accounts/pop3/client.js';
import { startFakePop3, type FakePop3Server } from '../helpers/pop3-fake-server.js';

const MESSAGE = Buffer.from('Subject: dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nend\r\n');
const servers: FakePop3Server[] = [];
after(async () => Promise.all(servers.map((s) => s.stop())));

async function server(split?: (b: Buffer) => Buffer[]) {
  const s = await startFakePop3({ messages: [MESSAGE], split, greeting: 'ready <1.2@fake>' });
  servers.push(s);
  return s;
}

test('node-pop3 has no STLS and no APOP', () => {
  const proto = Pop3Command.prototype as unknown as Record<string, unknown>;
  assert.equal(proto.STLS, undefined);
  assert.equal(proto.APOP, undefined);
});

test('node-pop3 RETR does not undo dot-stuffing; ours does', async () => {
  const s = await server();
  const np = new Pop3Command({ host: '127.0.0.1', port: s.port, user: 'alice', password: 'secret', timeout: 5000 });
  const theirs = await np.RETR(1);
  await np.QUIT();
  assert.match(theirs, /\r\n\.\.starts with a dot/);

  const ours = await Pop3Client.connect({ host: '127.0.0.1', port: s.port, security: 'none' });
  await ours.login({ user: 'alice', password: 'secret' });
  assert.deepEqual(await ours.retr(1, 'crlf'), MESSAGE);
  await ours.quit();
});

test('node-pop3 hangs when the terminator is split across packets; ours does not', async () => {
  // Split the RETR reply inside its terminator: "…\r\n." then "\r\n".
  const s = await server((b) => {
    const i = b.lastIndexOf('\r\n.\r\n');
    return i > 0 && /^\+OK \d+ octets/.test(b.toString('latin1')) ? [b.subarray(0, i + 3), b.subarray(i + 3)] : [b];
  });
  const np = new Pop3Command({ host: '127.0.0.1', port: s.port, user: 'alice', password: 'secret', timeout: 1000 });
  // Its own socket timeout fires but destroys the body stream without an 'end' or 'error', so the
  // RETR promise never settles; give it well past that timeout, then drop the socket ourselves.
  const outcome = await Promise.race([
    np.RETR(1).then(
      () => 'resolved',
      () => 'rejected',
    ),
    new Promise((r) => setTimeout(() => r('still pending'), 3000)),
  ]);
  assert.equal(outcome, 'still pending');
  (np as unknown as { _socket?: { destroy(): void } | null })._socket?.destroy();

  const ours = await Pop3Client.connect({ host: '127.0.0.1', port: s.port, security: 'none' });
  await ours.login({ user: 'alice', password: 'secret' });
  assert.deepEqual(await ours.retr(1, 'crlf'), MESSAGE);
  await ours.quit();
});
