import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { Maildir } from '../../src/store/maildir.js';
import { decodeMutf7, encodeMutf7, folderDirName, parseFileName, sizeFromKey } from '../../src/store/maildir-names.js';
import { flagsToLetters, lettersToFlags } from '../../src/store/maildir-flags.js';

function message(subject: string, body = 'Hello.\r\n'): Buffer {
  return Buffer.from(`From: A <a@example.org>\r\nTo: b@example.org\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@x>\r\n\r\n${body}`);
}

async function* chunks(parts: string[], failAfter?: number): AsyncIterable<Buffer> {
  let i = 0;
  for (const p of parts) {
    if (failAfter !== undefined && i === failAfter) throw new Error('connection dropped');
    i++;
    yield Buffer.from(p);
  }
}

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-store-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

async function freshMaildir(name: string): Promise<Maildir> {
  const md = new Maildir(join(base, name, 'Maildir'));
  await md.init();
  return md;
}

describe('Maildir layout', () => {
  test('init creates tmp/new/cur with mode 0700', async () => {
    const md = await freshMaildir('layout');
    for (const sub of ['', 'tmp', 'new', 'cur']) {
      const st = await stat(join(md.root, sub));
      assert.ok(st.isDirectory());
      assert.equal(st.mode & 0o777, 0o700, `mode of ${sub || 'root'}`);
    }
  });

  test('folders are Maildir++ dot-directories with a maildirfolder marker', async () => {
    const md = await freshMaildir('folders');
    await md.ensureFolder('Trash');
    await md.ensureFolder('Archive.2024');
    await md.ensureFolder('Entwürfe & Co');
    assert.ok((await stat(join(md.root, '.Trash', 'cur'))).isDirectory());
    assert.ok((await stat(join(md.root, '.Trash', 'maildirfolder'))).isFile());
    assert.ok((await stat(join(md.root, '.Archive.2024', 'new'))).isDirectory());
    assert.ok((await stat(join(md.root, '.Entw&APw-rfe &- Co', 'tmp'))).isDirectory());
    assert.deepEqual(await md.listFolders(), ['INBOX', 'Archive.2024', 'Entwürfe & Co', 'Trash']);
  });

  test('modified UTF-7 round trip and invalid names', () => {
    for (const name of ['Trash', 'Entwürfe', '日本語', 'a&b', '&&', 'mixed ü & 日']) {
      assert.equal(decodeMutf7(encodeMutf7(name)), name);
    }
    assert.equal(encodeMutf7('Entwürfe'), 'Entw&APw-rfe');
    assert.equal(folderDirName('inbox'), '');
    for (const bad of ['', '../x', 'a/b', '.hidden', 'x.', 'a..b', 'bell\u0007']) {
      assert.throws(
        () => folderDirName(bad),
        (e: unknown) => e instanceof AccountError && e.kind === 'local',
        bad,
      );
    }
  });
});

describe('Maildir delivery', () => {
  test('a Buffer lands in new/ with a standard unique name, mode 0600, tmp/ empty', async () => {
    const md = await freshMaildir('deliver');
    const raw = message('one');
    const entry = await md.deliver('INBOX', raw);
    assert.equal(entry.dir, 'new');
    assert.equal(entry.flags, '');
    assert.equal(entry.size, raw.length);
    assert.equal(sizeFromKey(entry.key), raw.length);
    assert.match(entry.key, /^\d+\.M\d+P\d+Q\d+R[0-9a-f]+\.[A-Za-z0-9._-]+,S=\d+$/);
    assert.ok(!entry.key.includes(':') && !entry.key.includes('/'));
    assert.deepEqual(await readFile(entry.path), raw);
    assert.equal((await stat(entry.path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(md.root, 'new')), [entry.key]);
    assert.deepEqual(await readdir(join(md.root, 'tmp')), []);
  });

  test('flags put the message in cur/ with :2,<sorted letters>; mtime is kept', async () => {
    const md = await freshMaildir('deliver-flags');
    const mtime = new Date('2020-01-02T03:04:05Z');
    const entry = await md.deliver('INBOX', message('two'), { flags: 'SFR', mtime });
    assert.equal(entry.dir, 'cur');
    assert.equal(entry.flags, 'FRS');
    assert.ok(entry.path.endsWith(`/cur/${entry.key}:2,FRS`));
    assert.equal((await stat(entry.path)).mtime.getTime(), mtime.getTime());
  });

  test('a streamed source is written completely; unique keys for many deliveries', async () => {
    const md = await freshMaildir('deliver-stream');
    const parts = ['From: x@y\r\n', 'Subject: s\r\n\r\n', '..dot line stays\r\n', 'end\r\n'];
    const keys = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const e = await md.deliver('INBOX', chunks(parts));
      keys.add(e.key);
      if (i === 0) assert.equal(await readFile(e.path, 'utf8'), parts.join(''));
    }
    assert.equal(keys.size, 50);
    assert.equal((await md.list('INBOX')).length, 50);
  });

  test('a source that fails mid-way leaves nothing in tmp/, new/ or cur/ and rethrows its own error', async () => {
    const md = await freshMaildir('deliver-fail');
    await assert.rejects(md.deliver('INBOX', chunks(['a', 'b', 'c'], 2)), /connection dropped/);
    for (const sub of ['tmp', 'new', 'cur']) assert.deepEqual(await readdir(join(md.root, sub)), [], sub);
  });

  test('delivery into an unusable folder gives a clear local error, never a raw errno', async () => {
    const md = await freshMaildir('deliver-notdir');
    await md.ensureFolder('Broken');
    const tmp = join(md.root, '.Broken', 'tmp');
    await rm(tmp, { recursive: true });
    await writeFile(tmp, 'not a directory');
    await assert.rejects(md.deliver('Broken', message('x')), (e: unknown) => {
      assert.ok(e instanceof AccountError);
      assert.equal(e.kind, 'local');
      assert.match(e.message, /^Cannot save mail in .*\.Broken.*: a path component is not a directory\.$/);
      return true;
    });
    assert.deepEqual(await readdir(join(md.root, '.Broken', 'new')), []);
  });
});

