// tmail behaves like a terminal program (tmux, the demo at 80x24): Ctrl-Z stops it and gives the
// shell a normal screen, `fg` brings back the very same screen; Ctrl-C in a prompt cancels the
// prompt and tmail stays; growing the window and quitting leaves nothing of the frame behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const has = (s: string[], text: string) => s.some((l) => l.includes(text));
const frameOnScreen = (s: string[]) => s.some((l) => /[┌╔└╚]/.test(l));

test('Ctrl-Z / fg, Ctrl-C in a prompt, grow then quit', tmuxTestOptions(), async () => {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const work = mkdtempSync(join(tmpdir(), 'tmail-manners-'));
  let tmux: TmuxSession | undefined;
  try {
    tmux = await startTmux({ cols: 80, rows: 24, cwd: ROOT });
    // No `; echo` after the command: bash would run it as soon as the job stops.
    await tmux.type(`node bin/tmail.js --demo --demo-dir ${join(work, 'demo')}`);
    await tmux.keys('Enter');
    // Both accounts' folders listed and nothing loading: the screen left must not change meanwhile.
    await tmux.waitFor(
      (x) =>
        has(x, 'Start here') &&
        has(x, '1/50') &&
        x.filter((l) => /│\s+Trash\s/.test(l)).length === 2 &&
        !x.some((l) => l.startsWith(' Demo') && l.includes('…')),
      'the demo INBOX, all folders',
      90_000,
    );
    await tmux.keys('j', 'j');
    const before = await tmux.waitFor((x) => has(x, '3/50'), 'cursor on 3');

    // Ctrl-Z: stopped, the shell's own screen; fg: the same screen again.
    await tmux.keys('C-z');
    const shell = await tmux.waitFor((x) => has(x, 'Stopped'), 'the job stopped');
    assert.ok(!frameOnScreen(shell), `the shell sees a normal screen:\n${shell.join('\n')}`);
    await tmux.type('fg');
    await tmux.keys('Enter');
    const back = await tmux.waitFor((x) => has(x, '3/50') && frameOnScreen(x), 'tmail back after fg');
    assert.deepEqual(back, before, 'fg restores exactly the screen that was left');
    await tmux.keys('j');
    await tmux.waitFor((x) => has(x, '4/50'), 'keys work after fg');

    // Ctrl-C in the command prompt cancels the prompt; tmail keeps running.
    await tmux.keys(':');
    await tmux.type('fold');
    await tmux.waitFor((x) => has(x, ':fold'), 'the prompt');
    await tmux.keys('C-c');
    const after = await tmux.waitFor((x) => !has(x, ':fold') && has(x, '4/50'), 'prompt cancelled');
    assert.ok(frameOnScreen(after), 'tmail still running');

    // Grow the window, quit: nothing of the frame is left on the shell's screen.
    await tmux.resize(120, 40);
    await tmux.waitFor((x) => x.length === 40 && x.some((l) => /^[┌╔].*[┐╗]$/.test(l) && l.length === 120), 'redrawn at 120x40');
    await tmux.keys('q');
    await tmux.waitFor((x) => !has(x, 'state on server'), 'tmail left the screen');
    await tmux.type('echo "EXIT=$?"');
    await tmux.keys('Enter');
    const end = await tmux.waitFor((x) => has(x, 'EXIT=0'), 'tmail exited');
    assert.ok(!frameOnScreen(end), `nothing of the frame remains:\n${end.join('\n')}`);
    assert.ok(!has(end, 'state on server'), 'no status line remains');
  } finally {
    await tmux?.kill();
    rmSync(work, { recursive: true, force: true });
  }
});
