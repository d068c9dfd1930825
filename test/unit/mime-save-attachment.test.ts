import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseMessage, sanitizeFilename, saveAttachment, SaveAttachmentError } from '../../src/mime/index.js';
import { chunked } from './mime-helpers.js';

const attachmentsEml = readFileSync(new URL('../fixtures/mime/attachments.eml', import.meta.url));

function tempDir(t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(path.join(tmpdir(), 'tmail-mime-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'downloads');
  mkdirSync(dir);
  return dir;
}

function message(parts: { name: string; body: string; type?: string }[]): Buffer {
  let raw = 'From: a@example.org\r\nSubject: files\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n';
  for (const p of parts) {
    raw += `--B\r\nContent-Type: ${p.type ?? 'application/octet-stream'}\r\nContent-Disposition: attachment; filename="${p.name}"\r\n\r\n${p.body}\r\n`;
  }
  return Buffer.from(`${raw}--B--\r\n`);
}

test('saves an attachment by the index parseMessage listed, with the mode the umask gives', async (t) => {
  const dir = tempDir(t);
  const previous = process.umask(0o027);
  t.after(() => process.umask(previous));
  const listed = await parseMessage(attachmentsEml);
  const pdf = listed.attachments.find((a) => a.filename === 'report.pdf');
  assert.ok(pdf);
  const saved = await saveAttachment(attachmentsEml, pdf.index, dir);
  assert.equal(saved.path, path.join(dir, 'report.pdf'));
  assert.equal(saved.filename, 'report.pdf');
  assert.equal(saved.size, pdf.size);
  assert.equal(readFileSync(saved.path, 'latin1'), '%PDF-1.4\n%fake pdf for tests\n'.repeat(40));
  assert.equal(statSync(saved.path).mode & 0o777, 0o640, '0666 minus umask 027');
});

test('path traversal in the name never escapes the directory', async (t) => {
  const dir = tempDir(t);
  // (Inside a quoted header parameter a backslash escapes the next character, hence
  // "windowssystem32evil.dll" below; sanitizeFilename's own test covers real backslashes.)
  const names = ['../../etc/passwd', '/etc/shadow', '..\\..\\windows\\system32\\evil.dll', '..', '../', 'a/../../b.txt', '....//x'];
  const raw = message(names.map((name) => ({ name, body: `content of ${name}` })));
  for (let i = 0; i < names.length; i++) {
    const saved = await saveAttachment(chunked(raw, 50), i, dir);
    const rel = path.relative(dir, saved.path);
    assert.ok(!rel.startsWith('..') && !path.isAbsolute(rel) && !rel.includes(path.sep), `${names[i]} → ${saved.path}`);
    assert.equal(path.dirname(saved.path), dir);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['attachment-4.bin', 'attachment-5.bin', 'b.txt', 'windowssystem32evil.dll', 'passwd', 'shadow', 'x'].sort());
  assert.ok(!existsSync(path.join(dir, '..', 'passwd')));
});

test('Windows device names, control characters, leading dots and dashes are neutralised', async (t) => {
  const dir = tempDir(t);
  const raw = message([
    { name: 'con.txt', body: 'a' },
    { name: '.bashrc', body: 'b' },
    { name: '--rf', body: 'c' },
    { name: 'inv\u001b[2Joice\u0007.pdf', body: 'd' },
  ]);
  const names = [];
  for (let i = 0; i < 4; i++) names.push((await saveAttachment(raw, i, dir)).filename);
  assert.deepEqual(names, ['_con.txt', 'bashrc', 'rf', 'invoice .pdf']); // the CSI is dropped, the BEL becomes a space
});

test('never overwrites: the second save gets "name (1).ext", or fails with onExists "fail"', async (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'report.pdf'), 'precious');
  const first = await saveAttachment(attachmentsEml, 1, dir);
  const second = await saveAttachment(attachmentsEml, 1, dir);
  assert.equal(first.filename, 'report (1).pdf');
  assert.equal(second.filename, 'report (2).pdf');
  assert.equal(readFileSync(path.join(dir, 'report.pdf'), 'utf8'), 'precious');
  await assert.rejects(saveAttachment(attachmentsEml, 1, dir, { onExists: 'fail' }), (err: unknown) => {
    assert.ok(err instanceof SaveAttachmentError);
    assert.match(err.message, /report\.pdf already exists/);
    return true;
  });
  assert.equal(readFileSync(path.join(dir, 'report.pdf'), 'utf8'), 'precious');
});

test('a symlink planted under the target name is not followed', async (t) => {
  const dir = tempDir(t);
  const outside = path.join(dir, '..', 'outside.txt');
  writeFileSync(outside, 'untouched');
  symlinkSync(outside, path.join(dir, 'report.pdf'));
  const saved = await saveAttachment(attachmentsEml, 1, dir);
  assert.equal(saved.filename, 'report (1).pdf');
  assert.equal(readFileSync(outside, 'utf8'), 'untouched');
});

test('a chosen file name is sanitized too', async (t) => {
  const dir = tempDir(t);
  const saved = await saveAttachment(attachmentsEml, 1, dir, { filename: '../../../tmp/mine.pdf' });
  assert.equal(saved.path, path.join(dir, 'mine.pdf'));
});

