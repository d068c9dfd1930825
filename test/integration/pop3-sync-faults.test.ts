// The fault matrix of issue 5: the connection cut at chosen points (mid-RETR, after some DELEs
// before QUIT, during QUIT — through a TCP proxy) and the sync process SIGKILLed at random points
// over 20+ runs. After a final clean sync: zero lost, zero duplicated, server empty — every time.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { syncMailbox, type SyncOptions } from '../../src/accounts/pop3/sync.js';
import type { AccountConfig } from '../../src/config/types.js';
import { Maildir } from '../../src/store/maildir.js';
import { tmpWriterPid } from '../../src/store/maildir-names.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { assertExactly, localMessages, pop3Config, serverCount, snapshot } from '../helpers/pop3-sync-fixtures.js';
import { pop3ByReply, startTcpProxy, type ProxyHooks, type TcpProxy } from '../helpers/tcp-proxy.js';

const SCENARIOS = ['mid-retr', 'mid-retr-after-a-stored-batch', 'after-deles', 'quit-not-sent', 'quit-unanswered', 'mid-uidl', 'mid-dele-batch'];
const KILL_RUNS = 24;
// Each run adds 100 messages and kills a sync; a clean sync every third run.
const KILL_POINTS = ['after-batch-fsync', 'before-dele'];
const USERS = [...SCENARIOS, 'killed', 'killed-mid-write', ...KILL_POINTS].map((u) => ({ user: u, password: `${u}-pw` }));

