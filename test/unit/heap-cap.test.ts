// The memory cap holds however tmail is started: through the shebang (`tmail`, `npx tmail`) and
// as `node bin/tmail.js`, which starts itself again with the cap. A preloaded probe records, in
// every node process that runs bin/tmail.js, its pid, parent pid and V8 heap limit; a plain node
// process must show a limit far above the cap, so the probe can tell the two apart.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { getHeapStatistics } from 'node:v8';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repo, 'bin/tmail.js');
const dir = mkdtempSync(join(tmpdir(), 'tmail-heap-cap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MB = 2 ** 20;
// 192 MB of old space plus the young generation: 240 MB on Node 20, 384 MB on Node 24.
const CAPPED = 448 * MB;
const probe = join(dir, 'probe.mjs');
writeFileSync(
  probe,
  `import { appendFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
appendFileSync(process.env.TMAIL_PROBE_LOG, JSON.stringify({ pid: process.pid, ppid: process.ppid, limit: getHeapStatistics().heap_size_limit }) + '\\n');
`,
);

const built = existsSync(join(repo, 'dist/bundle/main.js'));
const options = built || process.env.CI ? {} : { skip: 'dist/bundle not built (npm run build)' };

interface Probe {
  pid: number;
  ppid: number;
  limit: number;
}
let run = 0;
function env(): { log: string; env: NodeJS.ProcessEnv } {
  const log = join(dir, `log${++run}`);
  writeFileSync(log, '');
  // NODE_OPTIONS reaches the shebang's node as well as a relaunched child.
  return {
    log,
    env: {
      ...process.env,
      TMAIL_PROBE_LOG: log,
      NODE_OPTIONS: `--import ${probe}`,
      TMAIL_CONFIG_DIR: join(dir, `cfg${run}`),
      TMAIL_DATA_DIR: join(dir, `data${run}`),
      XDG_CACHE_HOME: join(dir, 'cache'),
    },
  };
}
const probes = (log: string): Probe[] =>
  readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Probe);

test('a plain node has a heap limit far above the cap (else this test could not tell)', () => {
  assert.ok(getHeapStatistics().heap_size_limit > CAPPED, `${getHeapStatistics().heap_size_limit / MB} MB`);
});

test('node bin/tmail.js runs tmail in a child with the cap; output and exit status pass through', options, () => {
  const { log, env: e } = env();
  const r = spawnSync(process.execPath, [bin, 'account', 'list'], { env: e, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^No accounts in .*config\.json/);
  const [parent, child, ...more] = probes(log);
  assert.ok(parent && child, 'two node processes');
  assert.deepEqual(more, []);
  assert.ok(parent.limit > CAPPED, 'the first node is uncapped');
  assert.equal(child.ppid, parent.pid, 'the second is its child');
  assert.ok(child.limit <= CAPPED, `child heap limit ${child.limit / MB} MB`);

  const bad = spawnSync(process.execPath, [bin, '--no-such-option'], { env: env().env, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^tmail: unknown option --no-such-option$/m);
});

test('node bin/tmail.js --version and --help print without a second node', options, () => {
  for (const argv of [['--version'], ['--help'], ['-V']]) {
    const { log, env: e } = env();
    const r = spawnSync(process.execPath, [bin, ...argv], { env: e, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 0);
    assert.equal(probes(log).length, 1, argv.join(' '));
  }
});

test('started through its shebang, tmail runs capped in one process', options, () => {
  const { log, env: e } = env();
  const r = spawnSync(bin, ['--version'], { env: e, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const all = probes(log);
  assert.equal(all.length, 1);
  assert.ok(all[0]!.limit <= CAPPED, `heap limit ${all[0]!.limit / MB} MB`);
});

// Records the heap limit when the process ends, after bin/tmail.js has put the heap flag back.
const exitProbe = join(dir, 'exit-probe.mjs');
writeFileSync(
  exitProbe,
  `import { appendFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
process.on('exit', () => appendFileSync(process.env.TMAIL_PROBE_LOG, JSON.stringify({ pid: process.pid, ppid: process.ppid, limit: getHeapStatistics().heap_size_limit }) + '\\n'));
`,
);

test("started through its shebang, tmail stays capped and node's precompiled modules are used despite the heap flag", options, () => {
  const { log, env: e } = env();
  // NODE_DEBUG_NATIVE=CODE_CACHE: node says for each built-in module whether its precompiled code was accepted.
  const r = spawnSync(bin, ['--help'], { env: { ...e, NODE_OPTIONS: `--import ${exitProbe}`, NODE_DEBUG_NATIVE: 'CODE_CACHE' }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const all = probes(log);
  assert.equal(all.length, 1);
  assert.ok(all[0]!.limit <= CAPPED, `heap limit at exit ${all[0]!.limit / MB} MB`);
  // bin/heap-cap.js loads node:child_process, after the flag was put back (Node 20 rejects it before).
  assert.match(r.stderr, /^Code cache of child_process \(\w+\) is accepted$/m);
});

for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
  test(`${signal} sent to node bin/tmail.js reaches tmail, and both end`, options, async () => {
    const { log, env: e } = env();
    // `account add` waits at its first question while stdin stays open.
    const proc = spawn(process.execPath, [bin, 'account', 'add'], { env: e, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.on('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    for (let i = 0; i < 300 && (probes(log).length < 2 || out === ''); i++) await new Promise((r) => setTimeout(r, 50));
    const child = probes(log)[1];
    assert.ok(child, 'tmail started in a child');
    assert.ok(out.length > 0, 'tmail asked its first question');
    proc.kill(signal);
    const result = await Promise.race([ended, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
    assert.ok(result, `node bin/tmail.js still running 5 s after ${signal}`);
    // Ended by the signal itself, or by tmail's own handling of it (130 for Ctrl-C).
    assert.ok(result.signal === signal || (result.code !== null && result.code !== 0), JSON.stringify(result));
    assert.throws(() => process.kill(child.pid, 0), /ESRCH/, 'the capped child is gone');
    proc.stdin.end();
  });
}

test('SIGTSTP sent to node bin/tmail.js stops tmail too, and SIGCONT continues both', options, async () => {
  const { log, env: e } = env();
  const proc = spawn(process.execPath, [bin, 'account', 'add'], { env: e, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    for (let i = 0; i < 300 && (probes(log).length < 2 || out === ''); i++) await new Promise((r) => setTimeout(r, 50));
    const child = probes(log)[1];
    assert.ok(child && out.length > 0, 'tmail started in a child and asked its first question');
    const state = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
    const until = async (want: (s: string | undefined) => boolean) => {
      for (let i = 0; i < 100 && !(want(state(proc.pid!)) && want(state(child.pid))); i++) await new Promise((r) => setTimeout(r, 50));
    };
    proc.kill('SIGTSTP');
    await until((s) => s === 'T');
    assert.deepEqual([state(proc.pid!), state(child.pid)], ['T', 'T'], 'both stopped');
    proc.kill('SIGCONT');
    await until((s) => s !== 'T');
    assert.ok(state(proc.pid!) !== 'T' && state(child.pid) !== 'T', 'both running again');
  } finally {
    proc.kill('SIGCONT');
    proc.kill('SIGTERM');
    proc.stdin.end();
  }
});
