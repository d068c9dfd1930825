// Hand-off helpers, run for real: mailcap entries through `sh -c`, pipes to real commands, temp
// files and completion on a real directory tree.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import {
  completePath,
  expandCommand,
  extractUrls,
  findEntry,
  LastSaveDirectory,
  mailcapFiles,
  openContent,
  parseMailcap,
  pipeToCommand,
  planOpen,
  planOpenUrl,
  runOpen,
  writePrivateTemp,
} from '../../src/handoff/index.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tmail-handoff-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const MAILCAP = `# a comment
text/html; w3m -T text/html %s; needsterminal; nametemplate=%s.html
text/html; lynx -dump %s; copiousoutput
image; feh %s; test=test -n "$DISPLAY"
application/pdf; zathura %s; \\
  test=true
application/x-semi; echo a\\;b %s
text/plain; cat; needsterminal
`;

test('mailcap: comments, continuations, \\; in fields, bare types and flags', () => {
  const entries = parseMailcap(MAILCAP);
  assert.equal(entries.length, 6);
  assert.deepEqual(entries[0], { type: 'text/html', command: 'w3m -T text/html %s', needsTerminal: true, copiousOutput: false, nameTemplate: '%s.html' });
  assert.equal(entries[1]!.copiousOutput, true);
  assert.equal(entries[2]!.type, 'image/*');
  assert.equal(entries[2]!.test, 'test -n "$DISPLAY"');
  assert.deepEqual([entries[3]!.command, entries[3]!.test], ['zathura %s', 'true']);
  assert.equal(entries[4]!.command, 'echo a;b %s');
  assert.deepEqual(mailcapFiles({ MAILCAPS: '/a:/b' }), ['/a', '/b']);
  assert.deepEqual(mailcapFiles({}, '/home/u'), ['/home/u/.mailcap', '/etc/mailcap']);
});

test('mailcap: the first entry whose test passes (run with sh -c); copiousoutput skipped for opening', () => {
  const entries = parseMailcap('image/png; first %s; test=false\nimage/*; second %s; test=true\ntext/html; pager %s; copiousoutput\ntext/*; any %s\n');
  assert.equal(findEntry(entries, 'image/png', '/f')?.command, 'second %s');
  assert.equal(findEntry(entries, 'IMAGE/PNG; name="x.png"', '/f')?.command, 'second %s');
  assert.equal(findEntry(entries, 'text/html', '/f', { interactive: true })?.command, 'any %s');
  assert.equal(findEntry(entries, 'text/html', '/f')?.command, 'pager %s');
  assert.equal(findEntry(entries, 'application/zip', '/f'), undefined);
});

test('mailcap: substituted values are quoted, so a hostile parameter stays text for the shell', async (t) => {
  const dir = tempDir(t);
  const marker = path.join(dir, 'pwned');
  const hostile = `x'; touch ${marker}; echo '`;
  const { command, usesFile } = expandCommand("printf '%%s|' %{name} %t %s", "/tmp/a b'c", `text/plain; name="${hostile}"`);
  assert.ok(usesFile);
  const r = await pipeToCommand(command, Buffer.alloc(0), { stdout: 'capture' });
  assert.equal(r.stdout?.toString(), `${hostile}|text/plain|/tmp/a b'c|`);
  assert.ok(!existsSync(marker), 'nothing from the message ran');
});

test('open: a mailcap entry without %s reads the file on stdin; none → xdg-open (open on macOS)', async (t) => {
  const dir = tempDir(t);
  const src = path.join(dir, 'in.txt');
  const out = path.join(dir, 'out.txt');
  writeFileSync(src, 'hello from the message');
  const entries = parseMailcap(`text/plain; cat > '${out}'; needsterminal\n`);
  const plan = planOpen(src, 'text/plain', { entries });
  assert.equal(plan.via, 'mailcap');
  assert.ok(plan.needsTerminal);
  const result = await runOpen(plan);
  assert.equal(result.exitCode, 0);
  assert.equal(readFileSync(out, 'utf8'), 'hello from the message');

  assert.deepEqual(planOpen('/x/y.pdf', 'application/pdf', { entries: [] }).argv, ['xdg-open', '/x/y.pdf']);
  assert.deepEqual(planOpen('/x/y.pdf', 'application/pdf', { entries: [], platform: 'darwin' }).argv, ['open', '/x/y.pdf']);
  const missing = await runOpen({ argv: ['tmail-no-such-opener-here', '/x'], needsTerminal: false, via: 'system opener' });
  assert.match(missing.error ?? '', /is not installed/);
});

test('private temp file: 0600 in a 0700 directory, removed afterwards', async (t) => {
  const root = tempDir(t);
  const temp = await writePrivateTemp('../../etc/evil name.html', '<p>hi</p>', root);
  assert.equal(path.dirname(path.dirname(temp.file)), root, 'the name cannot climb out');
  assert.equal(statSync(temp.dir).mode & 0o777, 0o700);
  assert.equal(statSync(temp.file).mode & 0o777, 0o600);
  assert.equal(readFileSync(temp.file, 'utf8'), '<p>hi</p>');
  await temp.remove();
  assert.ok(!existsSync(temp.dir));
  await temp.remove(); // twice is fine
});

