// `--demo`, `--demo-dir`, `--trace` on the command line, and what `tmail --demo` leaves behind.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main, parseInvocation } from '../../src/cli/main.js';
import { demoScratchRoot } from '../../src/demo/run-demo.js';
import { testContext } from './cli-context.js';

test('--demo, --demo-dir DIR, --trace FILE (and the = forms) are parsed', () => {
  const a = parseInvocation(['--demo', '--trace', 't.log']);
  assert.equal(a.demo, true);
  assert.equal(a.traceFile, 't.log');
  assert.equal(a.command, undefined);
  const b = parseInvocation(['--demo-dir=/tmp/x', '--trace=/tmp/t']);
  assert.equal(b.demoDir, '/tmp/x');
  assert.equal(b.traceFile, '/tmp/t');
  assert.throws(() => parseInvocation(['--trace']), /--trace needs a file name/);
  assert.throws(() => parseInvocation(['--demo-dir', '']), /--demo-dir needs a directory name/);
});

test('the demo options go with the UI only: with a command they are a usage error (exit 2)', async () => {
  const t = testContext({});
  assert.equal(await main(['--demo', 'folders'], t.ctx), 2);
  assert.match(t.stderr(), /--demo and --demo-dir go with the mail UI/);
  // --trace is not a demo option: it goes with commands too ("tmail sync --trace FILE").
  assert.equal(parseInvocation(['sync', '--trace', 't.log', '--account', 'x']).traceFile, 't.log');
  assert.deepEqual(parseInvocation(['sync', '--trace', 't.log', '--account', 'x']).args, ['--account', 'x']);
});

test('help mentions the demo', async () => {
  const t = testContext({});
  assert.equal(await main(['--help'], t.ctx), 0);
  assert.match(t.stdout(), /--demo\s+try tmail with no setup/);
  assert.match(t.stdout(), /--trace FILE/);
});

test('tmail --demo without a terminal: one clear line, exit 2, and the temp dir is gone', async () => {
  // mkdtemp('tmail-demo-') names: the prefix plus six characters.
  const demoDirs = () =>
    readdirSync(demoScratchRoot())
      .filter((n) => /^tmail-demo-[A-Za-z0-9]{6}$/.test(n))
      .sort();
  const before = demoDirs();
  const t = testContext({});
  assert.equal(await main(['--demo'], t.ctx), 2);
  assert.match(t.stderr(), /needs a terminal/);
  assert.equal(t.stderr().split('\n').filter(Boolean).length, 1);
  assert.deepEqual(
    demoDirs().filter((n) => !before.includes(n)),
    [],
    'no demo temp dir left behind',
  );
});

test('the demo keeps its data in memory (a tmpfs) when the system has one, else in the temp dir', () => {
  const base = mkdtempSync(join(tmpdir(), 'tmail-demo-root-'));
  try {
    assert.equal(demoScratchRoot([join(base, 'missing'), base]), base, 'first usable memory-backed dir');
    assert.equal(demoScratchRoot([join(base, 'missing')]), tmpdir(), 'falls back to the temp dir');
    if (existsSync('/dev/shm')) assert.equal(demoScratchRoot(), '/dev/shm');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('--demo-dir keeps a 0700 dir with a config that holds no password', async () => {
  const base = mkdtempSync(join(tmpdir(), 'tmail-demo-cli-'));
  try {
    const dir = join(base, 'demo');
    const t = testContext({ TMAIL_DEMO_PASSWORD: 'kept-dir-secret' });
    assert.equal(await main(['--demo', '--demo-dir', dir], t.ctx), 2, 'no terminal');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const config = join(dir, 'config.json');
    assert.ok(existsSync(config));
    assert.equal(statSync(config).mode & 0o777, 0o600);
    const text = readFileSync(config, 'utf8');
    assert.ok(!text.includes('kept-dir-secret'));
    assert.match(text, /"Demo \(IMAP\)"/);
    assert.match(text, /"Demo \(POP3\)"/);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
