// Profiling aid (not part of `npm run bench`): tmail POP3 syncs of N messages over STLS into a
// Maildir on tmpfs, printing wall and CPU time and memory (`node --expose-gc --import tsx
// bench/pop3-profile.ts`).
// Run with PROFILE=out.cpuprofile to record a CPU profile of the syncs alone (not the set-up),
// HEAP_PROFILE=out.heapprofile for a sampled profile of everything they allocate.
// PROGRESS=1 prints when each batch was stored (count@ms since the sync began).
// TRACE_HEAD=N prints the protocol trace's first N lines with ms since the sync began (the login);
// TRACE_MATCH=regex prints only the lines it matches, from the whole trace (e.g. the start and the
// end without the bursts: TRACE_HEAD=100000 TRACE_MATCH='^(?!C: (RETR|DELE)|S: \+OK ?$|S: \+OK.*octets)').
// Each round also says how long Dovecot's pop3 process slept (see watchServer; NO_SERVER_WATCH=1
// turns it off); MPOP=1 runs mpop on the same job instead of tmail, for that figure's baseline.
// BENCH_POP3_MESSAGES=N (default 10,000), BENCH_POP3_ROUNDS=N (default 1). FORK=1: fix the mail's
// ownership with chmod/chown processes before each sync (the old way: the sync then pays the
// fork's copy-on-write faults, see pop3-sync.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { syncMailbox } from '../src/accounts/pop3/sync.js';
import type { AccountConfig } from '../src/config/types.js';
import { Maildir } from '../src/store/maildir.js';
import { type MailOwner, startDovecot } from '../test/helpers/dovecot.js';
import { generateMaildir } from '../test/helpers/maildir-generator.js';
import { benchServer, mpopRun } from './pop3-sync.js';

/** fixMailOwnership without chmod/chown processes: dirs 0700, files 0600, owned by the mail user. */
async function fixOwnershipHere(dir: string, owner: MailOwner): Promise<void> {
  await chmod(dir, 0o700);
  if (owner.chown) await chown(dir, owner.uid, owner.gid);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await fixOwnershipHere(path, owner);
    else {
      await chmod(path, 0o600);
      if (owner.chown) await chown(path, owner.uid, owner.gid);
    }
  }
}

function fmtMono(ns: bigint): string {
  return `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n)
    .padStart(9, '0')
    .slice(0, 6)}`;
}

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

/**
 * Dovecot's side of a session: its pop3 process's CPU, run-queue wait and sleep (wall minus both:
 * the time it had nothing to do, i.e. waited for our commands or for room in the socket), read
 * from /proc/PID/schedstat every few ms until the process ends at QUIT. Unlike wall time, the
 * sleep is little affected by other load on the machine: it is the client's share of the job.
 */
function watchServer(masterPid: number): () => string {
  let pid: number | undefined;
  let first: number[] | undefined;
  let last: number[] | undefined;
  let t0 = 0;
  let t1 = 0;
  const read = (p: number) => readFileSync(`/proc/${p}/schedstat`, 'latin1').trim().split(' ').map(Number);
  const timer = setInterval(() => {
    try {
      if (pid === undefined) {
        for (const p of readdirSync('/proc')) {
          if (!/^\d+$/.test(p)) continue;
          let stat: string;
          try {
            stat = readFileSync(`/proc/${p}/stat`, 'latin1');
          } catch {
            continue; // ended meanwhile
          }
          const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name === 'pop3' && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === masterPid) pid = Number(p);
        }
        if (pid === undefined) return;
        first = read(pid);
        t0 = performance.now();
      }
      last = read(pid);
      t1 = performance.now();
    } catch {
      clearInterval(timer);
    }
  }, 2);
  return () => {
    clearInterval(timer);
    if (!first || !last) return 'Dovecot pop3 process not seen';
    const cpu = (last[0]! - first[0]!) / 1e6;
    const wait = (last[1]! - first[1]!) / 1e6;
    const wall = t1 - t0;
    return `Dovecot pop3 (from its start to QUIT, ~${wall.toFixed(0)} ms): CPU ${cpu.toFixed(0)} ms, run-queue wait ${wait.toFixed(0)} ms, asleep ${(wall - cpu - wait).toFixed(0)} ms`;
  };
}

