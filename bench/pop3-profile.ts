// Profiling aid (not part of `npm run bench`): tmail POP3 syncs of N messages over STLS into a
// Maildir on tmpfs, printing wall and CPU time and memory (`node --expose-gc --import tsx
// bench/pop3-profile.ts`).
// Run with PROFILE=out.cpuprofile to record a CPU profile of the syncs alone (not the set-up).
// BENCH_POP3_MESSAGES=N (default 10,000), BENCH_POP3_ROUNDS=N (default 1).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { syncMailbox } from '../src/accounts/pop3/sync.js';
import type { AccountConfig } from '../src/config/types.js';
import { Maildir } from '../src/store/maildir.js';
import { startDovecot } from '../test/helpers/dovecot.js';
import { generateMaildir } from '../test/helpers/maildir-generator.js';

/** CPU ms per thread name (Linux /proc): the main thread, the file writer, libuv and V8 helpers. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      out.set(`${name}#${tid}`, ms);
    } catch {
      // the thread ended
    }
  }
  return out;
}

const COUNT = Number(process.env.BENCH_POP3_MESSAGES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_POP3_ROUNDS ?? 1);
const server = await startDovecot(existsSync('/dev/shm') ? { baseDir: '/dev/shm' } : {});
try {
  const base = await mkdtemp(join(server.dir, 'pop3-profile-'));
  const config: AccountConfig = {
    name: 'bench',
    protocol: 'pop3',
    host: server.host,
    port: server.ports.pop3,
    security: process.env.PLAIN ? 'none' : 'starttls',
    allowInsecureAuth: !!process.env.PLAIN,
    ca: server.caFile,
    user: 'bob',
  };
  for (let round = 0; round < ROUNDS; round++) {
    await generateMaildir(server.maildir('bob'), { count: COUNT, seed: 100 + round });
    await server.fixOwnership('bob');
    const dir = join(base, `round-${round}`);
    if (process.env.PAUSE_MS) {
      // Time to attach an outside profiler (perf record -p) to the sync alone.
      process.stdout.write(`sync starts in ${process.env.PAUSE_MS} ms, pid ${process.pid}\n`);
      await new Promise((r) => setTimeout(r, Number(process.env.PAUSE_MS)));
    }
    const session = process.env.PROFILE ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const threads0 = process.platform === 'linux' ? threadCpu() : undefined;
    // Run the generator's garbage out first, so the figures below are the sync's own.
    (globalThis as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage.rss();
    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await syncMailbox({
      config,
      getPassword: async () => 'bob-pw',
      maildir: new Maildir(join(dir, 'Maildir')),
      statePath: join(dir, 'pop3-state.json'),
    });
    const wall = performance.now() - t0;
    clearInterval(sampler);
    if (threads0) {
      const byName = new Map<string, number>();
      for (const [k, v] of threadCpu()) {
        // Thread names are not telling here (all "node"): the main thread's id is the pid.
        const name = k.endsWith(`#${process.pid}`) ? 'main' : k;
        byName.set(name, (byName.get(name) ?? 0) + v - (threads0.get(k) ?? 0));
      }
      process.stdout.write(
        `  threads (ms): ${[...byName]
          .filter(([, v]) => v > 0)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}\n`,
      );
    }
    const cpu = process.cpuUsage(cpu0);
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(`${process.env.PROFILE}.${round + 1}`, JSON.stringify(profile));
      session.disconnect();
    }
    process.stdout.write(
      `round ${round + 1}: ${r.downloaded} downloaded, ${r.deletedOnServer} deleted; wall ${wall.toFixed(0)} ms, CPU user ${(cpu.user / 1000).toFixed(0)} ms sys ${(cpu.system / 1000).toFixed(0)} ms, RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MB, peak during the sync ${(peakRss / 2 ** 20).toFixed(0)} MB\n`,
    );
    await rm(dir, { recursive: true, force: true });
  }
} finally {
  await server.stop();
}
