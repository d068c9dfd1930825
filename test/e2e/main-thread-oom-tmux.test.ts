// tmail started without its launcher (the shebang path) and killed by a V8 out-of-memory abort in
// the main thread, where no JavaScript runs any more: the terminal sentinel puts the terminal
// back (alternate screen left, cursor shown, raw mode off) and says so. The "tmail" here is a
// child node with a 32 MB heap that starts the real sentinel, takes the full screen and raw mode
// like the UI, then allocates until V8 aborts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTmux, tmuxTestOptions } from '../helpers/tmux.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

test('a main-thread out-of-memory abort without the launcher leaves a usable terminal', tmuxTestOptions(), async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-oom-'));
  const script = join(dir, 'oom.mjs');
  await writeFile(
    script,
    `import { startSentinel } from ${JSON.stringify(join(ROOT, 'src/ui/terminal-sentinel.ts'))};
const sentinel = startSentinel(process.stdin);
if (!sentinel) { console.log('NO-SENTINEL'); process.exit(3); }
await sentinel.ready;
process.stdin.setRawMode(true);
process.stdout.write('\\u001b[?1049h\\u001b[?25lFULL-SCREEN-UI\\n');
const keep = [];
setInterval(() => { for (let i = 0; i < 20000; i++) keep.push({ i, s: 'x'.repeat(40) + i }); }, 1);
`,
  );
  const tmux = await startTmux({ cols: 100, rows: 30, cwd: ROOT });
  try {
    // sh, not the interactive bash: bash would reset the terminal itself before its next prompt.
    // The pause lets the sentinel (it looks once a second) do its work before stty reports.
    await tmux.type(
      `sh -c 'node --max-old-space-size=32 --import tsx ${script}; e=$?; sleep 3; echo EXIT=$e; stty -a | grep -o -- "-\\?icanon" | sed "s/^/MODE=/"'`,
    );
    await tmux.keys('Enter');
    await tmux.waitFor((s) => s.some((l) => l.includes('FULL-SCREEN-UI')), 'the child took the full screen', 30_000);
    const screen = await tmux.waitFor((s) => s.some((l) => /^MODE=/.test(l)), 'the child died and stty reported', 120_000);
    const text = screen.join('\n');
    assert.match(text, /EXIT=13[34]/, 'V8 aborted (SIGABRT/SIGTRAP), no JavaScript ran');
    assert.match(text, /tmail: stopped unexpectedly \(out of memory or killed\); the terminal was restored\./);
    assert.match(text, /^MODE=icanon$/m, 'cooked mode again');
    const { stdout } = await run('tmux', ['-L', tmux.socket, 'display-message', '-p', '-t', 'e2e', '#{alternate_on} #{cursor_flag}']);
    assert.equal(stdout.trim(), '0 1', 'alternate screen left, cursor shown');
  } finally {
    await tmux.kill();
    await rm(dir, { recursive: true, force: true });
  }
});