const traceMatch = process.env.TRACE_MATCH ? new RegExp(process.env.TRACE_MATCH) : undefined;
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
    // Without a child process (unless FORK=1): after a fork every page this process had written
    // faults again on its next write, which the timed sync would pay (see pop3-sync.ts).
    if (process.env.FORK) await server.fixOwnership('bob');
    else await fixOwnershipHere(join(server.dir, 'home', 'bob'), server.mailOwner);
    const dir = join(base, `round-${round}`);
    if (process.env.PAUSE_MS) {
      // Time to attach an outside profiler (perf record -p) to the sync alone.
      process.stdout.write(`sync starts in ${process.env.PAUSE_MS} ms, pid ${process.pid}\n`);
      await new Promise((r) => setTimeout(r, Number(process.env.PAUSE_MS)));
    }
    const session = process.env.PROFILE || process.env.HEAP_PROFILE ? new Session() : undefined;
    if (session) {
      session.connect();
      if (process.env.HEAP_PROFILE) {
        // Every allocation of the sync, also what the young generation collected at once.
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: 4096,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      } else {
        await session.post('Profiler.enable');
        // PROFILE_INTERVAL_US=100 samples 10 times as often as the default (for a short stretch).
        if (process.env.PROFILE_INTERVAL_US) await session.post('Profiler.setSamplingInterval', { interval: Number(process.env.PROFILE_INTERVAL_US) });
        await session.post('Profiler.start');
      }
    }
    const threads0 = process.platform === 'linux' ? threadCpu() : undefined;
    // FORCE_GC=1 runs the generator's garbage out first. Off by default: a forced gc() deoptimizes
    // every hot function ("weak objects"), and the sync then spends its helper threads recompiling.
    if (process.env.FORCE_GC) (globalThis as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage.rss();
    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    const masterPid = Number(readFileSync(join(server.dir, 'run', 'master.pid'), 'latin1').trim());
    // NO_SERVER_WATCH=1: its /proc polling costs the process ~0.1 s of CPU per sync (off for CPU profiles).
    const serverReport = process.platform === 'linux' && !process.env.NO_SERVER_WATCH ? watchServer(masterPid) : undefined;
    const cpu0 = process.cpuUsage();
    const faults0 = process.resourceUsage().minorPageFault;
    const mono0 = process.hrtime.bigint();
    const t0 = performance.now();
    let traced = 0;
    const progressTimes: string[] = [];
    if (process.env.MPOP) {
      // The same job by mpop, for the Dovecot figures above (its own wall and CPU are in the bench).
      await mkdir(dir, { recursive: true });
      await mpopRun(benchServer(server), dir);
      process.stdout.write(`  ${serverReport?.()}\nround ${round + 1}: mpop wall ${(performance.now() - t0).toFixed(0)} ms\n`);
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    const r = await syncMailbox({
      config,
      getPassword: async () => 'bob-pw',
      maildir: new Maildir(join(dir, 'Maildir')),
      statePath: join(dir, 'pop3-state.json'),
      ...(process.env.PROGRESS ? { onProgress: (p: { done: number }) => void progressTimes.push(`${p.done}@${(performance.now() - t0).toFixed(0)}`) } : {}),
      ...(process.env.TRACE_HEAD
        ? {
            trace: (l: string) => {
              if (traceMatch && !traceMatch.test(l)) return;
              if (traced++ < Number(process.env.TRACE_HEAD)) process.stderr.write(`${(performance.now() - t0).toFixed(1)} ${l.slice(0, 100)}\n`);
            },
          }
        : {}),
    });
    const wall = performance.now() - t0;
    // With an outside profiler (perf record -k CLOCK_MONOTONIC): the sync's span, for --time.
    if (process.env.PAUSE_MS) process.stdout.write(`  sync span (CLOCK_MONOTONIC s): ${fmtMono(mono0)},${fmtMono(process.hrtime.bigint())}\n`);
    if (process.env.PROGRESS) process.stdout.write(`  stored (messages@ms): ${progressTimes.join(' ')}\n`);
    if (serverReport) process.stdout.write(`  ${serverReport()}\n`);
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
    if (session && process.env.HEAP_PROFILE) {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      await writeFile(`${process.env.HEAP_PROFILE}.${round + 1}`, JSON.stringify(profile));
      session.disconnect();
    } else if (session) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(`${process.env.PROFILE}.${round + 1}`, JSON.stringify(profile));
      session.disconnect();
    }
    process.stdout.write(
      `round ${round + 1}: ${r.downloaded} downloaded, ${r.deletedOnServer} deleted; wall ${wall.toFixed(0)} ms, CPU user ${(cpu.user / 1000).toFixed(0)} ms sys ${(cpu.system / 1000).toFixed(0)} ms, page faults ${process.resourceUsage().minorPageFault - faults0}, RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MB, peak during the sync ${(peakRss / 2 ** 20).toFixed(0)} MB\n`,
    );
    await rm(dir, { recursive: true, force: true });
  }
} finally {
  await server.stop();
}
