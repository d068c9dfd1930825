// Lets `npm test` skip a build that is already up to date: `npm install` builds (prepare), then
// `npm test` (pretest) would build the same again. `write` (the last step of `npm run build`)
// records a fingerprint of everything the build read and wrote; `check` exits 0 only when the
// fingerprint is unchanged, so any changed, added or removed source file, config, build script,
// bundled package or output file means a new build.
// Usage: node scripts/build-stamp.mjs write|check [ROOT]   (ROOT: the package root, default this one)
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[3] ?? fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const stampFile = join(dist, '.build-stamp');
const CONFIG = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/build-bundle.mjs',
  'scripts/build-stamp.mjs',
  'scripts/string-width-memo.mjs',
  'scripts/ink-output.mjs',
  'node_modules/esbuild/package.json',
  'node_modules/typescript/package.json',
];

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));

/** Every file the build read (sources, configs, the packages the bundle inlines) and wrote. */
function fingerprint() {
  if (!existsSync(join(dist, 'bundle-contents.json'))) return undefined;
  const bundleInputs = Object.values(JSON.parse(readFileSync(join(dist, 'bundle-contents.json'), 'utf8'))).flat();
  const inputs = new Set([...walk(join(root, 'src')), ...CONFIG.map((f) => join(root, f)), ...bundleInputs]);
  const outputs = walk(dist).filter((f) => f !== stampFile);
  const hash = createHash('sha256');
  for (const file of [...[...inputs].sort(), '--', ...outputs.sort()]) {
    hash.update(`${relative(root, file)}\0`);
    if (file !== '--') hash.update(existsSync(file) ? readFileSync(file) : '(missing)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

const mode = process.argv[2];
if (mode === 'write') {
  const print = fingerprint();
  if (!print) throw new Error('build-stamp: dist/bundle-contents.json is missing (run after build-bundle.mjs)');
  writeFileSync(stampFile, `${print}\n`);
} else if (mode === 'check') {
  const recorded = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  const current = fingerprint();
  if (!recorded || recorded !== current) process.exit(1);
  process.stdout.write('build: dist/ is up to date with src/ (scripts/build-stamp.mjs), not rebuilt\n');
} else {
  process.stderr.write('usage: node scripts/build-stamp.mjs write|check [ROOT]\n');
  process.exit(2);
}
