// Hostile and malformed messages opened through the real UI (tmail in tmux against a private
// Dovecot): every one shows a first line, keys are answered while it loads (help opens, the
// reader can be left), nothing crashes, and SIGTERM / SIGHUP while a big message loads end tmail
// with the terminal restored (alternate screen left, cursor shown). Bounds are generous: the
// machine is shared; precise timings are in `npm run bench`. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { childPids, dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { aliceImapAccount } from '../helpers/e2e-account.js';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

const head = (subject: string, extra: string[] = []) => [
  'From: Mallory <mallory@example.org>',
  'To: Alice <alice@example.test>',
  `Subject: ${subject}`,
  'Date: Mon, 1 Jan 2029 10:00:00 +0000',
  ...extra,
];
const plain = (subject: string, body: string, charset = 'utf-8') =>
  [...head(subject, ['MIME-Version: 1.0', `Content-Type: text/plain; charset=${charset}`]), '', body, ''].join('\r\n');
const html = (subject: string, body: string) => [...head(subject, ['MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8']), '', body, ''].join('\r\n');

/** Newest first in the list: the first entry is on row 1. */
const CORPUS: { name: string; raw: string | Buffer }[] = [
  { name: 'cjk-line', raw: plain('H01 one CJK line of 1.2 MB', '漢字かな交じり文'.repeat(50_000)) },
  { name: 'html-unclosed', raw: html('H02 300k unclosed tags', `<p>START-OF-HTML</p>${'<b><i><u><span>'.repeat(300_000)}`) },
  { name: 'html-deep', raw: html('H03 100k nested div', `${'<div>'.repeat(100_000)}DEEP-TEXT${'</div>'.repeat(100_000)}`) },
  { name: 'header-name', raw: [`X-${'N'.repeat(1_000_000)}: v`, ...head('H04 1 MB header name'), '', 'BODY-AFTER-HUGE-HEADER', ''].join('\r\n') },
  { name: 'subject', raw: plain(`H05 ${'long subject '.repeat(8_000)}`, 'BODY-OF-LONG-SUBJECT') },
  { name: 'emoji-line', raw: plain('H06 emoji line', '👩‍👩‍👧😀🇩🇪'.repeat(30_000)) },
  { name: 'thai-arabic-marks', raw: plain('H07 scripts', `${'ภาษาไทย'.repeat(20_000)}\n${'مرحبا'.repeat(20_000)}\n${'e\u0301\u0302'.repeat(50_000)}`) },
  {
    name: 'many-parts',
    raw: [
      ...head('H08 2000 parts', ['MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="p"']),
      '',
      ...Array.from({ length: 2000 }, (_, i) => `--p\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="f${i}.txt"\r\n\r\npart ${i}`),
      '--p--',
      '',
    ].join('\r\n'),
  },
  {
    name: 'bad-encodings',
    raw: Buffer.concat([
      Buffer.from(
        [
          ...head('H09 bad encodings =?x-unknown?B?@@@?=', [
            'MIME-Version: 1.0',
            'Content-Type: text/plain; charset=no-such-charset',
            'Content-Transfer-Encoding: base64',
          ]),
          '',
          '!!!not base64\u00ff',
          '',
        ].join('\r\n'),
        'latin1',
      ),
      Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0d, 0x0a]),
    ]),
  },
  { name: 'osc-unterminated', raw: plain('H10 title \u001b]0;gotcha rest-of-subject', 'body \u001bP unterminated DCS BODY-REST-VISIBLE') },
];

async function writeCorpus(server: DovecotServer): Promise<void> {
  const maildir = server.maildir('alice');
  for (const d of ['cur', 'new', 'tmp']) await mkdir(join(maildir, d), { recursive: true });
  // Newest first: the first corpus entry gets the latest arrival time.
  for (const [i, m] of CORPUS.entries()) {
    const raw = Buffer.isBuffer(m.raw) ? m.raw : Buffer.from(m.raw);
    const date = new Date(Date.UTC(2029, 0, 1, 12, 0, 0) - i * 60_000);
    const file = join(maildir, 'cur', `${Math.floor(date.getTime() / 1000)}.h${i}.tmailtest,S=${raw.length}:2,`);
    await writeFile(file, raw, { mode: 0o600 });
    await utimes(file, date, date);
  }
  await server.fixOwnership('alice');
}

const has = (s: string[], text: string) => s.some((l) => l.includes(text));

async function paneState(tmux: TmuxSession): Promise<{ alternate: boolean; cursor: boolean }> {
  const { stdout } = await run('tmux', ['-L', tmux.socket, 'display-message', '-p', '-t', 'e2e', '#{alternate_on} #{cursor_flag}']);
  const [alt, cursor] = stdout.trim().split(' ');
  return { alternate: alt === '1', cursor: cursor === '1' };
}

