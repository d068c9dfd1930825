// The real `tmail` binary in a real terminal (tmux) against a private Dovecot with a 100,000
// message INBOX: open, navigate, read a multipart/alternative message, flag it, check the flags
// on the server through an independent IMAP connection, resize, quit. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';
import { displayWidth } from '../../src/text/display-width.js';
import { aliceImapAccount } from '../helpers/e2e-account.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const INBOX_SIZE = 100_000;
const TOTAL = INBOX_SIZE + 1;
const SUBJECT = 'E2E alternative message';

function alternativeMessage(date: Date): string {
  return [
    'From: Carol Sender <carol@example.org>',
    'To: Alice <alice@example.test>',
    'Cc: Dave <dave@example.org>',
    `Subject: ${SUBJECT}`,
    `Date: ${date.toUTCString()}`,
    'Message-ID: <e2e-alt@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'PLAIN-PART-MARKER: caf=C3=A9 and a long line that the reader has to wrap at the width of its pane, =',
    'which depends on how wide the terminal is.',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><p>HTML-PART-MARKER</p></body></html>',
    '--b1--',
    '',
  ].join('\r\n');
}

/** Writes the newest message of INBOX straight into the Maildir (mtime = arrival date). */
async function addNewest(server: DovecotServer): Promise<void> {
  const date = new Date(Date.UTC(2030, 0, 1, 12, 0, 0));
  const raw = Buffer.from(alternativeMessage(date));
  const seconds = Math.floor(date.getTime() / 1000);
  const file = join(server.maildir('alice'), 'new', `${seconds}.e2e_1.tmailtest,S=${raw.length}`);
  await writeFile(file, raw, { mode: 0o600 });
  await utimes(file, date, date);
}

