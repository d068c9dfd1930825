// addressBookCommand: aerc's contract (typed text in, `address<TAB>name` lines out), the typed text
// never parsed by the shell, and the limits of passwordCommand (timeout, output cap, stderr hidden).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLine, parseAddressBookOutput, queryAddressBook } from '../../src/compose/address-book-command.js';

const env = { PATH: process.env.PATH };

test('the typed text reaches the command as one argument, whatever it contains', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-abc-'));
  try {
    const marker = join(dir, 'pwned');
    const script = join(dir, 'book.sh');
    // Prints what it got as the name, so the test sees the exact argument.
    await writeFile(script, '#!/bin/sh\nprintf "got@example.org\\t%s\\n" "$1"\n');
    await chmod(script, 0o755);
    const hostile = `'; touch ${marker}; echo '$(touch ${marker})\`touch ${marker}\`"`;
    for (const command of [`${script} %s`, `${script} '%s'`, `${script} "%s"`, script]) {
      const got = await queryAddressBook(command, hostile, { env });
      assert.equal(existsSync(marker), false, `no shell ran the text (${command})`);
      assert.deepEqual(got, [{ address: 'got@example.org', name: hostile }], command);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('commandLine: %s (bare or quoted) becomes "$1"; without it the text is appended', () => {
  assert.equal(commandLine("khard email --parsable '%s'"), 'khard email --parsable "$1"');
  assert.equal(commandLine('abook --mutt-query %s'), 'abook --mutt-query "$1"');
  assert.equal(commandLine('notmuch address --output=recipients from:'), 'notmuch address --output=recipients from: "$1"');
});

test('output: address<TAB>name, bare addresses, junk and control characters dropped, deduped', () => {
  const out = parseAddressBookOutput('Searching...\nbob@example.org\tBob\x1b[31m Red\nalice@example.org\n\nnot-an-address\tX\nBOB@example.org\tAgain\r\n');
  assert.deepEqual(out, [
    { address: 'bob@example.org', name: 'Bob Red' },
    { address: 'alice@example.org', name: '' },
  ]);
});

test('limits: a hanging command is stopped, endless output is cut, stderr is never shown, "no match" exit codes are fine', async () => {
  await assert.rejects(queryAddressBook('sleep 30; :', 'a', { env, timeoutMs: 300 }), /did not answer within 0 s and was stopped/);
  await assert.rejects(queryAddressBook('yes a@b.c', 'a', { env, maxOutput: 64 * 1024 }), /printed more than 64 KB/);
  assert.deepEqual(await queryAddressBook('echo secret-on-stderr >&2; exit 1', 'a', { env }), []);
  await assert.rejects(
    queryAddressBook('definitely-not-a-command-xyz', 'a', { env }),
    (err: Error) => /was not found \(exit code 127\)/.test(err.message) && !err.message.includes('definitely'),
  );
});