async function tmailPid(tmux: TmuxSession): Promise<number> {
  const { stdout } = await run('tmux', ['-L', tmux.socket, 'list-panes', '-t', 'e2e', '-F', '#{pane_pid}']);
  const shell = Number(stdout.trim());
  for (let i = 0; i < 50; i++) {
    const node = childPids(shell).find((c) => c.comm.startsWith('node'));
    if (node) return node.pid;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('tmail process not found');
}

test('hostile corpus through the real UI: first line, keys answered, no crash, terminal restored', {
  ...dovecotTestOptions(),
  ...tmuxTestOptions(),
  timeout: 600_000,
}, async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const server = await startDovecot({ baseDir: existsSync('/dev/shm') ? '/dev/shm' : undefined });
  const work = await mkdtemp(join(tmpdir(), 'tmail-hostile-'));
  let tmux: TmuxSession | undefined;
  t.after(async () => {
    await tmux?.kill();
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });
  await writeCorpus(server);
  const config = join(work, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      accounts: [aliceImapAccount(server, { name: 'hostile' })],
    }),
    { mode: 0o600 },
  );
  tmux = await startTmux({ cols: 100, rows: 30, cwd: ROOT, env: { TMAIL_E2E_PW: 'alice-pw', TMAIL_DATA_DIR: join(work, 'data') } });
  const start = async () => {
    await tmux!.type(`clear; node bin/tmail.js --config ${config}; echo "EXIT=$?"`);
    await tmux!.keys('Enter');
    await tmux!.waitFor((x) => has(x, 'H01 one CJK') && has(x, `1/${CORPUS.length}`), 'the message list', 60_000);
  };
  await start();

  for (const [i, m] of CORPUS.entries()) {
    await t.test(m.name, async () => {
      await tmux!.keys('Enter');
      // Keys are answered while it loads: help opens over the reader and closes again.
      await tmux!.keys('?');
      await tmux!.waitFor((x) => has(x, 'Keys (any other key closes'), `help opens while ${m.name} loads`, 15_000);
      await tmux!.keys('Escape');
      await tmux!.waitFor((x) => !has(x, 'Keys (any other key closes'), 'help closed', 15_000);
      // A first line of the message shows (or the note of a message over the limits).
      const tag = `Subject: H${String(i + 1).padStart(2, '0')} `;
      const s = await tmux!.waitFor((x) => has(x, tag) && !has(x, 'Loading message'), `${m.name} shows`, 90_000);
      assert.ok(has(s, 'From: Mallory'), `${m.name}: From from the message or the envelope\n${s.join('\n')}`);
      if (m.name === 'osc-unterminated') {
        assert.ok(has(s, 'rest-of-subject'), 'an unterminated OSC does not hide the rest of the subject');
        assert.ok(has(s, 'BODY-REST-VISIBLE'), 'nor the rest of the body');
      }
      if (m.name === 'html-unclosed') assert.ok(has(s, 'START-OF-HTML'), 'text before the tag flood shows');
      if (m.name === 'html-deep') assert.ok(has(s, 'DEEP-TEXT'), 'text inside 100k divs shows');
      if (m.name === 'header-name') assert.ok(has(s, 'BODY-AFTER-HUGE-HEADER') || has(s, 'over tmail'), 'body or the over-limit note');
      // Back to the list, next message.
      await tmux!.keys('h');
      await tmux!.keys('j');
      await tmux!.waitFor((x) => has(x, `${Math.min(i + 2, CORPUS.length)}/${CORPUS.length}`), 'next message', 15_000);
    });
  }
  // Still alive after the whole corpus: q quits normally.
  await tmux.keys('q');
  await tmux.waitFor((x) => has(x, 'EXIT=0'), 'tmail quit with q', 20_000);

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    await t.test(`${signal} while the biggest message loads restores the terminal`, async () => {
      await start();
      await tmux!.keys('g', 'Enter');
      await tmux!.waitFor((x) => has(x, 'Loading message') || has(x, 'Lives:'), 'reader opened', 15_000);
      process.kill(await tmailPid(tmux!), signal);
      const s = await tmux!.waitFor((x) => has(x, `EXIT=${code}`), `tmail ended by ${signal}`, 10_000);
      assert.ok(!has(s, 'Loading message'), 'the alternate screen is gone');
      const state = await paneState(tmux!);
      assert.equal(state.alternate, false, 'alternate screen left');
      assert.equal(state.cursor, true, 'cursor shown');
    });
  }
});
