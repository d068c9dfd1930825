// runUi's failures before the first frame: one `tmail:` line, an exit code, never a stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUi } from '../../src/ui/run.js';
import { testContext } from './cli-context.js';

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tmail-ui-run-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

const oneLine = (s: string) =>
  s
    .trim()
    .split('\n')
    .every((l) => l.startsWith('tmail: ')) && !/\n\s+at /.test(s);

test('broken config.json: precise message, exit 2', async () => {
  const t = testContext({ HOME: tmpdir() }, { configPath: configFile('{"accounts": [ }') });
  assert.equal(await runUi(t.ctx), 2);
  assert.match(t.stderr(), /invalid JSON/);
  assert.ok(oneLine(t.stderr()), t.stderr());
});

test('unknown action in the keys map: named in the message, exit 2', async () => {
  const t = testContext({ HOME: tmpdir() }, { configPath: configFile('{"accounts": [], "keys": {"explode": "x"}}') });
  assert.equal(await runUi(t.ctx), 2);
  assert.match(t.stderr(), /unknown action "explode"/);
  assert.ok(oneLine(t.stderr()), t.stderr());
});

test('not a terminal: points to the scriptable commands, exit 2', async () => {
  const t = testContext({ HOME: tmpdir() }, { configPath: configFile('{"accounts": []}') });
  assert.equal(await runUi(t.ctx), 2);
  assert.match(t.stderr(), /needs a terminal.*tmail list/);
});
