// A delivering process killed (SIGKILL) at any point leaves only complete messages in new/ and
// cur/, and every delivery it reported as done is on disk. Leftovers in tmp/ are removed after
// 36 hours, as the Maildir spec says.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { Maildir } from '../../src/store/maildir.js';
import { parseFileName, sizeFromKey } from '../../src/store/maildir-names.js';

const maildirModule = fileURLToPath(new URL('../../src/store/maildir.ts', import.meta.url));
let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'tmail-crash-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Runs a child that delivers messages until killed; resolves with the keys it reported as delivered. */
function deliverUntilKilled(root: string, killAfterLines: number, slowStream: boolean): Promise<string[]> {
  const code = `
    import { Maildir } from ${JSON.stringify(maildirModule)};
    const md = new Maildir(${JSON.stringify(root)});
    await md.init();
    async function* body(i) {
      yield Buffer.from('Subject: message ' + i + '\\r\\n\\r\\n');
      for (let j = 0; j < 50; j++) {
        yield Buffer.from('line ' + j + ' of message ' + i + ' ' + 'x'.repeat(200) + '\\r\\n');
        if (${slowStream}) await new Promise((r) => setTimeout(r, 1));
      }
      yield Buffer.from('END ' + i + '\\r\\n');
    }
    for (let i = 0; ; i++) {
      const e = await md.deliver('INBOX', body(i), i % 3 === 0 ? { flags: 'S' } : {});
      process.stdout.write(e.key + '\\n');
    }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keys: string[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      keys.push(...lines);
      if (keys.length >= killAfterLines) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(keys) : reject(new Error(`child exited without being killed: ${stderr}`))));
  });
}

async function checkComplete(md: Maildir, reported: string[]): Promise<number> {
  const entries = await md.list('INBOX');
  const onDisk = new Set(entries.map((e) => e.key));
  for (const key of reported) assert.ok(onDisk.has(key), `reported delivery ${key} is missing`);
  for (const e of entries) {
    const text = await readFile(e.path, 'utf8');
    const n = /^Subject: message (\d+)/.exec(text)?.[1];
    assert.ok(n !== undefined, `${e.path} has no subject`);
    assert.ok(text.endsWith(`END ${n}\r\n`), `${e.path} is incomplete`);
    assert.equal(sizeFromKey(e.key), Buffer.byteLength(text));
    assert.equal(parseFileName(e.path.slice(e.path.lastIndexOf('/') + 1)).key, e.key);
  }
  return entries.length;
}

test('SIGKILL at varying points: new/ and cur/ hold only complete messages, nothing reported is lost', async () => {
  const root = join(base, 'killed');
  let expected = 0;
  for (const [i, killAfter] of [1, 3, 7, 12, 20].entries()) {
    const reported = await deliverUntilKilled(root, killAfter, i % 2 === 1);
    expected += reported.length;
    const count = await checkComplete(new Maildir(root), reported);
    // Deliveries completed after the last report reached us (before the signal landed) are
    // fine as long as they are complete, which checkComplete verified.
    assert.ok(count >= expected, `count ${count}, reported ${expected}`);
    expected = count;
  }
});

test('stale files in tmp/ (older than 36 h) are removed when the folder is opened; fresh ones are kept', async () => {
  const root = join(base, 'stale');
  const md = new Maildir(root);
  await md.init();
  const old = join(root, 'tmp', 'old.leftover');
  const fresh = join(root, 'tmp', 'fresh.inprogress');
  await writeFile(old, 'partial');
  await writeFile(fresh, 'partial');
  const longAgo = new Date(Date.now() - 37 * 3600 * 1000);
  await utimes(old, longAgo, longAgo);
  await new Maildir(root).init();
  assert.deepEqual(await readdir(join(root, 'tmp')), ['fresh.inprogress']);
});