test('openContent: the HTML part goes to a private file named by nametemplate, removed when the terminal program exits', async (t) => {
  const root = tempDir(t);
  const seen = path.join(root, 'seen.txt');
  const entries = parseMailcap(`text/html; cp %s '${seen}' && stat -c %%a %s >> '${seen}.mode'; needsterminal; nametemplate=%s.html\n`);
  const screen: string[] = [];
  const opened = await openContent(
    { bytes: Buffer.from('<b>x</b>'), filename: 'message', contentType: 'text/html; charset=utf-8' },
    { entries, tmpRoot: root, beforeTerminal: () => void screen.push('released'), afterTerminal: () => void screen.push('taken back') },
  );
  assert.equal(opened.exitCode, 0);
  assert.deepEqual(screen, ['released', 'taken back'], 'the UI gives up the terminal around it');
  assert.equal(path.basename(opened.file), 'message.html');
  assert.equal(readFileSync(seen, 'utf8'), '<b>x</b>', 'the program read it');
  assert.equal(readFileSync(`${seen}.mode`, 'utf8').trim(), '600');
  assert.ok(!existsSync(path.dirname(opened.file)), 'removed after the program exited');

  // A detached program: kept for a while (it reads after its start-up), not removed at once.
  const detached = await openContent(
    { bytes: Buffer.from('%PDF'), filename: 'a.pdf', contentType: 'application/pdf' },
    { entries: [], tmpRoot: root, run: async () => ({}) },
  );
  assert.ok(existsSync(detached.file));
  assert.deepEqual(detached.plan.argv, ['xdg-open', detached.file]);
  assert.deepEqual(planOpenUrl('https://example.org/', 'linux').argv, ['xdg-open', 'https://example.org/']);
});

test('URLs: http, https and mailto only, in order, once each, without trailing punctuation', () => {
  const text = [
    'See https://example.org/a?b=1&c=2. Also (http://example.com/x_(y)) and',
    'mailto:bob@example.org, ftp://files.example.org/x, javascript:alert(1)',
    'file:///etc/passwd and www.example.net/page! Again https://example.org/a?b=1&c=2',
    'bare alice@example.org is not a link',
  ].join('\n');
  assert.deepEqual(
    extractUrls(text).map((u) => u.url),
    ['https://example.org/a?b=1&c=2', 'http://example.com/x_(y)', 'mailto:bob@example.org', 'http://www.example.net/page'],
  );
  const long = extractUrls(`https://example.org/${'a'.repeat(300)}`, { maxShown: 40 });
  assert.equal(long[0]!.shown.length, 40);
  assert.ok(long[0]!.shown.endsWith('…'));
  // A link interrupted by an escape sequence never carries it.
  for (const u of extractUrls('https://evil.example/\u001b]8;;x\u0007path')) assert.doesNotMatch(u.url + u.shown, /[\u0000-\u001f]/);
});

test('pipe: bytes on stdin, exit status and the end of stderr come back', async () => {
  const body = Buffer.from('line one\nline two\n');
  const counted = await pipeToCommand('wc -l', body, { stdout: 'capture' });
  assert.equal(counted.exitCode, 0);
  assert.equal(counted.stdout?.toString().trim(), '2');
  assert.match(counted.summary, /`wc -l` finished/);

  const failed = await pipeToCommand('cat >/dev/null; echo first >&2; printf "bad \\033[31mred\\n" >&2; exit 3', Readable.from([body]));
  assert.equal(failed.exitCode, 3);
  assert.equal(failed.stderrSummary, 'first / bad [31mred'.replace('[31m', ''), 'sanitized, last lines');
  assert.match(failed.summary, /exited with 3: first \/ bad red/);

  // A command that stops reading early is not an error (EPIPE is swallowed).
  const big = Buffer.alloc(4 * 1024 * 1024, 'x');
  const head = await pipeToCommand('head -c 3', big, { stdout: 'capture' });
  assert.equal(head.exitCode, 0);
  assert.equal(head.stdout?.toString(), 'xxx');

  const killed = await pipeToCommand('kill -TERM $$', body);
  assert.equal(killed.signal, 'SIGTERM');
  assert.match(killed.summary, /killed by SIGTERM/);
});

test('save path: Tab completes names and directories, ~ expands, hidden only when asked', async (t) => {
  const home = tempDir(t);
  mkdirSync(path.join(home, 'Documents'));
  mkdirSync(path.join(home, 'Downloads'));
  mkdirSync(path.join(home, 'Documents', 'invoices'));
  writeFileSync(path.join(home, 'Documents', 'invoice-2024.pdf'), '');
  writeFileSync(path.join(home, '.hidden'), '');
  symlinkSync(path.join(home, 'Documents'), path.join(home, 'docs-link'));
  const opts = { home, cwd: home };
  assert.deepEqual(await completePath('~', opts), { value: '~/', candidates: [] });
  assert.deepEqual(await completePath('~/Doc', opts), { value: '~/Documents/', candidates: [] });
  assert.deepEqual(await completePath('~/D', opts), { value: '~/Do', candidates: ['Documents/', 'Downloads/'] });
  assert.deepEqual(await completePath('~/Documents/inv', opts), { value: '~/Documents/invoice', candidates: ['invoice-2024.pdf', 'invoices/'] });
  assert.deepEqual(await completePath('Documents/invoices', opts), { value: 'Documents/invoices/', candidates: [] });
  assert.deepEqual(await completePath('docs', opts), { value: 'docs-link/', candidates: [] }, 'a link to a directory completes as one');
  assert.deepEqual((await completePath('', opts)).candidates, ['Documents/', 'Downloads/', 'docs-link/']);
  assert.deepEqual(await completePath('.h', opts), { value: '.hidden', candidates: [] });
  assert.deepEqual(await completePath('/no/such/dir/x', opts), { value: '/no/such/dir/x', candidates: [] });

  const last = new LastSaveDirectory(home);
  assert.equal(last.promptStart(home), '~/');
  last.remember(path.join(home, 'Documents', 'invoice-2024.pdf'));
  assert.equal(last.promptStart(home), '~/Documents/');
  last.remember('/srv/mail/x.eml');
  assert.equal(last.promptStart(home), '/srv/mail/');
});
