// saveAttachment on a full or read-only disk: one clear message, no partial file left behind.
// Both need a tiny tmpfs, which only root can mount (each case says why when it cannot run);
// the non-root permission case lives in mime-save-attachment.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveAttachment, SaveAttachmentError } from '../../src/mime/index.js';
import { chunked } from './mime-helpers.js';
import { mountTinyTmpfs, unmountAll } from '../helpers/tiny-tmpfs.js';

let base: string;

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-mime-disk-'));
});
after(async () => {
  unmountAll();
  await rm(base, { recursive: true, force: true });
});

const tinyTmpfs = (name: string, options: string) => mountTinyTmpfs(join(base, name), options);

function messageWith(bytes: number): Buffer {
  const content = Buffer.alloc(bytes, 0x5a).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    'Subject: big\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n' +
      `--B\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n${content}\r\n--B--\r\n`,
  );
}

test('disk full: clear message, no partial file', async (t) => {
  const mount = await tinyTmpfs('full', 'size=64k,mode=0700');
  if (typeof mount !== 'string') return t.skip(mount.skip);
  await assert.rejects(saveAttachment(chunked(messageWith(400 * 1024), 16 * 1024), 0, mount), (err: unknown) => {
    assert.ok(err instanceof SaveAttachmentError, String(err));
    assert.match(err.message, /^The disk is full; the attachment was not saved to /);
    assert.ok(!err.message.includes('\n'));
    return true;
  });
  assert.deepEqual(await readdir(mount), []);
});

test('read-only file system: clear message', async (t) => {
  const mount = await tinyTmpfs('ro', 'size=64k,mode=0700,ro');
  if (typeof mount !== 'string') return t.skip(mount.skip);
  await assert.rejects(saveAttachment(messageWith(100), 0, mount), /^SaveAttachmentError: .* is on a read-only file system\.$/);
});
