// TMAIL_KEY_LATENCY: one line per key from the input being readable to the next terminal write,
// with the longest event-loop stall since the previous key; nothing at all without the variable.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startKeyLatencyLog } from '../../src/ui/startup/key-latency-log.js';

function fakes() {
  const stdin = new EventEmitter();
  const written: string[] = [];
  const stdout = {
    write: ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as (...args: never[]) => boolean,
  };
  return { stdin, stdout, written };
}

test('a key is logged once, at the first frame written after it; writes without a key are not', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tmail-keylog-'));
  try {
    const file = path.join(dir, 'keys.log');
    const { stdin, stdout, written } = fakes();
    const original = stdout.write;
    const stop = startKeyLatencyLog(file, stdin, stdout);
    (stdout.write as (s: string) => boolean)('spinner frame');
    stdin.emit('readable');
    stdin.emit('readable'); // the same key read in two chunks: timed from the first
    (stdout.write as (s: string) => boolean)('answer');
    (stdout.write as (s: string) => boolean)('later frame');
    stop();
    assert.deepEqual(written, ['spinner frame', 'answer', 'later frame'], 'frames pass through unchanged');
    assert.equal(stdout.write, original, 'stop() puts the terminal write back');
    assert.equal(stdin.listenerCount('readable'), 0);
    // A loaded machine may add a "blocked" line (the next test is about those).
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('blocked '));
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^key \d+\.\d stall \d+\.\d at \d+ cpu \d+\.\d total \d+\.\d$/);
    assert.match(lines[1]!, /^stall max \d+\.\d p99 \d+\.\d mean \d+\.\d$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an event loop blocked over 40 ms is logged with its start on the monotonic clock', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tmail-keylog-'));
  try {
    const file = path.join(dir, 'keys.log');
    const { stdin, stdout } = fakes();
    const stop = startKeyLatencyLog(file, stdin, stdout);
    await new Promise((r) => setTimeout(r, 20));
    const before = process.hrtime.bigint() / 1000n;
    const until = performance.now() + 100;
    while (performance.now() < until); // blocks the event loop for 100 ms
    await new Promise((r) => setTimeout(r, 20));
    stop();
    const blocked = (await readFile(file, 'utf8')).split('\n').filter((l) => l.startsWith('blocked '));
    assert.ok(blocked.length >= 1, 'the stall is logged');
    const [, ms, at, used] = /^blocked (\d+\.\d) at (\d+) cpu (\d+\.\d)$/.exec(blocked.at(-1)!) ?? [];
    assert.ok(Number(ms) >= 100, `${ms} ms covers the 100 ms blocked`);
    // The busy loop ran on this thread: some of the block is its CPU time (all of it when idle).
    assert.ok(Number(used) > 0 && Number(used) <= Number(ms) + 1, `cpu ${used} ms within the ${ms} ms`);
    assert.ok(BigInt(at!) <= before + 5_000n, 'it started before the block (within the 5 ms tick)');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('without a file nothing is hooked', () => {
  const { stdin, stdout } = fakes();
  const original = stdout.write;
  const stop = startKeyLatencyLog(undefined, stdin, stdout);
  assert.equal(stdout.write, original);
  assert.equal(stdin.listenerCount('readable'), 0);
  stop();
});
