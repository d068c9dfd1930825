#!/usr/bin/env node
// Node 20's `node --test` does not expand globs, so we find the test files ourselves.
// Usage: node scripts/run-tests.mjs [dir-or-file ...]   (default: test/)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test'];
const files = [];
for (const root of roots) {
  if (statSync(root).isFile()) {
    files.push(root);
    continue;
  }
  for (const entry of readdirSync(root, { recursive: true })) {
    const p = join(root, String(entry));
    if (/\.test\.tsx?$/.test(p) && statSync(p).isFile()) files.push(p);
  }
}
files.sort();
// The TAP (or, on a terminal, spec) report goes to stdout as before; the slowest files to stderr.
const reporter = process.stdout.isTTY ? 'spec' : 'tap';
// Three files at a time on CI's two cores: the slowest files (fault matrices, 10k/100k mailboxes,
// tmux) mostly wait (on timeouts, Dovecot, fsync, the terminal) and use a sixth to a third of a
// core alone, so with two at a time the CPU often idled. TMAIL_TEST_CONCURRENCY overrides.
const concurrency = process.env.TMAIL_TEST_CONCURRENCY || '3';
const args = [
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  `--test-reporter=${reporter}`,
  '--test-reporter-destination=stdout',
  `--test-reporter=${new URL('./test-file-times.mjs', import.meta.url).pathname}`,
  '--test-reporter-destination=stderr',
  ...files,
];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
