// bin/tmail.js runs the esbuild bundle (dist/bundle/), and with TMAIL_DEBUG=1 a stack trace still
// names the TypeScript sources (source maps), not the bundle's chunks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tmail-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const built = existsSync(join(repo, 'dist/bundle/main.js'));
const options = built || process.env.CI ? {} : { skip: 'dist/bundle not built (npm run build)' };

function runWithBrokenConfig(debug: boolean) {
  const cfg = join(dir, debug ? 'debug' : 'plain');
  mkdirSync(cfg, { recursive: true, mode: 0o700 });
  writeFileSync(join(cfg, 'config.json'), '{"accounts": [\n', { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...process.env, TMAIL_CONFIG_DIR: cfg, TMAIL_DATA_DIR: join(dir, 'data'), XDG_CACHE_HOME: join(dir, 'cache') };
  if (debug) env.TMAIL_DEBUG = '1';
  else delete env.TMAIL_DEBUG;
  return spawnSync(process.execPath, [join(repo, 'bin/tmail.js'), 'account', 'list'], { env, encoding: 'utf8' });
}

test('TMAIL_DEBUG=1: the stack trace of an error names src/ files, not the bundle', options, () => {
  const r = runWithBrokenConfig(true);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /invalid JSON: line 2, column 1/);
  assert.match(r.stderr, /^ {4}at .*[/\\]src[/\\]config[/\\]config\.ts:\d+:\d+\)?$/m, r.stderr);
  assert.doesNotMatch(r.stderr, /dist[/\\]bundle/, r.stderr);
});

test('without TMAIL_DEBUG: one line, no stack trace', options, () => {
  const r = runWithBrokenConfig(false);
  assert.equal(r.status, 2);
  assert.doesNotMatch(r.stderr, /^ {4}at /m, r.stderr);
});
