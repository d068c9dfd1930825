// One-way data flow, enforced: under src/ui/state only the controller's `commit` writes the store;
// every other module posts a result message (messages.ts) that the pure reducer turns into state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../src/ui/state/', import.meta.url));

/** The one write: UiController.commit applies a reducer step. */
const COMMIT = 'controller.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function writes(file: string): number {
  return writesIn(readFileSync(file, 'utf8'));
}

function writesIn(text: string): number {
  // Comments may name the call; code may not make it.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return (code.match(/\bstore\.set\s*\(/g) ?? []).length;
}

test('only the controller commit writes the UI store; effects post result messages', () => {
  const offenders: string[] = [];
  let commits = -1;
  for (const file of sources(ROOT)) {
    const name = relative(ROOT, file);
    const n = writes(file);
    if (name === COMMIT) commits = n;
    else if (n > 0) offenders.push(`${name} (${n})`);
  }
  assert.deepEqual(offenders, [], 'these modules write the store: post a result message (messages.ts) and reduce it in reducer/');
  assert.equal(commits, 1, 'controller.ts writes the store once, in commit()');
});

test('the scan finds a write in code and ignores one named in a comment (so the guard can fail)', () => {
  assert.equal(writesIn('// ctx.store.set(x) is not allowed\nctx.store.set({ focus: "list" });\n/* store.set( */'), 1);
  assert.equal(writesIn('ctx.post({ type: "focusMoved", pane: "list" });'), 0);
});