describe('Maildir flags, move, copy, remove', () => {
  test('flag letters map to IMAP flags and back', () => {
    assert.deepEqual(lettersToFlags('TSRPFD'), ['\\Draft', '\\Flagged', '$Forwarded', '\\Answered', '\\Seen', '\\Deleted']);
    assert.equal(flagsToLetters(['\\Seen', '\\answered', '\\Flagged', '\\Deleted', '\\Draft', '$Forwarded', '$Junk']), 'DFPRST');
    assert.deepEqual(lettersToFlags(flagsToLetters(['\\Seen', '\\Flagged'])), ['\\Flagged', '\\Seen']);
  });

  test('setFlags renames into cur/, keeps the key, and keeps unknown keyword letters', async () => {
    const md = await freshMaildir('flags');
    const e = await md.deliver('INBOX', message('f'));
    const seen = await md.setFlags('INBOX', e.key, 'S');
    assert.equal(seen.key, e.key);
    assert.ok(seen.path.endsWith(`/cur/${e.key}:2,S`));
    assert.deepEqual(await readdir(join(md.root, 'new')), []);
    const more = await md.setFlags('INBOX', e.key, 'aSF');
    assert.ok(more.path.endsWith(':2,FSa'));
    assert.equal(parseFileName(`${e.key}:2,FSa`).flags, 'FSa');
    assert.equal((await md.get('INBOX', e.key))?.flags, 'FSa');
    const none = await md.setFlags('INBOX', e.key, '');
    assert.ok(none.path.endsWith(`${e.key}:2,`));
    assert.deepEqual(await readFile(none.path), message('f'));
  });

  test('move keeps key, flags and content; copy gets a new key; remove deletes', async () => {
    const md = await freshMaildir('move');
    const e = await md.deliver('INBOX', message('m'), { flags: 'S' });
    const moved = await md.move('INBOX', e.key, 'Archive');
    assert.equal(moved.key, e.key);
    assert.equal(moved.folder, 'Archive');
    assert.ok(moved.path.includes('/.Archive/cur/'));
    assert.equal(await md.get('INBOX', e.key), undefined);
    assert.deepEqual(await readFile(moved.path), message('m'));
    const copy = await md.copy('Archive', e.key, 'INBOX');
    assert.notEqual(copy.key, e.key);
    assert.equal(copy.flags, 'S');
    assert.equal(copy.mtime.getTime(), moved.mtime.getTime());
    assert.deepEqual(await readFile(copy.path), message('m'));
    await md.remove('Archive', e.key);
    assert.equal((await md.list('Archive')).length, 0);
    await md.remove('Archive', e.key); // already gone: no error
    await assert.rejects(md.read('Archive', e.key), (err: unknown) => err instanceof AccountError && err.kind === 'not-found');
  });

  test('read streams the file; a missing folder is not-found', async () => {
    const md = await freshMaildir('read');
    const e = await md.deliver('INBOX', message('r'));
    const parts: Buffer[] = [];
    for await (const c of await md.read('INBOX', e.key)) parts.push(c as Buffer);
    assert.deepEqual(Buffer.concat(parts), message('r'));
    await assert.rejects(md.list('Nope'), (err: unknown) => err instanceof AccountError && err.kind === 'not-found');
  });

  test('files written by other Maildir programs (no info, other hosts, dot-files) are listed correctly', async () => {
    const md = await freshMaildir('foreign');
    await writeFile(join(md.root, 'new', '1700000000.12345.otherhost'), message('foreign1'));
    await writeFile(join(md.root, 'cur', '1700000001.999.otherhost,S=10:2,RS'), message('foreign2'));
    await writeFile(join(md.root, 'cur', '.hidden'), 'x');
    await mkdir(join(md.root, 'somefile-dir-not-a-folder'), { recursive: true });
    const list = await md.list('INBOX');
    assert.deepEqual(list.map((e) => [e.key, e.dir, e.flags]).sort(), [
      ['1700000000.12345.otherhost', 'new', ''],
      ['1700000001.999.otherhost,S=10', 'cur', 'RS'],
    ]);
    assert.deepEqual(await md.count('INBOX'), { total: 2, unread: 1 });
  });
});
