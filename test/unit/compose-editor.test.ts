import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EditorError, findEditor, runEditor } from '../../src/compose/editor.js';
import { validateConfig } from '../../src/config/validate.js';

test('editor: $VISUAL, then $EDITOR, then vi/nano on PATH, else a clear message', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-editor-'));
  try {
    assert.equal(findEditor({ VISUAL: 'code --wait', EDITOR: 'nano', PATH: '' }), 'code --wait');
    assert.equal(findEditor({ VISUAL: ' ', EDITOR: 'emacs -nw', PATH: '' }), 'emacs -nw');
    await writeFile(join(dir, 'nano'), '#!/bin/sh\n');
    await chmod(join(dir, 'nano'), 0o755);
    assert.equal(findEditor({ PATH: dir }), 'nano');
    assert.throws(
      () => findEditor({ PATH: join(dir, 'none') }),
      (e: Error) => e instanceof EditorError && /no editor found: set \$EDITOR/.test(e.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('runEditor: the file name is an argument (not shell text); failures say why', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-editor-'));
  try {
    const file = join(dir, 'a draft; touch pwned.eml');
    await writeFile(file, 'x');
    runEditor('sh -c \'printf edited > "$0"\'', file, { PATH: process.env.PATH });
    assert.equal(await readFile(file, 'utf8'), 'edited');
    assert.equal(existsSync(join(process.cwd(), 'pwned.eml')), false, 'nothing from the file name ran');
    assert.throws(() => runEditor('false', file, { PATH: process.env.PATH }), /exited with code 1; the draft is kept/);
    assert.throws(() => runEditor('no-such-editor-xyz', file, { PATH: process.env.PATH }), /was not found \(exit code 127\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('config: smtp.from must be an address; smtp ports default by security', () => {
  const opts = { file: 'config.json', baseDir: '/cfg' };
  const acc = (smtp: object) => ({ accounts: [{ name: 'a', protocol: 'imap', host: 'h', user: 'u', smtp }] });
  assert.throws(() => validateConfig(acc({ host: 's', from: 'Alice' }), opts), /smtp\.from must be an address like/);
  const ok = validateConfig(acc({ host: 's', from: 'Alice Ä <a@x.org>', security: 'starttls' }), opts).config;
  assert.equal(ok.accounts[0]!.smtp!.port, 587);
  assert.equal(validateConfig(acc({ host: 's' }), opts).config.accounts[0]!.smtp!.port, 465);
});
