// Hand-off from the reader in a real terminal: `U` lists the message's links and Enter opens the
// chosen one with the system opener, `W` gives the HTML part to the mailcap's browser, `|` pipes
// the message to a real `sh -c` command. No browser runs: the opener (`xdg-open` first on PATH)
// and the mailcap's browser are scripts that write down what they were given. Needs `npm run build`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dovecotTestOptions, startDovecot } from '../helpers/dovecot.js';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';
import { aliceImapAccount } from '../helpers/e2e-account.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const has = (s: string[], text: string) => s.some((l) => l.includes(text));

const MESSAGE = [
  'From: Carol <carol@example.org>',
  'To: Alice <alice@example.test>',
  'Subject: Links to follow',
  'Date: Mon, 01 Jan 2030 12:00:00 +0000',
  'Message-ID: <e2e-links@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'First https://example.org/e2e-one then https://example.com/e2e-two?x=1 and done.',
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<html><body><p>HTML-PART-MARKER</p></body></html>',
  '--b1--',
  '',
].join('\r\n');

async function waitForFile(file: string, what: string): Promise<string> {
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    if (existsSync(file)) {
      const text = await readFile(file, 'utf8');
      if (text.includes('\n')) return text;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (${file})`);
}

test('reader hand-off in tmux: link picker, HTML in the browser, pipe to a command', {
  ...dovecotTestOptions(),
  ...tmuxTestOptions(),
  timeout: 180_000,
}, async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` before the e2e test');
  const server = await startDovecot();
  const work = await mkdtemp(join(tmpdir(), 'tmail-e2e-handoff-'));
  let tmux: TmuxSession | undefined;
  t.after(async () => {
    await tmux?.kill();
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });
  await writeFile(join(server.maildir('alice'), 'new', '1893499200.links_1.tmailtest'), MESSAGE, { mode: 0o600 });
  await server.fixOwnership('alice');

  const bin = join(work, 'bin');
  await mkdir(bin);
  const opened = join(work, 'opened.txt');
  const browsed = join(work, 'browsed.txt');
  await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${opened}'\n`);
  await writeFile(
    join(bin, 'fake-browser'),
    `#!/bin/sh\ncat "$1" > '${browsed}.part' && printf '\\n%s\\n' "$1" >> '${browsed}.part' && mv '${browsed}.part' '${browsed}'\n`,
  );
  await chmod(join(bin, 'xdg-open'), 0o755);
  await chmod(join(bin, 'fake-browser'), 0o755);
  const mailcap = join(work, 'mailcap');
  await writeFile(mailcap, `text/html; ${join(bin, 'fake-browser')} %s; nametemplate=%s.html\n`);

  const config = join(work, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      accounts: [aliceImapAccount(server)],
    }),
    { mode: 0o600 },
  );
  tmux = await startTmux({
    cols: 100,
    rows: 30,
    cwd: ROOT,
    env: { TMAIL_E2E_PW: 'alice-pw', TMAIL_DATA_DIR: join(work, 'data'), PATH: `${bin}:${process.env.PATH}`, MAILCAPS: mailcap, HOME: work },
  });
  await tmux.type(`node bin/tmail.js --config ${config}; echo "EXIT=$?"`);
  await tmux.keys('Enter');
  await tmux.waitFor((x) => has(x, 'Links to follow') && has(x, '1/1'), 'the message listed', 60_000);
  // From the list, without opening the message: U lists its links.
  await tmux.keys('U');
  await tmux.waitFor((x) => has(x, 'Open which link?') && has(x, '1  https://example.org/e2e-one'), 'link picker from the list');
  await tmux.keys('Escape');
  await tmux.waitFor((x) => !has(x, 'Open which link?'), 'picker closed');
  await tmux.keys('Enter');
  await tmux.waitFor((x) => has(x, 'e2e-one then'), 'the reader', 30_000);

  // U: the links, numbered; the second one opened.
  await tmux.keys('U');
  const s = await tmux.waitFor((x) => has(x, 'Open which link?'), 'link picker');
  assert.ok(has(s, '1  https://example.org/e2e-one'), s.join('\n'));
  assert.ok(has(s, '2  https://example.com/e2e-two?x=1'), s.join('\n'));
  await tmux.keys('j', 'Enter');
  assert.equal((await waitForFile(opened, 'the opener')).trim(), 'https://example.com/e2e-two?x=1');
  await tmux.waitFor((x) => has(x, 'Opened https://example.com/e2e-two'), 'status note');

  // W: the HTML part, through the mailcap entry, from a private temp file.
  await tmux.keys('W');
  await tmux.waitFor((x) => has(x, 'Opened message.html with mailcap'), 'status note after W');
  const html = await waitForFile(browsed, 'the browser');
  assert.match(html, /HTML-PART-MARKER/);
  assert.match(html, /\.html\n$/, 'the mailcap nametemplate gave the file its extension');

  // |: a real shell command gets the raw message and the terminal; a key brings tmail back.
  const piped = join(work, 'piped.eml');
  await tmux.keys('|');
  await tmux.waitFor((x) => has(x, 'Pipe message to:'), 'pipe prompt');
  await tmux.type(`cat > ${piped}; echo PIPED-OK`);
  await tmux.keys('Enter');
  await tmux.waitFor((x) => has(x, 'PIPED-OK') && has(x, 'Press any key to return to tmail'), 'the command on the terminal');
  await tmux.keys('x');
  await tmux.waitFor((x) => has(x, 'PIPED-OK` finished') && has(x, 'e2e-one then'), 'back in the reader');
  assert.match(await readFile(piped, 'utf8'), /Message-ID: <e2e-links@example.org>/);
  await tmux.keys('|');
  await tmux.type('echo oops >&2; exit 7');
  await tmux.keys('Enter');
  await tmux.waitFor((x) => has(x, 'oops') && has(x, 'exited with 7') && has(x, 'Press any key'), 'failure on the terminal');
  await tmux.keys('x');
  await tmux.waitFor((x) => has(x, 'exited with 7'), 'failure status');

  await tmux.keys('q');
  await tmux.waitFor((x) => has(x, 'EXIT=0'), 'quit');
});
