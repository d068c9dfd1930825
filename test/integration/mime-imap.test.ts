// The MIME module on real network streams: messages fetched from the private Dovecot through
// ImapAccount.fetchRaw parse exactly like the file they came from, attachments stream to disk,
// and the connection stays usable afterwards (the parser drains what it reads).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ImapFlow } from 'imapflow';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { parseMessage, saveAttachment } from '../../src/mime/index.js';
import { accountConfig, makeAccount, otherDevice, type TestAccount } from './support/imap-fixtures.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/mime/${name}`, import.meta.url));

function bigMessage(content: Buffer): Buffer {
  return Buffer.from(
    'From: Big <big@example.org>\r\nTo: alice@example.org\r\nSubject: big attachment\r\nDate: Mon, 07 Jul 2003 10:00:00 +0000\r\n' +
      'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n' +
      `--B\r\nContent-Type: application/zip; name=big.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n${content.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--B--\r\n`,
  );
}

describe('MIME over IMAP (Dovecot)', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  let t: TestAccount;
  let dir: string;
  const uids = new Map<string, number>();
  const big = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 131 + (i >> 9)) & 0xff;

  before(async () => {
    server = await startDovecot();
    device = await otherDevice(server);
    for (const name of ['attachments.eml', 'encoded-words.eml', 'hostile-headers.eml', 'html-only.eml']) {
      const res = await device.append('INBOX', fixture(name));
      assert.ok(res && res.uid, `APPEND ${name} returned a UID`);
      uids.set(name, res.uid);
    }
    const res = await device.append('INBOX', bigMessage(big));
    assert.ok(res && res.uid);
    uids.set('big', res.uid);
    t = await makeAccount(accountConfig(server));
    await t.account.connect();
    await t.account.openFolder('INBOX');
    dir = mkdtempSync(path.join(tmpdir(), 'tmail-mime-imap-'));
  });

  after(async () => {
    await t?.dispose();
    await device?.logout().catch(() => undefined);
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a fetched message parses exactly like its source file', async () => {
    for (const name of ['attachments.eml', 'encoded-words.eml', 'hostile-headers.eml', 'html-only.eml']) {
      const fromServer = await parseMessage(await t.account.fetchRaw('INBOX', uids.get(name)!));
      const fromFile = await parseMessage(fixture(name));
      assert.deepEqual(fromServer, fromFile, name);
    }
  });

  test('attachments stream from the server to disk, and the connection stays usable', async () => {
    const listed = await parseMessage(await t.account.fetchRaw('INBOX', uids.get('big')!));
    assert.deepEqual(
      listed.attachments.map((a) => [a.filename, a.size]),
      [['big.zip', big.length]],
    );
    // A saved file follows the user's umask (here 077: private).
    const previous = process.umask(0o077);
    const saved = await saveAttachment(await t.account.fetchRaw('INBOX', uids.get('big')!), 0, dir).finally(() => process.umask(previous));
    assert.equal(statSync(saved.path).mode & 0o777, 0o600);
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    assert.equal(sha(readFileSync(saved.path)), sha(big));

    // A save that fails (no such attachment) must still drain the stream.
    await assert.rejects(saveAttachment(await t.account.fetchRaw('INBOX', uids.get('big')!), 5, dir), /no attachment 6/);
    const window = await t.account.fetchWindow('INBOX', 0, 5);
    assert.equal(window.length, 5);
    const again = await parseMessage(await t.account.fetchRaw('INBOX', uids.get('encoded-words.eml')!));
    assert.equal(again.subject, 'Café déjà vu日本語の件名');
  });
});
