// The first-screen bench's screen watch (bench/screen-watch.ts) against a real tmux: it sees
// text written after it started waiting, text already on screen, survives a quote in a key, and
// gives up with the screen when the text never comes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchScreen } from '../../bench/screen-watch.js';
import { startTmux, tmuxTestOptions } from '../helpers/tmux.js';

const has = (text: string) => (screen: string[]) => screen.some((l) => l.includes(text));

test('the screen watch sees what the pane shows, after each write', tmuxTestOptions(), async () => {
  const tmux = await startTmux({ cols: 60, rows: 8 });
  const watch = watchScreen(tmux.socket, 'e2e');
  try {
    // Only the shell's output holds 42 (the typed line holds the expression), written after a
    // pause, so the watch must wake on a later write rather than on the first capture.
    await tmux.type('sleep 0.3; echo "it\'s $((6 * 7))"');
    const started = performance.now();
    await watch.keys('Enter');
    const seen = await watch.until(has("it's 42"), 'the echo', 30_000);
    assert.ok(seen.at - started >= 250, `seen after ${seen.at - started} ms, before the shell slept`);
    // Woken by the write itself, not by the deadline (a wide bound: this is not a speed test).
    assert.ok(seen.at - started < 15_000, `seen after ${seen.at - started} ms: only at the deadline`);
    assert.ok(seen.screen.some((l) => l === "it's 42"));
    // Already on screen: no further write is needed.
    const again = await watch.until(has("it's 42"), 'the same text', 1_000);
    assert.ok(again.screen.length === 8);
    await assert.rejects(
      watch.until(has('never written'), 'text that never comes', 300),
      /timed out waiting for text that never comes; screen:\n[\s\S]*it's 42/,
    );
  } finally {
    watch.close();
    await tmux.kill();
  }
});
