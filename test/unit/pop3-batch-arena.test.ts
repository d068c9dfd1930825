// Bodies read into a BatchArena and written from it by the Maildir batch writer:
// a pipelined burst lands back to back in the arena, every split of the wire gives the same bytes,
// a body that does not fit gets a buffer of its own, and the files on disk are exact either way.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ResponseReader, type ReplyRequest, unstuff } from '../../src/accounts/pop3/response-reader.js';
import { Maildir } from '../../src/store/maildir.js';
import { BatchArena } from '../../src/store/maildir-batch-writer.js';
import { newKey } from '../../src/store/maildir-names.js';

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-arena-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

const WIRE = Buffer.from(
  '+OK 1\r\nSubject: a\r\n\r\n..dot\r\nlone\rcr \xe9\r\n.\r\n' + '+OK 2\r\nSubject: b\r\n\r\nb\r\n.\r\n' + '+OK 3\r\n.\r\n' + '+OK 4\r\nx\n.\n',
  'latin1',
);
const EXPECTED = ['Subject: a\n\n.dot\nlone\rcr \xe9\n', 'Subject: b\n\nb\n', '', 'x\n'];

test('a pipelined burst is unstuffed straight into the arena, back to back, for every split of the wire', async () => {
  for (let split = 1; split < WIRE.length; split++) {
    const arena = new BatchArena(256);
    const reader = new ResponseReader();
    const reqs: ReplyRequest[] = EXPECTED.map(() => ({ multiline: true, maxStatusLength: 512, lineEnding: 'lf', allocator: arena }));
    const replies = reader.expectAll(reqs);
    reader.push(WIRE.subarray(0, split));
    reader.push(WIRE.subarray(split));
    const bodies = (await replies).map((r) => r.body!);
    assert.deepEqual(
      bodies.map((b) => b.toString('latin1')),
      EXPECTED,
      `split at ${split}`,
    );
    const home = bodies[0]!.buffer;
    assert.equal(home, arena.take(0)!.buffer, 'the bodies are in the arena');
    let at = 0;
    for (const b of bodies) {
      assert.equal(b.buffer, home, 'every body is in the arena');
      assert.equal(b.byteOffset, at, 'back to back: the unused end of each upper-bound allocation was given back');
      at += b.length;
    }
  }
});

test('a body that does not fit the arena gets a buffer of its own; expectAll rejects once all replies are in', async () => {
  const arena = new BatchArena(8);
  const reader = new ResponseReader();
  const lf: ReplyRequest = { multiline: true, maxStatusLength: 512, lineEnding: 'lf', allocator: arena };
  const replies = reader.expectAll([lf, lf, { multiline: false, maxStatusLength: 512 }, lf]);
  reader.push(Buffer.from('+OK\r\nab\r\n.\r\n+OK\r\nlonger than eight\r\n.\r\n-ERR no such message\r\n+OK\r\nc\r\n.\r\n'));
  await assert.rejects(replies, /no such message/);
  assert.equal(reader.idle, true, 'every reply of the burst was consumed before the promise settled');
  assert.equal(unstuff(Buffer.from('..a\r\n.b\r\nc\r\r\n'), true).toString(), '.a\nb\nc\r\n');
});

test('files written from arena bodies and from plain buffers are exact', async () => {
  const maildir = new Maildir(join(base, 'Maildir'));
  await maildir.init();
  const arena = new BatchArena(64);
  const inArena = ['one\n', 'two two\n'].map((t) => {
    const b = arena.take(t.length)!;
    b.write(t, 'latin1');
    return b;
  });
  const keys: string[] = [];
  const deliver = async (bodies: Buffer[]) => {
    const batch = bodies.map((b) => newKey(b.length));
    await maildir.deliverBatch('INBOX', batch, bodies);
    keys.push(...batch);
  };
  await deliver(inArena);
  await deliver([inArena[0]!, Buffer.from('plain\n')]);
  // One buffer, an odd start, a gap and the order reversed: still one copy, still exact.
  const one = Buffer.from('..first\n|second\n', 'latin1');
  await deliver([one.subarray(9, 16), one.subarray(2, 8)]);
  const contents = await Promise.all(keys.map((k) => readFile(join(maildir.folderPath('INBOX'), 'new', k), 'latin1')));
  assert.deepEqual(contents, ['one\n', 'two two\n', 'one\n', 'plain\n', 'second\n', 'first\n']);
});
