import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pop3ProtocolError, Pop3ServerError, ResponseReader, type ReplyRequest } from '../../src/accounts/pop3/response-reader.js';

const RETR: ReplyRequest = { multiline: true, maxStatusLength: 512, lineEnding: 'crlf' };

function feed(reader: ResponseReader, data: Buffer, splits: number[]): void {
  let last = 0;
  for (const s of [...splits, data.length]) {
    reader.push(data.subarray(last, s));
    last = s;
  }
}

test('multi-line reply: dot-unstuffed, terminator removed, for every split point', async () => {
  const wire = Buffer.from('+OK 30 octets\r\nSubject: x\r\n\r\n..leading dot\r\n...two\r\n.\r\n+OK next\r\n');
  const expected = 'Subject: x\r\n\r\n.leading dot\r\n..two\r\n';
  for (let i = 1; i < wire.length; i++) {
    for (const j of [i + 1, i + 3]) {
      const reader = new ResponseReader();
      const first = reader.expect(RETR);
      const second = reader.expect({ multiline: false, maxStatusLength: 512 });
      feed(reader, wire, j < wire.length ? [i, j] : [i]);
      const reply = await first;
      assert.equal(reply.body!.toString('latin1'), expected, `split at ${i},${j}`);
      assert.equal((await second).status, 'next');
    }
  }
});

test('byte-by-byte delivery of a terminator split across packets', async () => {
  const wire = Buffer.from('+OK\r\nline\r\n.\r\n');
  const reader = new ResponseReader();
  const reply = reader.expect(RETR);
  for (const byte of wire) reader.push(Buffer.from([byte]));
  assert.equal((await reply).body!.toString(), 'line\r\n');
});

test("lineEnding 'lf' turns CRLF into LF and leaves lone CR and 8-bit bytes alone", async () => {
  const reader = new ResponseReader();
  const reply = reader.expect({ ...RETR, lineEnding: 'lf' });
  reader.push(Buffer.concat([Buffer.from('+OK\r\na\rb\r\n'), Buffer.from([0xe9, 0xff, 0x0d, 0x0a]), Buffer.from('..\r\n.\r\n')]));
  assert.deepEqual([...(await reply).body!], [...Buffer.concat([Buffer.from('a\rb\n'), Buffer.from([0xe9, 0xff, 0x0a]), Buffer.from('.\n')])]);
});

test('-ERR rejects only its own request', async () => {
  const reader = new ResponseReader();
  const a = reader.expect(RETR);
  const b = reader.expect({ multiline: false, maxStatusLength: 512 });
  reader.push(Buffer.from('-ERR no such message\r\n+OK\r\n'));
  await assert.rejects(a, (e: unknown) => e instanceof Pop3ServerError && e.text === 'no such message');
  assert.equal((await b).status, '');
});

test('caps: body size, line count, line length, status length, garbage', async () => {
  const cases: Array<[ReplyRequest, string, RegExp]> = [
    [{ ...RETR, maxBodyBytes: 10, what: 'message 3' }, '+OK\r\n0123456789abcdef\r\n.\r\n', /message 3 is larger than the limit of 10 octets/],
    [{ ...RETR, maxLines: 2, what: 'the UIDL reply' }, '+OK\r\n1 a\r\n2 b\r\n3 c\r\n.\r\n', /more than 2 lines/],
    [{ ...RETR, maxLineLength: 8 }, `+OK\r\n${'x'.repeat(50)}`, /longer than 8 octets/],
    [{ multiline: false, maxStatusLength: 20 }, `+OK ${'y'.repeat(100)}`, /status line that is too long/],
    [{ multiline: false, maxStatusLength: 20 }, 'HTTP/1.1 200 OK\r\n', /neither \+OK nor -ERR/],
  ];
  for (const [req, data, re] of cases) {
    const reader = new ResponseReader();
    const p = reader.expect(req);
    reader.push(Buffer.from(data));
    await assert.rejects(p, (e: unknown) => e instanceof Pop3ProtocolError && re.test(e.message));
  }
});

test('fail() rejects everything awaited and later requests', async () => {
  const reader = new ResponseReader();
  const p = reader.expect(RETR);
  reader.push(Buffer.from('+OK\r\npartial'));
  reader.fail(new Error('closed'));
  await assert.rejects(p, /closed/);
  await assert.rejects(reader.expect(RETR), /closed/);
});

test('bodies parsed on buffers: empty body, leading stuffed dot, bare-LF terminator, replies back to back in one chunk, every split', async () => {
  const wire = Buffer.from('+OK\r\n.\r\n+OK\r\n..x\r\n.y\r\nz\r\n.\n+OK\r\na\r\n\r\n.\r\n+OK done\r\n');
  const bodies = ['', '.x\r\ny\r\nz\r\n', 'a\r\n\r\n'];
  for (let i = 1; i < wire.length; i++) {
    const reader = new ResponseReader();
    const replies = bodies.map(() => reader.expect(RETR));
    const last = reader.expect({ multiline: false, maxStatusLength: 512 });
    feed(reader, wire, [i]);
    assert.deepEqual(
      (await Promise.all(replies)).map((r) => r.body!.toString('latin1')),
      bodies,
      `split at ${i}`,
    );
    assert.equal((await last).status, 'done');
  }
});

test('a body that never ends is cut at its size cap, not buffered forever', async () => {
  const reader = new ResponseReader();
  const p = reader.expect({ ...RETR, maxBodyBytes: 1000, what: 'message 9' });
  reader.push(Buffer.from('+OK\r\n'));
  for (let i = 0; i < 100; i++) reader.push(Buffer.from('x'.repeat(100) + '\r\n'));
  await assert.rejects(p, /message 9 is larger than the limit of 1000 octets/);
});

test('quiet requests: no status text (the body is the same), an -ERR still says why; the others keep theirs', async () => {
  const wire = Buffer.from('+OK 6 octets\r\nab\r\n.\r\n+OK 6 octets\r\nab\r\n.\r\n+OK Marked\r\n-ERR no such message\r\n+OK Marked\r\n');
  for (let i = 1; i < wire.length; i++) {
    const reader = new ResponseReader();
    const retr = reader.expectAll([
      { ...RETR, quiet: true },
      { ...RETR, quiet: false },
    ]);
    const dele = { multiline: false, maxStatusLength: 512, quiet: true };
    const first = reader.expect(dele);
    const failed = reader.expect(dele);
    const loud = reader.expect({ ...dele, quiet: false });
    feed(reader, wire, [i]);
    const [q, l] = await retr;
    assert.deepEqual([q!.status, q!.body!.toString(), l!.status, l!.body!.toString()], ['', 'ab\r\n', '6 octets', 'ab\r\n'], `split at ${i}`);
    assert.equal((await first).status, '');
    await assert.rejects(failed, (err: Pop3ServerError) => err.text === 'no such message');
    assert.equal((await loud).status, 'Marked');
  }
});
