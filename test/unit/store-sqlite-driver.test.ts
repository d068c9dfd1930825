// The SQLite seam of the summary store: better-sqlite3 where its native module loads, else Node's
// node:sqlite. The node:sqlite half runs where the running Node has it (≥ 22.13, 24: e.g.
// `TMAIL_SQLITE=node-sqlite ~/.cache/tmail-ci/node24/package/bin/node --import tsx --test <this file>`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqlite } from '../../src/store/sqlite.js';
import { SummaryStore } from '../../src/store/summary-store.js';

const hasNodeSqlite = spawnSync(process.execPath, ['-e', "require('node:sqlite')"], { stdio: 'ignore' }).status === 0;
const wanted = process.env.TMAIL_SQLITE;

async function betterSqliteLoads(): Promise<boolean> {
  try {
    const { default: Database } = await import('better-sqlite3');
    new Database(':memory:').close();
    return true;
  } catch {
    return false;
  }
}

test('the store opens on the driver asked for; by default better-sqlite3 where it loads, else node:sqlite', async () => {
  const expected = wanted === 'node-sqlite' || !(await betterSqliteLoads()) ? 'node-sqlite' : 'better-sqlite3';
  const dir = await mkdtemp(join(tmpdir(), 'tmail-sqlite-'));
  try {
    const store = await SummaryStore.open(dir, 'imap');
    try {
      assert.equal(store.driver, expected);
    } finally {
      store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('transactions: nested ones are savepoints; a throw rolls back only its own level', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-sqlite-'));
  const db = await openSqlite(join(dir, 't.sqlite'), 1000);
  try {
    db.exec('CREATE TABLE t (x INTEGER)');
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    db.transaction(() => {
      insert.run(1);
      assert.throws(() =>
        db.transaction(() => {
          insert.run(2);
          throw new Error('inner');
        }),
      );
      insert.run(3);
    });
    assert.throws(() =>
      db.transaction(() => {
        insert.run(4);
        throw new Error('outer');
      }),
    );
    assert.deepEqual(
      (db.prepare('SELECT x FROM t ORDER BY x').all() as Array<{ x: number }>).map((r) => Number(r.x)),
      [1, 3],
    );
    assert.equal(Number(db.prepare('UPDATE t SET x = x + 10').run().changes), 2);
  } finally {
    db.close();
    assert.equal(db.isOpen, false);
    await rm(dir, { recursive: true, force: true });
  }
});

test('node:sqlite serves the summary store when asked (Node with node:sqlite only)', {
  skip: hasNodeSqlite ? false : `node ${process.version} has no node:sqlite`,
}, () => {
  const script = `
    const { SummaryStore } = await import(${JSON.stringify(new URL('../../src/store/summary-store.ts', import.meta.url).href)});
    const { mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync(${JSON.stringify(join(tmpdir(), 'tmail-nodesqlite-'))});
    const s = await SummaryStore.open(dir, 'imap');
    s.noteValidity('INBOX', 5n);
    console.log(s.driver, s.noteValidity('INBOX', 6n));
    s.close();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, TMAIL_SQLITE: 'node-sqlite' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'node-sqlite true');
  assert.doesNotMatch(r.stderr, /ExperimentalWarning/);
});
