// A local folder numbers new files in arrival order. tmail's own keys carry their arrival time, so
// a batch whose files share (or disagree on) mtimes still keeps the server's order; other
// programs' files arrive by their mtime, as before.
import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LocalFolderIndex } from '../../src/store/local-folder-index.js';
import { Maildir } from '../../src/store/maildir.js';
import { arrivalFromKey, newKey } from '../../src/store/maildir-names.js';

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-arrival-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

test("a key made by newKey gives back its time to the millisecond; other programs' names give nothing", () => {
  assert.equal(arrivalFromKey(newKey(123, T)), T);
  assert.equal(arrivalFromKey(newKey(1, T + 1)), T + 1);
  assert.equal(arrivalFromKey('1700000000.M194913P11569Q1.vm'), undefined);
  assert.equal(arrivalFromKey('1700000000.M1P2.host,S=12'), undefined);
});

test('UIDs follow the arrival time in the keys, whatever the mtimes; a file of another program arrives at its mtime', async () => {
  const maildir = new Maildir(join(base, 'Maildir'));
  await maildir.init();
  const at = (s: number) => new Date(T + s * 1000);
  const bodies = [0, 1, 2, 3, 4].map((i) => Buffer.from(`Subject: m${i}\n\nbody\n`));
  const delivered = bodies.map((b, i) => newKey(b.length, at(i).getTime()));
  await maildir.deliverBatch('INBOX', delivered, bodies);
  // The files' mtimes run backwards (a clock step, or a copy that did not keep them).
  for (const [i, key] of delivered.entries()) await utimes(join(maildir.folderPath('INBOX'), 'new', key), at(100 - i), at(100 - i));
  const foreign = '1700000000.M1P2.otherhost,S=20';
  const foreignPath = join(maildir.folderPath('INBOX'), 'new', foreign);
  await writeFile(foreignPath, 'Subject: other\n\nbody\n');
  await utimes(foreignPath, at(2.5), at(2.5));

  const index = new LocalFolderIndex(maildir, 'INBOX');
  await index.refresh();
  const keys = [1, 2, 3, 4, 5, 6].map((uid) => index.message(uid)?.key);
  assert.deepEqual(keys, [delivered[0], delivered[1], delivered[2], foreign, delivered[3], delivered[4]]);
});

test('newKey writes the classic form: seconds, microseconds, pid, counter, random hex, host, size (also sizes beyond what a message has)', () => {
  for (const [size, ms] of [
    [0, 0],
    [7, 999],
    [2312, T],
    [2 ** 40 + 1, T],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ] as const) {
    const key = newKey(size, ms);
    const m = /^(\d+)\.M(\d+)P(\d+)Q(\d+)R([0-9a-f]{8})\.([A-Za-z0-9._-]+),S=(\d+)$/.exec(key);
    assert.ok(m, key);
    assert.equal(Number(m[1]), Math.floor(ms / 1000), key);
    assert.equal(Math.floor(Number(m[2]) / 1000), ms % 1000, key);
    assert.equal(Number(m[3]), process.pid, key);
    assert.equal(BigInt(m[7]!), BigInt(size), key);
  }
});