test('clear errors: no such attachment, missing directory, not a directory', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(saveAttachment(attachmentsEml, 99, dir), /There is no attachment 100; the message has 6\./);
  await assert.rejects(saveAttachment(Buffer.from('Subject: x\r\n\r\nbody'), 0, dir), /This message has no attachments\./);
  await assert.rejects(saveAttachment(attachmentsEml, 1, path.join(dir, 'nope')), (err: unknown) => {
    assert.ok(err instanceof SaveAttachmentError);
    assert.match(err.message, /^The directory does not exist: /);
    return true;
  });
  writeFileSync(path.join(dir, 'file'), '');
  await assert.rejects(saveAttachment(attachmentsEml, 1, path.join(dir, 'file')), /^SaveAttachmentError: Not a directory/);
});

test('a failing write leaves no partial file and reports one clear message', {
  skip: process.getuid?.() === 0 ? 'root ignores directory permissions' : undefined,
}, async (t) => {
  const dir = tempDir(t);
  const ro = path.join(dir, 'ro');
  mkdirSync(ro, { mode: 0o500 });
  await assert.rejects(saveAttachment(attachmentsEml, 1, ro), /^SaveAttachmentError: Permission denied/);
  assert.deepEqual(readdirSync(ro), []);
});

test('a source that breaks before or while saving leaves no partial file', async (t) => {
  const dir = tempDir(t);
  const head =
    'Subject: x\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: application/pdf; name=cut.pdf\r\n' +
    'Content-Transfer-Encoding: base64\r\n\r\n';
  const chunk = `${Buffer.alloc(30_000, 1).toString('base64').replace(/.{76}/g, '$&\r\n')}`;

  // Fails while the directory is being checked, before parsing starts.
  const early = new Readable({ read() {} });
  early.push(head);
  setImmediate(() => early.destroy(new Error('connection reset')));
  await assert.rejects(saveAttachment(early, 0, dir), /^SaveAttachmentError: The message could not be read: connection reset/);

  // Fails in the middle of the attachment's content, after the file was created.
  let pushed = 0;
  const midway = new Readable({
    read() {
      if (pushed === 0) this.push(head);
      else if (pushed < 5) this.push(chunk);
      else this.destroy(new Error('connection reset'));
      pushed++;
    },
  });
  await assert.rejects(saveAttachment(midway, 0, dir), /could not be read completely \(connection reset\); the attachment was not saved/);
  assert.ok(pushed > 5, 'the failure happened after the attachment had started');
  assert.deepEqual(readdirSync(dir), []);
});

test('large attachments stream to disk intact', async (t) => {
  const dir = tempDir(t);
  const content = Buffer.alloc(12 * 1024 * 1024);
  for (let i = 0; i < content.length; i++) content[i] = (i * 31 + (i >> 11)) & 0xff;
  const raw = Buffer.from(
    'Subject: big\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n' +
      `--B\r\nContent-Type: application/zip; name=big.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n${content.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--B--\r\n`,
  );
  const saved = await saveAttachment(chunked(raw, 64 * 1024), 0, dir);
  assert.equal(saved.size, content.length);
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  assert.equal(sha(readFileSync(saved.path)), sha(content));
});

test('sanitizeFilename', () => {
  const cases: [string, string][] = [
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Windows\\system.ini', 'system.ini'],
    ['/absolute/path.txt', 'path.txt'],
    ['..', ''],
    ['...', ''],
    ['.hidden', 'hidden'],
    ['-rf', 'rf'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['lpt1.log', '_lpt1.log'],
    ['conference.pdf', 'conference.pdf'],
    ['trailing dots...', 'trailing dots'],
    ['a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['tab\there', 'tab here'],
    ['\u001b]0;pwned\u0007name.txt', 'name.txt'],
    ['evil\u202egpj.exe', 'evilgpj.exe'],
    ['zero\u200bwidth.txt', 'zerowidth.txt'],
    ['日本語のファイル.txt', '日本語のファイル.txt'],
  ];
  for (const [input, expected] of cases) assert.equal(sanitizeFilename(input), expected, JSON.stringify(input));
  const long = sanitizeFilename(`${'é'.repeat(300)}.pdf`);
  assert.ok(Buffer.byteLength(long) <= 200, `${Buffer.byteLength(long)} bytes`);
  assert.ok(long.endsWith('.pdf'));
  const emoji = sanitizeFilename(`${'👩‍👩‍👧‍👦'.repeat(60)}.txt`);
  assert.ok(Buffer.byteLength(emoji) <= 200 && emoji.endsWith('.txt'));
  assert.equal(emoji.replace('.txt', '').length % '👩‍👩‍👧‍👦'.length, 0, 'cut at a grapheme boundary');
});

test('an early failure (missing directory, bad index) still drains a stream source', async (t) => {
  const dir = tempDir(t);
  for (const [target, index] of [
    [path.join(dir, 'missing'), 0],
    [dir, -1],
  ] as const) {
    const source = chunked(attachmentsEml, 100);
    let ended = false;
    source.on('end', () => (ended = true));
    await assert.rejects(saveAttachment(source, index, target), SaveAttachmentError);
    assert.equal(source.readableFlowing, true, 'the stream was resumed, not left paused');
    await new Promise<void>((resolve) => (ended ? resolve() : source.once('end', () => resolve())));
  }
});