describe('POP3 sync fault matrix', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let proxy: TcpProxy;
  let base: string;
  before(async () => {
    server = await startDovecot({ users: USERS });
    // Plain POP3 through the proxy so it can see commands (loopback only, opted in on purpose).
    proxy = await startTcpProxy({ host: server.host, port: server.ports.pop3 });
    base = await mkdtemp(join(tmpdir(), 'tmail-pop3faults-'));
  });
  after(async () => {
    await proxy?.stop();
    await server?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  const options = (user: string, extra: Partial<AccountConfig> = {}): SyncOptions => ({
    config: pop3Config(server, user, extra),
    getPassword: async () => `${user}-pw`,
    maildir: new Maildir(join(base, user, 'Maildir')),
    statePath: join(base, user, 'pop3-state.json'),
    batchSize: 64, // several batches per run, so cuts land between them too
  });
  const viaProxy = (user: string) => options(user, { port: proxy.port, security: 'none', allowInsecureAuth: true });
  const generate = async (user: string, count: number, firstIndex = 0) => {
    const { messages } = await generateMaildir(server.maildir(user), { count, seed: 7, firstIndex });
    await server.fixOwnership(user);
    return messages!;
  };

  const cutAtLine = (pred: (line: string, n: number) => boolean, verdict: 'cut' | 'forward-then-cut' = 'cut'): ProxyHooks => {
    let n = 0;
    return { onClientLine: (line) => (pred(line, ++n) ? verdict : 'forward') };
  };
  const cutAfterRetrBytes = (bytes: number): ProxyHooks => {
    let seen = 0;
    return {
      onServerData: (chunk, conn) => {
        if (!conn.lastCommand.startsWith('RETR')) return [chunk];
        seen += chunk.length;
        return seen > bytes ? 'cut' : [chunk];
      },
    };
  };
  // The first batch (64) and a few more replies reach the client, then nothing more; the cut
  // comes with the first DELE, proof that the first batch is stored, while RETRs are unanswered.
  const cutMidRetrAfterAStoredBatch = (): ProxyHooks => {
    let replies = 0;
    let tail = '';
    return {
      onServerData: (chunk, conn) => {
        if (replies >= 64 + 10) return [];
        if (conn.lastCommand.startsWith('RETR')) {
          const text = tail + chunk.toString('latin1');
          replies += text.split('\r\n.\r\n').length - 1;
          tail = text.slice(-4);
        }
        return [chunk];
      },
      onClientLine: (line) => (line.startsWith('DELE') ? 'cut' : 'forward'),
    };
  };

  const HOOKS: Record<string, () => ProxyHooks> = {
    'mid-retr': () => cutAfterRetrBytes(40_000),
    'mid-retr-after-a-stored-batch': cutMidRetrAfterAStoredBatch,
    'after-deles': () => cutAtLine((line) => line === 'DELE 70'),
    'quit-not-sent': () => cutAtLine((line) => line === 'QUIT'),
    'quit-unanswered': () => cutAtLine((line) => line === 'QUIT', 'forward-then-cut'),
    'mid-uidl': () => ({ onServerData: pop3ByReply((reply, command) => (command === 'UIDL' ? 'cut' : reply)) }),
    'mid-dele-batch': () => cutAtLine((line) => line === 'DELE 5'),
  };

  for (const scenario of SCENARIOS) {
    test(`connection cut: ${scenario} → no loss, no duplicate after a clean sync`, async () => {
      const expected = await snapshot(await generate(scenario, 150));
      proxy.hooks = HOOKS[scenario]!();
      const cutsBefore = proxy.cuts;
      if (scenario === 'quit-unanswered' || scenario === 'quit-not-sent') {
        // Every DELE was answered, only the QUIT reply is missing (whether the server got QUIT or
        // not, the client cannot tell): not a failed sync, but the deletions are reported as
        // unconfirmed and stay recorded for the next sync to check (and DELE again if needed).
        const r = await syncMailbox(viaProxy(scenario));
        assert.deepEqual([r.downloaded, r.deletedOnServer, r.deletionUnconfirmed], [150, 0, 150]);
      } else {
        await assert.rejects(syncMailbox(viaProxy(scenario)), (e: unknown) => e instanceof AccountError && (e.kind === 'network' || e.kind === 'protocol'));
      }
      assert.equal(proxy.cuts, cutsBefore + 1, 'the proxy cut the connection');
      proxy.hooks = {};
      const clean = await syncMailbox(options(scenario));
      // Cut before the first batch was recorded: nothing stored; later: the clean sync fetches only the rest.
      if (scenario === 'mid-retr' || scenario === 'mid-uidl') assert.equal(clean.downloaded, 150);
      else if (scenario === 'quit-unanswered' || scenario === 'quit-not-sent') assert.equal(clean.downloaded, 0);
      else assert.ok(clean.downloaded < 150, 'the interrupted sync had stored something');
      await assertExactly(options(scenario).maildir, expected);
      assert.equal(await serverCount(server, scenario, `${scenario}-pw`), 0);
    });
  }

  for (const killAt of KILL_POINTS) {
    test(`sync process SIGKILLed ${killAt} of a batch → the next sync loses nothing and downloads nothing twice`, async () => {
      const user = killAt;
      const opts = options(user);
      const expected = await snapshot(await generate(user, 150));
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(import.meta.dirname, '../helpers/pop3-sync-child.ts'),
          JSON.stringify({ config: opts.config, password: `${user}-pw`, dataDir: join(base, user), killAt }),
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      assert.equal(signal, 'SIGKILL', `the child killed itself (${out.trim()})`);
      assert.equal(await serverCount(server, user, `${user}-pw`), 150, 'nothing deleted on the server: no QUIT');
      // The first batch is whole on disk; the second may be written in part or whole meanwhile
      // (batches are pipelined: the next one's files are written while one is being recorded).
      const stored = (await localMessages(opts.maildir)).size;
      assert.ok(stored >= 64 && stored <= 150, `the first batch is on disk (${stored} files)`);
      const clean = await syncMailbox(opts);
      assert.equal(clean.downloaded, 150 - stored, 'the files on disk are adopted (fsync) or known (recorded), not downloaded again');
      await assertExactly(opts.maildir, expected);
      assert.equal(await serverCount(server, user, `${user}-pw`), 0);
    });
  }

  test('sync process SIGKILLed while writing a file → the next sync removes its tmp/ file at once, a foreign one stays', async () => {
    const user = 'killed-mid-write';
    const opts = options(user);
    const expected = await snapshot(await generate(user, 80));
    const tmpDir = join(opts.maildir.folderPath('INBOX'), 'tmp');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, '../helpers/pop3-sync-child.ts'),
        JSON.stringify({ config: opts.config, password: `${user}-pw`, dataDir: join(base, user), killAt: 'mid-file-write' }),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    assert.equal(signal, 'SIGKILL', `the child killed itself (${out.trim()})`);
    const left = await readdir(tmpDir);
    assert.equal(left.length, 1, 'the killed sync left its half-written file in tmp/');
    assert.equal(tmpWriterPid(left[0]!), child.pid, 'named by the killed sync');
    // Another program delivering into the same Maildir (fresh, not tmail's name): the 36 h rule.
    const foreign = `${Math.floor(Date.now() / 1000)}.M1P1.other-mda`;
    await writeFile(join(tmpDir, foreign), 'partial');
    await syncMailbox(opts);
    assert.deepEqual(await readdir(tmpDir), [foreign], "the killed sync's file is gone, the foreign one stays");
    await assertExactly(opts.maildir, expected);
    assert.equal(await serverCount(server, user, `${user}-pw`), 0);
  });

  test(`sync process SIGKILLed at random points, ${KILL_RUNS} runs → exact Maildir every time`, async () => {
    const user = 'killed';
    const opts = options(user);
    const expected = new Map<string, Buffer>();
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const killedAt: string[] = [];
    for (let run = 0; run < KILL_RUNS; run++) {
      const perRun = 100; // two batches, so kills also land after the first batch's DELEs
      for (const [id, body] of await snapshot(await generate(user, perRun, run * perRun))) expected.set(id, body);
      const target = Math.floor(random() * (perRun + 1));
      const delayed = random() < 0.3; // some kills a little later: state writes, DELE, QUIT
      const delay = Math.floor(random() * 25);
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(import.meta.dirname, '../helpers/pop3-sync-child.ts'),
          JSON.stringify({ config: opts.config, password: `${user}-pw`, dataDir: join(base, user) }),
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      let out = '';
      let fired = false;
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const done = [...out.matchAll(/progress (\d+)/g)].map((m) => Number(m[1])).at(-1) ?? -1;
        if (fired || done < target) return;
        fired = true;
        if (delayed) setTimeout(() => child.kill('SIGKILL'), delay);
        else child.kill('SIGKILL');
      });
      await exited;
      killedAt.push(out.includes('done') ? 'finished' : `after ${[...out.matchAll(/progress (\d+)/g)].at(-1)?.[1] ?? 'none'}`);
      // A clean sync in between some runs too, so recovery also meets partially synced state.
      if (run % 3 === 2) await syncMailbox(opts);
    }
    await syncMailbox(opts);
    await assertExactly(opts.maildir, expected);
    assert.equal(await serverCount(server, user, `${user}-pw`), 0);
    assert.ok(killedAt.filter((k) => k !== 'finished').length >= 20, `killed mid-sync in at least 20 runs: ${killedAt.join(', ')}`);
  });
});
