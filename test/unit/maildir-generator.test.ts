// The Maildir generator: layout, exact sizes in file names, determinism, and that what it writes
// is real MIME that mailparser reads back (alternative parts, attachments, encoded words, threads).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { buildMessage, buildMessageInfo, folderDir, generateMaildir, MAX_RETURNED_MESSAGES, type GeneratedMessage } from '../helpers/maildir-generator.js';

const COUNT = 120;
const NAME_RE = /^(\d+)\.G(\d+)_(\d+)\.tmailgen,S=(\d+),W=(\d+)(:2,[A-Z]*)?$/;

function refsOf(p: ParsedMail): string[] {
  if (!p.references) return [];
  return Array.isArray(p.references) ? p.references : p.references.split(/\s+/);
}

describe('maildir generator', () => {
  let tmp: string;
  let root: string;
  let inbox: GeneratedMessage[];
  let work: GeneratedMessage[];
  const parsed: ParsedMail[] = [];

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'gen-test-'));
    root = path.join(tmp, 'Maildir');
    const a = await generateMaildir(root, { count: COUNT, seed: 7 });
    const b = await generateMaildir(root, { count: 12, folder: 'Work', seed: 8, into: 'cur', mixedFlags: true });
    assert.ok(a.messages && b.messages);
    inbox = a.messages;
    work = b.messages;
    for (const m of inbox) parsed.push(await simpleParser(await readFile(m.file)));
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('creates Maildir++ layout: INBOX at the root, folders as .Name with tmp/new/cur', async () => {
    for (const sub of ['tmp', 'new', 'cur']) {
      assert.ok((await stat(path.join(root, sub))).isDirectory(), sub);
      assert.ok((await stat(path.join(root, '.Work', sub))).isDirectory(), `.Work/${sub}`);
    }
    assert.ok(existsSync(path.join(root, '.Work', 'maildirfolder')));
    assert.equal((await readdir(path.join(root, 'new'))).length, COUNT);
    assert.equal((await readdir(path.join(root, 'cur'))).length, 0);
    assert.equal((await readdir(path.join(root, '.Work', 'cur'))).length, 12);
    assert.equal(folderDir(root, ''), root);
    assert.equal(folderDir(root, '.Work'), path.join(root, '.Work'));
    assert.equal(folderDir(root, 'Archive/2024'), path.join(root, '.Archive.2024'));
    assert.throws(() => folderDir(root, '../escape'));
    assert.throws(() => folderDir(root, 'a//b'));
  });

  test('file names carry the exact size (S=) and CRLF size (W=); files are LF only, mode 0600', async () => {
    for (const m of [...inbox, ...work]) {
      const match = NAME_RE.exec(path.basename(m.file));
      assert.ok(match, path.basename(m.file));
      const bytes = await readFile(m.file);
      const st = await stat(m.file);
      assert.equal(Number(match[4]), bytes.length);
      assert.equal(st.size, bytes.length);
      const lf = bytes.toString('latin1').split('\n').length - 1;
      assert.equal(Number(match[5]), bytes.length + lf);
      assert.equal(bytes.indexOf(13), -1, 'no CR on disk');
      assert.equal(st.mode & 0o777, 0o600);
      // Dovecot's received date is the mtime: it must match the Date header.
      assert.equal(Math.floor(st.mtimeMs / 1000), Math.floor(m.date.getTime() / 1000));
      assert.equal(Number(match[1]), Math.floor(m.date.getTime() / 1000));
    }
    for (const m of inbox) assert.ok(path.dirname(m.file).endsWith(`${path.sep}new`));
    for (const m of work) assert.match(path.basename(m.file), /:2,[FRS]*$/);
    assert.ok(
      work.some((m) => /:2,.*S/.test(m.file)),
      'mixedFlags marks some messages seen',
    );
  });

  test('dates ascend (newest last) and match the Date header', () => {
    for (let k = 1; k < inbox.length; k++) assert.ok(inbox[k]!.date > inbox[k - 1]!.date, `message ${k}`);
    for (const [k, p] of parsed.entries()) assert.equal(p.date?.getTime(), inbox[k]!.date.getTime());
  });

  test('is deterministic: buildMessage(i, seed) equals the file byte for byte', async () => {
    for (const k of [0, 1, 17, 63, COUNT - 1]) {
      assert.deepEqual(await readFile(inbox[k]!.file), buildMessage(k, 7));
    }
    assert.deepEqual(buildMessage(5, 7), buildMessage(5, 7));
    assert.notDeepEqual(buildMessage(5, 7), buildMessage(5, 8));
    const ids = new Set(inbox.map((m) => m.messageId));
    assert.equal(ids.size, COUNT, 'Message-IDs are unique');
  });

  test('firstIndex continues a sequence without clashing with existing files', async () => {
    const extra = await generateMaildir(root, { count: 3, folder: 'Work', seed: 8, into: 'cur', firstIndex: 12 });
    assert.deepEqual(await readFile(extra.messages![0]!.file), buildMessage(12, 8));
    assert.ok(extra.messages![0]!.date > work[11]!.date);
    assert.equal((await readdir(path.join(root, '.Work', 'cur'))).length, 15);
  });

  test('every message parses; Message-ID, subject and Date come back as generated', () => {
    parsed.forEach((p, k) => {
      assert.equal(p.messageId, inbox[k]!.messageId);
      assert.equal(p.subject, inbox[k]!.subject);
      assert.ok(p.from?.value[0]?.address, `message ${k} has a From address`);
      assert.ok((p.text ?? '').length > 20, `message ${k} has a text body`);
    });
  });

  test('mix: multipart/alternative with text and html, attachments incl. non-ASCII names', () => {
    const kinds = new Set(inbox.map((_, k) => buildMessageInfo(k, 7).kind));
    assert.deepEqual([...kinds].sort(), ['alternative', 'attachment', 'mixed-alternative', 'plain', 'qp']);
    const alt = parsed.filter((_p, k) => buildMessageInfo(k, 7).kind === 'alternative');
    assert.ok(alt.length > 5);
    for (const p of alt) {
      assert.match(String(p.headers.get('content-type') && (p.headers.get('content-type') as { value: string }).value), /multipart\/alternative/);
      assert.ok(p.html && p.html.includes('<p>'), 'html part');
      assert.ok(p.text && p.text.includes('Hello,'), 'text part');
    }
    const attachments = parsed.flatMap((p) => p.attachments);
    assert.ok(attachments.length > 10);
    for (const a of attachments) {
      assert.ok(a.filename, 'attachment has a file name');
      assert.ok(a.size >= 100 && a.size < 2000, `small attachment (${a.size})`);
    }
    const names = new Set(attachments.map((a) => a.filename));
    assert.ok(
      [...names].some((n) => n && /[^\x00-\x7f]/.test(n)),
      `a non-ASCII file name among ${[...names].join(', ')}`,
    );
    assert.ok(
      [...names].every((n) => n && !n.includes('=?')),
      'file names are decoded',
    );
    const types = new Set(attachments.map((a) => a.contentType));
    assert.ok(types.size >= 3, [...types].join(','));
  });

  test('RFC 2047 subjects and From names (B and Q, umlauts, CJK, emoji) decode', async () => {
    let b = 0;
    let q = 0;
    const decoded = new Set<string>();
    for (const [k, p] of parsed.entries()) {
      const raw = (await readFile(inbox[k]!.file, 'latin1')).split('\n\n')[0]!;
      const subjectLine = /^Subject: .*(\n .*)*/m.exec(raw)![0];
      if (/=\?UTF-8\?B\?/.test(subjectLine)) b++;
      if (/=\?UTF-8\?Q\?/.test(subjectLine)) q++;
      if (/=\?UTF-8\?/.test(subjectLine)) {
        assert.match(p.subject ?? '', /[^\x00-\x7f]/, 'decoded subject has non-ASCII text');
        decoded.add(p.subject!.replace(/^Re: /, '').replace(/ \(\d+\)$/, ''));
      }
    }
    assert.ok(b > 0 && q > 0, `B=${b} Q=${q}`);
    const all = [...decoded].join(' | ');
    assert.match(all, /[äöüß]/, all);
    assert.match(all, /[\u3040-\u30ff\u4e00-\u9fff]/, all);
    assert.match(all, /\p{Extended_Pictographic}/u, all);
    const names = parsed.flatMap((p) => p.from?.value.map((v) => v.name) ?? []);
    assert.ok(names.includes('Jürgen Müller') || names.includes('山田 太郎') || names.includes('Zoë 🚀 Launch'), names.join(','));
    const quoted = parsed.filter(
      (p) =>
        /"Doe, John"/.test(String((p.headers.get('from') as { text?: string })?.text ?? '')) || p.from?.value.some((v) => v.address === 'john.doe@example.net'),
    );
    assert.ok(quoted.length > 0, 'some message is from "Doe, John"');
    for (const p of quoted) assert.equal(p.from?.value[0]?.name, 'Doe, John', 'quoted display name with a comma stays one address');
  });

  test('threads: In-Reply-To and References chains point at earlier messages, subjects get "Re: "', () => {
    const index = new Map(inbox.map((m, k) => [m.messageId, k]));
    let replies = 0;
    let deep = 0;
    parsed.forEach((p, k) => {
      const refs = refsOf(p);
      if (!refs.length) {
        assert.equal(p.inReplyTo, undefined);
        return;
      }
      replies++;
      if (refs.length >= 2) deep++;
      assert.equal(p.inReplyTo, refs[refs.length - 1]);
      assert.match(p.subject ?? '', /^Re: /);
      let prev = -1;
      for (const r of refs) {
        const at = index.get(r);
        assert.ok(at !== undefined && at < k, `reference ${r} of message ${k} is an earlier message`);
        assert.ok(at > prev, 'references are oldest first');
        prev = at;
      }
      // The parent's own chain is a prefix of ours.
      const parent = parsed[index.get(p.inReplyTo!)!]!;
      assert.deepEqual(refsOf(parent), refs.slice(0, -1));
      assert.equal(p.subject, `Re: ${parsed[index.get(refs[0]!)!]!.subject ?? ''}`);
    });
    assert.ok(replies > COUNT / 5, `replies: ${replies}`);
    assert.ok(deep > 0, 'some chains are longer than one');
  });

  test('bodies include POP3 dot-stuffing cases, quoted-printable and long lines (<= 998)', async () => {
    let dotAlone = 0;
    let dotDot = 0;
    let qp = 0;
    let longLines = 0;
    for (const m of inbox) {
      const text = await readFile(m.file, 'utf8');
      const lines = text.split('\n');
      if (lines.includes('.')) dotAlone++;
      if (lines.some((l) => l.startsWith('..'))) dotDot++;
      if (/Content-Transfer-Encoding: quoted-printable/.test(text)) qp++;
      if (lines.some((l) => l.length > 300)) longLines++;
      assert.ok(
        lines.every((l) => Buffer.byteLength(l) <= 998),
        'RFC 5322 line limit',
      );
      assert.ok(text.endsWith('\n'));
    }
    assert.ok(dotAlone > 0 && dotDot > 0 && qp > 0 && longLines > 0, JSON.stringify({ dotAlone, dotDot, qp, longLines }));
    const dotted = parsed.find((p) => (p.text ?? '').split('\n').includes('.'));
    assert.ok(dotted, 'a lone "." line survives parsing');
  });

  test('returns messages only up to MAX_RETURNED_MESSAGES (memory bound for 100k runs)', async () => {
    // tmpfs keeps this fast where available; the files are tiny.
    const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
    const big = mkdtempSync(path.join(base, 'gen-big-'));
    try {
      const r = await generateMaildir(path.join(big, 'Maildir'), { count: MAX_RETURNED_MESSAGES + 1 });
      assert.equal(r.messages, null);
      assert.equal(r.count, MAX_RETURNED_MESSAGES + 1);
      assert.equal((await readdir(path.join(big, 'Maildir', 'new'))).length, MAX_RETURNED_MESSAGES + 1);
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });
});