async function serverFlags(server: DovecotServer): Promise<Set<string>> {
  const client = new ImapFlow({
    host: server.host,
    port: server.ports.imaps,
    secure: true,
    tls: { ca: [await readFile(server.caFile)] },
    auth: { user: 'alice', pass: 'alice-pw' },
    logger: false,
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const uids = await client.search({ header: { 'message-id': '<e2e-alt@example.org>' } }, { uid: true });
      assert.ok(uids && uids.length === 1, 'the e2e message is on the server once');
      const msg = await client.fetchOne(String(uids[0]), { flags: true }, { uid: true });
      return new Set(msg ? msg.flags : []);
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

const has = (s: string[], text: string) => s.some((l) => l.includes(text));
// With a note about where a change happened, a narrow bar shows the model as just "IMAP".
const statusRow = (s: string[]) => s.findIndex((l) => /IMAP(?: · state on server(?: · [^│]*)?)? │ INBOX │ \d+\/\d+/.test(l));

/**
 * tmux rewraps the old frame at the new size before tmail redraws; that stale frame can already
 * show the status row where it is expected, so wait for a frame drawn at the new width.
 */
const redrawnAt = (s: string[], cols: number) => /^[┌╔]/.test(s[0] ?? '') && s.every((l) => displayWidth(l) <= cols);

/** The frame is intact: top border on row 0, bottom border just above the status line, nothing wider than the terminal. */
function assertCoherent(screen: string[], cols: number, rows: number, panesInTopRow: number): void {
  assert.equal(screen.length, rows, 'captured rows');
  const status = statusRow(screen);
  assert.equal(status, rows - 2, `status line at row ${rows - 2}:\n${screen.join('\n')}`);
  const corners = (screen[0]!.match(/[┌╔]/g) ?? []).length;
  assert.equal(corners, panesInTopRow, `panes in the top row:\n${screen.join('\n')}`);
  assert.match(screen[status - 1]!, /^[└╚]/, 'bottom border above the status line');
  assert.match(screen[status - 1]!, /[┘╝]$/, 'bottom border ends at the right edge');
  for (const l of screen) assert.ok(displayWidth(l) <= cols, `line wider than ${cols}: ${l}`);
  for (const l of screen.slice(1, status - 1)) assert.match(l, /^[│║]/, `left border on every row: ${l}`);
}

test('tmail UI in tmux against Dovecot with 100k messages', { ...dovecotTestOptions(), ...tmuxTestOptions(), timeout: 300_000 }, async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the e2e test');
  }
  const server = await startDovecot({ baseDir: existsSync('/dev/shm') ? '/dev/shm' : undefined });
  const work = await mkdtemp(join(tmpdir(), 'tmail-e2e-'));
  let tmux: TmuxSession | undefined;
  t.after(async () => {
    await tmux?.kill();
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  const maildir = server.maildir('alice');
  await generateMaildir(maildir, { count: INBOX_SIZE, into: 'cur', mixedFlags: true });
  await generateMaildir(maildir, { count: 40, folder: 'Archive', seed: 2 });
  await generateMaildir(maildir, { count: 3, folder: 'Trash', seed: 3 });
  await addNewest(server);
  await server.fixOwnership('alice');

  const config = join(work, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      accounts: [aliceImapAccount(server)],
    }),
    { mode: 0o600 },
  );

  tmux = await startTmux({ cols: 100, rows: 30, cwd: ROOT, env: { TMAIL_E2E_PW: 'alice-pw', TMAIL_DATA_DIR: join(work, 'data') } });
  await tmux.type(`node bin/tmail.js --config ${config}; echo "EXIT=$?"`);
  await tmux.keys('Enter');

  // Opens with the newest message on top of a 100,001-message INBOX.
  // INBOX opens before the folder list arrives: wait for both.
  let s = await tmux.waitFor((x) => has(x, SUBJECT) && has(x, `1/${TOTAL}`) && has(x, 'Trash'), 'the first window and the folder list', 60_000);
  assert.ok(has(s, 'e2e [IMAP]'), 'account group in the folder pane');
  assert.ok(has(s, 'Archive') && has(s, 'Trash'), 'other folders listed');
  const row = s.find((l) => l.includes(SUBJECT))!;
  assert.match(row, /N\s+2030-01-01 Carol Sender/, 'newest first, unread marked');

  // Navigation.
  await tmux.keys('j', 'j', 'Down');
  await tmux.waitFor((x) => has(x, `4/${TOTAL}`), 'cursor moved down');
  await tmux.keys('k', 'Up');
  await tmux.waitFor((x) => has(x, `2/${TOTAL}`), 'cursor moved up');
  await tmux.keys('G');
  s = await tmux.waitFor((x) => has(x, `${TOTAL}/${TOTAL}`) && !x.some((l) => /║\s+…\s+/.test(l)), 'bottom of the folder loaded', 60_000);
  await tmux.keys('g');
  await tmux.waitFor((x) => has(x, ` 1/${TOTAL}`) && has(x, SUBJECT), 'back at the top');

  // Reading a multipart/alternative message shows the text/plain part with its headers.
  await tmux.keys('Enter');
  s = await tmux.waitFor((x) => has(x, 'PLAIN-PART-MARKER: café'), 'the reader', 30_000);
  assert.ok(has(s, 'From: Carol Sender <carol@example.org>'));
  assert.ok(has(s, 'Cc: Dave <dave@example.org>'));
  assert.ok(has(s, `Subject: ${SUBJECT}`));
  assert.ok(!has(s, 'HTML-PART-MARKER'), 'text/plain preferred over HTML');
  // Flag it from the reader; back in the list (the reader had the whole width) the row shows it.
  await tmux.keys('f');
  await tmux.waitFor((x) => has(x, 'server: \\Flagged set'), 'flag note');
  await tmux.keys('h');
  await tmux.waitFor((x) => x.some((l) => l.includes('E2E alternative') && /[│║][> ] !/.test(l)), 'flag mark in the list');

  // Another IMAP client sees both \Seen (set by opening) and \Flagged.
  const deadline = Date.now() + 20_000;
  let flags = await serverFlags(server);
  while (!(flags.has('\\Seen') && flags.has('\\Flagged')) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    flags = await serverFlags(server);
  }
  assert.ok(flags.has('\\Seen'), `\\Seen on the server (flags: ${[...flags].join(' ')})`);
  assert.ok(flags.has('\\Flagged'), `\\Flagged on the server (flags: ${[...flags].join(' ')})`);

  // 100x30: folders beside the list.
  s = await tmux.capture();
  assertCoherent(s, 100, 30, 2);

  // 80x24: still folders beside the list; the reader takes the whole width while open.
  await tmux.resize(80, 24);
  s = await tmux.waitFor((x) => x.length === 24 && redrawnAt(x, 80) && statusRow(x) === 22 && has(x, 'E2E alternative'), 'reflow to 80x24');
  assertCoherent(s, 80, 24, 2);
  assert.ok(has(s, 'e2e [IMAP]'), 'folder pane beside the list');
  await tmux.keys('Enter');
  s = await tmux.waitFor((x) => has(x, 'PLAIN-PART-MARKER') && !has(x, 'e2e [IMAP]'), 'the reader alone at 80x24');
  assertCoherent(s, 80, 24, 1);

  // Wide: three columns.
  await tmux.resize(200, 60);
  s = await tmux.waitFor(
    (x) => x.length === 60 && redrawnAt(x, 200) && statusRow(x) === 58 && has(x, 'PLAIN-PART-MARKER') && has(x, 'e2e [IMAP]'),
    'reflow to 200x60',
  );
  assertCoherent(s, 200, 60, 3);

  // Quit restores the terminal: the shell and the exit status are visible again.
  await tmux.keys('q');
  s = await tmux.waitFor((x) => has(x, 'EXIT=0'), 'tmail exited', 15_000);
  assert.ok(!has(s, 'state on server'), 'the alternate screen is gone');
});
