// Sockets read into one buffer of the connection's (`onread`) and hand the reader a view of it:
// the reader must copy whatever it keeps before `push` returns, because the next read overwrites it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseReader, type ReplyRequest } from '../../src/accounts/pop3/response-reader.js';

const WIRE = Buffer.from(
  [
    '+OK greeting <1.2@host>\r\n',
    '+OK 2 messages\r\n1 uid-one\r\n2 uid-two\r\n.\r\n',
    '+OK 40 octets\r\nSubject: a\r\n\r\n..dot\r\nlone\rcr \xe9\r\n.\r\n',
    '+OK\r\nSubject: b\r\n\r\nb\r\n.\r\n',
    '-ERR no such message\r\n',
    '+OK marked\r\n',
  ].join(''),
  'latin1',
);

const status: ReplyRequest = { multiline: false, maxStatusLength: 512 };
const listing: ReplyRequest = { multiline: true, maxStatusLength: 512, maxLines: 100, maxLineLength: 100 };
const retr: ReplyRequest = { multiline: true, maxStatusLength: 512, lineEnding: 'lf' };

async function readAll(reader: ResponseReader, deliver: () => void): Promise<string[]> {
  const replies = [reader.expect(status), reader.expect(listing), reader.expect(retr), reader.expect(retr), reader.expect(status), reader.expect(status)];
  deliver();
  return Promise.all(replies.map((p) => p.then((r) => `${r.status}|${r.body?.toString('latin1') ?? ''}`).catch((e: Error) => `error ${e.message}`)));
}

test('replies read from one reused read buffer are the same as from fresh buffers, for every read size', async () => {
  const fresh = new ResponseReader();
  const reference = readAll(fresh, () => fresh.push(Buffer.from(WIRE)));
  assert.deepEqual(await reference, [
    'greeting <1.2@host>|',
    '2 messages|1 uid-one\r\n2 uid-two\r\n',
    '40 octets|Subject: a\n\n.dot\nlone\rcr \xe9\n',
    '|Subject: b\n\nb\n',
    'error no such message',
    'marked|',
  ]);
  const scratch = Buffer.alloc(64);
  for (let size = 1; size <= scratch.length; size++) {
    const reader = new ResponseReader();
    const got = readAll(reader, () => {
      for (let at = 0; at < WIRE.length; at += size) {
        const n = WIRE.copy(scratch, 0, at, Math.min(at + size, WIRE.length));
        reader.push(scratch.subarray(0, n));
        // The next read lands here: whatever the reader kept a reference to is garbage now.
        scratch.fill(0x41);
      }
    });
    assert.deepEqual(await got, await reference, `reads of ${size} bytes`);
  }
});
