// The seen-address store and the completion that merges it with the addressBookCommand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressBook } from '../../src/store/address-book.js';
import { AddressCompleter, lastToken, withCandidate } from '../../src/compose/address-completion.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-ab-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const DAY = 86_400_000;

test('seen addresses: file 0600 in a 0700 dir; dedupe by address ignoring case; best name kept; most used and newest first', () =>
  withDir(async (dir) => {
    const file = join(dir, 'data', 'addresses.sqlite');
    const book = await AddressBook.open(file);
    try {
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.equal((await stat(join(dir, 'data'))).mode & 0o777, 0o700);
      const now = new Date('2026-12-01T00:00:00Z');
      const ago = (days: number) => new Date(now.getTime() - days * DAY);
      // Anna: used often, long ago. Andrew: twice this week. Ann: once today, no name.
      for (let i = 0; i < 6; i++) book.record([{ address: 'anna@old.example', name: 'Anna Old' }], ago(400 + i));
      book.record([{ address: 'andrew@example.org', name: '' }], ago(3));
      book.record([{ address: 'Andrew@Example.org', name: 'Andrew Smith' }], ago(2));
      book.record([{ address: 'andrew@example.org', name: '' }], ago(1)); // an empty name never replaces a real one
      book.record([{ address: 'ann@example.net', name: 'ann@example.net' }], now); // the address as name is no name
      book.record(
        [
          { address: 'bob@example.org', name: 'Bob' },
          { address: 'BOB@example.org', name: 'Bob' },
        ],
        now,
      ); // once per message
      book.record(
        [
          { address: 'not an address', name: 'X' },
          { address: 'x\u001b[2J@evil.example', name: 'Evil' },
        ],
        now,
      );
      const got = book.search('an', 10, now);
      assert.deepEqual(
        got.map((a) => [a.address, a.name, a.uses]),
        [
          ['andrew@example.org', 'Andrew Smith', 3], // the newest spelling of the address
          ['ann@example.net', '', 1],
          ['anna@old.example', 'Anna Old', 6],
        ],
      );
      assert.equal(book.search('bob', 10, now)[0]!.uses, 1);
      assert.deepEqual(
        book.search('smi', 10, now).map((a) => a.address),
        ['andrew@example.org'],
        'a word of the name matches',
      );
      assert.deepEqual(book.search('%', 10, now), [], 'LIKE wildcards are text');
      assert.deepEqual(book.search('  ', 10, now), []);
      assert.deepEqual(book.search('x', 10, now), [], 'control characters make no address');
    } finally {
      book.close();
    }
  }));

test('a corrupt address file is started again, not an error', () =>
  withDir(async (dir) => {
    const file = join(dir, 'addresses.sqlite');
    await writeFile(file, 'this is not a database at all, just text '.repeat(200));
    const book = await AddressBook.open(file);
    book.record([{ address: 'carol@example.org', name: 'Carol' }]);
    assert.equal(book.search('car').length, 1);
    book.close();
  }));

test('completion: seen addresses first, then the command, deduped; own addresses never recorded; a failing command leaves a warning', () =>
  withDir(async (dir) => {
    const script = join(dir, 'book.sh');
    await writeFile(script, '#!/bin/sh\nprintf "carol@example.org\\tCarol From Book\\ncarl@example.org\\tCarl\\nme@example.org\\tMe\\n" | grep -i "^$1"\n');
    await chmod(script, 0o755);
    const c = new AddressCompleter({ dataDir: dir, env: { PATH: process.env.PATH }, addressBookCommand: script, own: ['Me@Example.org'] });
    try {
      await c.record([
        { address: 'carol@example.org', name: 'Carol Seen' },
        { address: 'me@example.org', name: 'Me' },
      ]);
      const got = await c.complete('car');
      assert.deepEqual(got.candidates, [
        { address: 'carol@example.org', name: 'Carol Seen' },
        { address: 'carl@example.org', name: 'Carl' },
      ]);
      assert.equal(got.warning, undefined);
      // The address book may list the user; the seen store never does.
      assert.deepEqual((await c.complete('me')).candidates, [{ address: 'me@example.org', name: 'Me' }]);
    } finally {
      await c.close();
    }
    const book = await AddressBook.open(join(dir, 'addresses.sqlite'));
    assert.deepEqual(book.search('me'), [], 'own address not recorded');
    book.close();
    const broken = new AddressCompleter({ dataDir: dir, env: { PATH: process.env.PATH }, addressBookCommand: 'no-such-address-book-tool' });
    try {
      const got = await broken.complete('car');
      assert.deepEqual(
        got.candidates.map((a) => a.address),
        ['carol@example.org'],
      );
      assert.match(got.warning!, /addressBookCommand was not found/);
    } finally {
      await broken.close();
    }
  }));

test('the token being completed is the text after the last comma', () => {
  assert.deepEqual(lastToken('ca'), { head: '', token: 'ca' });
  assert.deepEqual(lastToken('Bob <bob@example.org>, ca'), { head: 'Bob <bob@example.org>, ', token: 'ca' });
  assert.equal(withCandidate('Bob <bob@example.org>, ', { address: 'c@example.org', name: 'Carol, C.' }), 'Bob <bob@example.org>, "Carol, C." <c@example.org>');
});
