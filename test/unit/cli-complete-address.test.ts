// `tmail complete-address TEXT`: for editors' header blocks. Seen addresses first, then the
// addressBookCommand from config.json; `--tsv` gives aerc's format; exit 1 when nothing matched.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { AddressCompleter } from '../../src/compose/address-completion.js';
import { testContext } from './cli-context.js';

const root = mkdtempSync(join(tmpdir(), 'tmail-complete-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function tmail(argv: string[], env: NodeJS.ProcessEnv) {
  const t = testContext(env);
  const code = await main(argv, t.ctx);
  return { code, stdout: t.stdout(), stderr: t.stderr() };
}

test('complete-address: seen then address book, formatted for a header line; --tsv; exit 1 for no match; usage errors', async () => {
  const env = { HOME: join(root, 'home'), TMAIL_CONFIG_DIR: join(root, 'config'), TMAIL_DATA_DIR: join(root, 'data'), PATH: process.env.PATH };
  mkdirSync(env.TMAIL_CONFIG_DIR, { recursive: true, mode: 0o700 });
  const book = join(root, 'book.sh');
  writeFileSync(book, '#!/bin/sh\necho "searching" >&2\nprintf "dora@example.org\\tDora, the Explorer\\ndan@example.org\\n" | grep -i "^$1"\n');
  chmodSync(book, 0o755);
  writeFileSync(join(env.TMAIL_CONFIG_DIR, 'config.json'), JSON.stringify({ addressBookCommand: `${book} %s`, accounts: [] }), { mode: 0o600 });
  const seen = new AddressCompleter({ dataDir: env.TMAIL_DATA_DIR, env });
  await seen.record([{ address: 'dave@example.org', name: 'Dave Seen' }]);
  await seen.close();

  assert.deepEqual(await tmail(['complete-address', 'd'], env), {
    code: 0,
    stdout: 'Dave Seen <dave@example.org>\n"Dora, the Explorer" <dora@example.org>\ndan@example.org\n',
    stderr: '',
  });
  assert.equal(
    (await tmail(['complete-address', '--tsv', '--limit', '2', 'd'], env)).stdout,
    'dave@example.org\tDave Seen\ndora@example.org\tDora, the Explorer\n',
  );
  assert.deepEqual(await tmail(['complete-address', 'zzz'], env), { code: 1, stdout: '', stderr: '' });
  const usage = await tmail(['complete-address'], env);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /give the start of a name or address to complete/);
});
