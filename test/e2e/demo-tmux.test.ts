// `tmail --demo` as a person uses it, in a real terminal (tmux) at 80x24: read in the IMAP
// account and see \Seen go to the server in the trace; download with POP3 and see RETR/DELE/QUIT;
// the IMAP INBOX is empty afterwards. No password on any screen or in the --trace file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PASSWORD = 'e2e-Demo-Secret-8f3k';
const has = (s: string[], text: string) => s.some((l) => l.includes(text));

for (const term of ['xterm-256color', 'vt100']) {
  test(`tmail --demo at 80x24, TERM=${term}: IMAP read → \\Seen on the server; POP3 sync empties the IMAP INBOX`, tmuxTestOptions(), async () => {
    if (!existsSync(join(ROOT, 'dist/cli/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const work = mkdtempSync(join(tmpdir(), 'tmail-demo-e2e-'));
    const traceFile = join(work, 'trace.log');
    const demoDir = join(work, 'demo');
    let tmux: TmuxSession | undefined;
    const screens: string[][] = [];
    try {
      tmux = await startTmux({ cols: 80, rows: 24, cwd: ROOT, env: { TMAIL_DEMO_PASSWORD: PASSWORD } });
      const wait = async (pred: (s: string[]) => boolean, what: string) => {
        const s = await tmux!.waitFor(pred, what, 30_000);
        screens.push(s);
        return s;
      };
      /** Presses `key` until `pred` holds (scrolling the trace back), at most `max` times. */
      const pressUntil = async (key: string, pred: (s: string[]) => boolean, what: string, max = 150) => {
        for (let i = 0; i < max; i++) {
          const s = await tmux!.capture();
          screens.push(s);
          if (pred(s)) return s;
          await tmux!.keys(key);
          await new Promise((r) => setTimeout(r, 60));
        }
        return wait(pred, what);
      };

      await tmux.type(`TERM=${term} node bin/tmail.js --demo --demo-dir ${demoDir} --trace ${traceFile}; echo "EXIT=$?"`);
      await tmux.keys('Enter');
      let s = await wait((x) => has(x, 'Start here: IMAP') && has(x, '1/50'), 'the demo INBOX');
      assert.ok(has(s, 'Demo (IMAP) │ IMAP · state on server'), 'the model in words');

      // The trace pane under the list, then read the guide in the IMAP account: \Seen is set on
      // the server while the trace keeps running below the reader.
      await tmux.keys('t');
      await wait((x) => has(x, 'Trace · Demo (IMAP)') && has(x, 'Start here: IMAP'), 'the trace pane under the list');
      await tmux.keys('Enter');
      // The status note leads with where it happened, whole at 80 columns.
      s = await wait(
        (x) =>
          has(x, 'Welcome to the tmail demo') &&
          has(x, 'Lives: on the server') &&
          has(x, 'server: \\Seen set') &&
          has(x, 'Trace · Demo (IMAP)') &&
          x.some((l) => /S: \S+ OK /.test(l)),
        'the guide in the reader, the trace pane below',
      );
      assert.ok(
        s.some((l) => / IMAP │ INBOX │ 1\/50 │ .*server: \\Seen set/.test(l)),
        'the note in the status bar',
      );
      // T zooms the trace full screen, where it scrolls back.
      await tmux.keys('T');
      await wait((x) => has(x, 'j/k scroll') && !has(x, 'Welcome to the tmail demo'), 'the zoomed trace');
      s = await pressUntil('k', (x) => x.some((l) => /C: \S+ UID STORE \d+ \+FLAGS \(\\Seen\)/.test(l)), 'STORE +FLAGS (\\Seen) in the trace');
      await tmux.keys('G');
      s = await wait((x) => x.some((l) => /S: \* \d+ FETCH \(.*FLAGS \(.*\\Seen/.test(l)), 'the server confirms \\Seen');
      await tmux.keys('t');
      await wait((x) => !has(x, 'j/k scroll') && has(x, 'Welcome to the tmail demo') && has(x, 'Trace · Demo (IMAP)'), 'back to the reader with the pane');
      await tmux.keys('t');
      await wait((x) => !has(x, 'C: tmail S: server'), 'trace pane hidden');

      // Switch to the POP3 account's INBOX and download.
      await tmux.keys('Escape');
      // Wait for the list before the next key: ESC followed at once by h reads as Alt-h.
      await wait((x) => has(x, 'Weekend hike #49') && !has(x, 'Welcome to the tmail demo'), 'back in the list');
      await tmux.keys('h');
      await wait((x) => has(x, 'Demo (POP3) [POP3]'), 'the folder pane');
      await tmux.keys('j', 'j', 'j', 'j', 'j');
      await tmux.keys('Enter');
      await wait((x) => has(x, 'Demo (POP3) │ POP3 · local cache'), 'the POP3 account');
      await tmux.keys('$');
      s = await wait((x) => has(x, 'Demo (POP3) │ POP3 · local cache │ INBOX │ 1/50'), 'the downloaded messages');
      await tmux.keys('T');
      s = await wait((x) => has(x, 'Trace · Demo (POP3)') && x.some((l) => /C: QUIT/.test(l)), 'QUIT in the trace');
      assert.ok(
        s.some((l) => /C: DELE \d+|S: \+OK message \d+ deleted/.test(l)),
        'DELE in view',
      );
      s = await pressUntil('PageUp', (x) => x.some((l) => /C: RETR \d+/.test(l)), 'RETR in the trace');
      s = await pressUntil('PageUp', (x) => x.some((l) => /C: PASS \*\*\*/.test(l)), 'the redacted PASS');
      await tmux.keys('t');
      await wait((x) => !has(x, 'C: tmail S: server'), 'trace closed');

      // The IMAP account's INBOX lost those messages.
      await tmux.keys('h');
      await wait((x) => has(x, 'Demo (IMAP) [IMAP]'), 'the folder pane again');
      await tmux.keys('k', 'k', 'k', 'k', 'k');
      await tmux.keys('Enter');
      await wait((x) => has(x, 'Demo (IMAP) │ IMAP · state on server │ INBOX │ 0/0'), 'the IMAP INBOX is empty');

      await tmux.keys('q');
      await wait((x) => has(x, 'EXIT=0'), 'a clean exit');

      for (const screen of screens) assert.ok(!screen.join('\n').includes(PASSWORD), 'no password on screen');
      const trace = readFileSync(traceFile, 'utf8');
      assert.equal(statSync(traceFile).mode & 0o777, 0o600);
      assert.ok(!trace.includes(PASSWORD), 'no password in the --trace file');
      assert.ok(!trace.includes(Buffer.from(`\u0000demo\u0000${PASSWORD}`).toString('base64')), 'no SASL payload');
      assert.match(trace, /\[Demo \(IMAP\)\] C: \S+ UID STORE \d+ \+FLAGS \(\\Seen\)/);
      assert.match(trace, /\[Demo \(POP3\)\] C: PASS \*\*\*/);
      for (const cmd of ['RETR', 'DELE', 'QUIT']) assert.match(trace, new RegExp(`\\[Demo \\(POP3\\)\\] C: ${cmd}`));
      assert.ok(!readFileSync(join(demoDir, 'config.json'), 'utf8').includes(PASSWORD), 'the kept demo config has no password');
    } finally {
      await tmux?.kill();
      rmSync(work, { recursive: true, force: true });
    }
  });
}
