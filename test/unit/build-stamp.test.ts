// `npm test` skips its build only while scripts/build-stamp.mjs says dist/ is up to date: any
// changed, added or removed source, config or bundled package file, or a changed or missing
// output, must make `check` fail (a stale dist/ would test old code).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, test } from 'node:test';

const script = fileURLToPath(new URL('../../scripts/build-stamp.mjs', import.meta.url));
let root = '';

const stamp = (mode: 'write' | 'check') => spawnSync(process.execPath, [script, mode, root], { encoding: 'utf8' });
const put = (file: string, text: string) => {
  mkdirSync(join(root, file, '..'), { recursive: true });
  writeFileSync(join(root, file), text);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tmail-stamp-'));
  put('package.json', '{"name":"x"}');
  put('tsconfig.json', '{}');
  put('src/cli/main.ts', 'export const a = 1;\n');
  put('src/text/width.ts', 'export const w = 2;\n');
  put('node_modules/lib/index.js', 'export default 3;\n');
  put('dist/cli/main.js', 'export const a = 1;\n');
  put('dist/bundle/main.js', 'bundle\n');
  put('dist/bundle-contents.json', JSON.stringify({ 'main.js': [join(root, 'src/cli/main.ts'), join(root, 'node_modules/lib/index.js')] }));
  assert.equal(stamp('write').status, 0);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('build stamp: unchanged inputs and outputs pass the check', () => {
  const r = stamp('check');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /up to date/);
});

test('build stamp: no stamp yet means a build', () => {
  unlinkSync(join(root, 'dist/.build-stamp'));
  assert.equal(stamp('check').status, 1);
});

const changes: [string, () => void][] = [
  ['a changed source', () => put('src/text/width.ts', 'export const w = 3;\n')],
  ['an added source', () => put('src/text/new.ts', '')],
  ['a removed source', () => unlinkSync(join(root, 'src/text/width.ts'))],
  ['a changed config', () => put('tsconfig.json', '{"compilerOptions":{}}')],
  ['a changed bundled package file', () => put('node_modules/lib/index.js', 'export default 4;\n')],
  ['a changed output', () => put('dist/bundle/main.js', 'edited\n')],
  ['a removed output', () => unlinkSync(join(root, 'dist/cli/main.js'))],
];
for (const [what, change] of changes) {
  test(`build stamp: ${what} means a build`, () => {
    change();
    assert.equal(stamp('check').status, 1);
  });
}
