// The writer thread's jobs besides Maildir batches (writer-thread.ts): durable logs (the POP3
// journal), directory fsyncs, and the batch buffers kept while it runs. Jobs run in the order they were posted, a log is private to the
// user, and a failing system call comes back as an Error with its code, not as a dead thread.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { keepBatchArena, keptBufferBytes, takeBatchArena, writeBatch } from '../../src/store/maildir-batch-writer.js';
import { DurableLog, fsyncDirs, holdWriter, setWriterIdleMs, writerRunning } from '../../src/store/writer-thread.js';

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-writer-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

test('a durable log: appends land whole and in order, also when posted without waiting; mode 0600; appending to an existing file keeps it', async () => {
  const path = join(base, 'one.journal');
  const log = await DurableLog.open(path);
  const lines = Array.from({ length: 50 }, (_, i) => `{"n":${i},"text":"${'é'.repeat(i)}"}\n`);
  await Promise.all(lines.map((l) => log.append(l)));
  await log.close();
  assert.equal(await readFile(path, 'utf8'), lines.join(''));
  assert.equal((await stat(path)).mode & 0o777, 0o600);

  const again = await DurableLog.open(path);
  await again.append('last\n');
  await again.close();
  assert.equal(await readFile(path, 'utf8'), `${lines.join('')}last\n`);
});

test('a log job runs after the batch posted before it: the record follows the files it describes', async () => {
  const dir = join(base, 'order');
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await mkdir(join(dir, 'new'));
  const log = await DurableLog.open(join(dir, 'journal'));
  const names = Array.from({ length: 200 }, (_, i) => `f${i}`);
  const files = names.map((name) => ({ final: join(dir, 'new', name) }));
  const written = writeBatch(
    `${dir}/tmp/`,
    `${dir}/new/`,
    names,
    names.map((_, i) => Buffer.from(`message ${i}\n`)),
  );
  // Not awaited in between: only the thread's order can put the record after the last file.
  let filesWhenRecorded = -1;
  const recorded = log.append('stored\n').then(async () => {
    filesWhenRecorded = (
      await Promise.all(
        files.map((f) =>
          stat(f.final).then(
            () => 1,
            () => 0,
          ),
        ),
      )
    ).reduce((a: number, b: number) => a + b, 0);
  });
  await Promise.all([written, recorded]);
  await log.close();
  assert.equal(filesWhenRecorded, 200, 'every file of the batch was in new/ when the record was written');
});

test('failures come back with their code: a log in a missing directory, a missing directory to fsync, an append after close', async () => {
  await assert.rejects(DurableLog.open(join(base, 'missing', 'x.journal')), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
  await assert.rejects(fsyncDirs([base, join(base, 'gone')]), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
  await fsyncDirs([base]);
  const log = await DurableLog.open(join(base, 'closed.journal'));
  await log.close();
  await assert.rejects(log.append('late\n'), /closed/);
  // The thread is still there for the next job.
  const next = await DurableLog.open(join(base, 'after.journal'));
  await next.append('ok\n');
  await next.close();
  assert.equal(await readFile(join(base, 'after.journal'), 'utf8'), 'ok\n');
});

test('the thread runs while held (a sync, an open log) and ends when nothing has held it and no job has waited for a while; a later job starts it again', async () => {
  setWriterIdleMs(50);
  const idle = () => new Promise((resolve) => setTimeout(resolve, 150));
  const release = holdWriter();
  assert.ok(writerRunning(), 'started ahead of the first job');
  const log = await DurableLog.open(join(base, 'held.journal'));
  release();
  assert.ok(writerRunning(), 'the open log still holds it');
  const appended = log.append('one\n');
  const closed = log.close();
  assert.ok(writerRunning(), 'jobs are waiting');
  await Promise.all([appended, closed]);
  assert.ok(writerRunning(), 'kept a while for the next sync');
  await idle();
  assert.ok(!writerRunning(), 'ended once unused for a while');
  // A job without a holder starts it; it ends a while after the answer.
  await fsyncDirs([base]);
  assert.ok(writerRunning());
  await idle();
  assert.ok(!writerRunning());
  assert.equal(await readFile(join(base, 'held.journal'), 'utf8'), 'one\n');
});

test('batch buffers are kept from one sync to the next while the thread is kept, and go when it ends', async () => {
  setWriterIdleMs(50);
  const idle = () => new Promise((resolve) => setTimeout(resolve, 150));
  const release = holdWriter();
  const arena = takeBatchArena(64 * 1024);
  const body = arena.take(5)!;
  body.write('hello');
  const dir = join(base, 'kept');
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await mkdir(join(dir, 'new'), { recursive: true });
  const r = await writeBatch(`${dir}/tmp/`, `${dir}/new/`, ['one'], [body]);
  assert.equal(r.done, 1);
  keepBatchArena(arena);
  release();
  assert.ok(keptBufferBytes() >= 64 * 1024 + 5, 'the arena and the shared buffer are kept');
  assert.equal(takeBatchArena(1024), arena, 'the next sync reads into the same arena (its pages already mapped)');
  keepBatchArena(arena);
  await idle();
  assert.ok(!writerRunning());
  assert.equal(keptBufferBytes(), 0, 'an idle process holds no batch buffers');
  assert.notEqual(takeBatchArena(1024), arena);
  assert.equal(await readFile(join(dir, 'new', 'one'), 'utf8'), 'hello');
});
