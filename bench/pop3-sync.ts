// Bench section: POP3 download-and-delete of 10,000 messages over STLS into a Maildir on tmpfs.
// tmail's full sync (RETR, Maildir delivery with fsync of every file and of the directory once per
// batch, durable state writes, DELE, QUIT) against mpop doing the same job (STLS, Maildir
// delivery, keep off) — measured in the same run, on the same server, interleaved. Without mpop
// installed the baseline is a bare node-pop3 RETR loop (plain POP3, into memory, nothing deleted),
// and the output says so. Uses bob's INBOX (alice's 100k INBOX belongs to the IMAP sections).
// Fairness: the mail is generated in a child process, so tmail is not charged for the bench's own
// garbage or recompiles (mpop starts fresh). No full GC is forced before the timed sync any more: a
// forced gc() deoptimized every hot function (node's streams and buffers too: "weak objects"), so
// the timed sync spent its helper threads recompiling them, which no UI process does between
// syncs (BENCH_POP3_FORCED_GC=1 measures the old way).
// This process starts no child process while the rounds run: the mail generator, chmod/chown,
// mpop and the fresh `tmail sync` are started by one helper process (pop3-bench-child.ts), started
// once. Starting a child forks this process, and after a fork every page it had written is
// copy-on-write: the next write to each one faults (~18 us each in a VM), so the in-process sync
// right after a spawn paid ~9,000-11,000 faults for the bench's own spawn (~0.2 s of CPU), which a
// UI process does not (it spawns nothing between syncs: the password command runs once). mpop
// and the fresh process start clean either way. BENCH_POP3_SPAWN_HERE=1 measures the old way.
// That in-process sync (the goal's figure) skips what a user's `tmail sync` also pays: node's
// start-up, loading the bundle, a cold JIT, a new writer thread. So each round also runs
// `bin/tmail.js sync` as a fresh process, timed like mpop (from spawn to exit, GNU time's CPU),
// printed beside it (BENCH_TMAIL=PATH runs another build's bin/tmail.js there).
import { type ChildProcess, execFile, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Pop3Command from 'node-pop3';
import { syncMailbox } from '../src/accounts/pop3/sync.js';
import type { AccountConfig } from '../src/config/types.js';
import { Maildir } from '../src/store/maildir.js';
import { type DovecotServer, fixMailOwnership, type MailOwner } from '../test/helpers/dovecot.js';
import { ms, summarize, timed, type Timing } from './stats.js';

export const POP3_BENCH_MESSAGES = Number(process.env.BENCH_POP3_MESSAGES ?? 10_000);
const USER = 'bob';
const PASSWORD = 'bob-pw';
const MPOP = ['/usr/bin/mpop', '/usr/local/bin/mpop'].find((p) => existsSync(p));
// GNU time reports the child's CPU; without it only wall times are compared.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

export interface Pop3BenchResult {
  tmail: Timing;
  baseline: Timing;
  /** What the baseline was: mpop (same job) or the bare node-pop3 RETR loop. */
  baselineName: string;
  /**
   * Client CPU (user+sys, ms; Dovecot's own excluded): tmail's process (all its threads) during the
   * sync, and mpop's. On a loaded machine this is steadier than wall time.
   */
  tmailCpu?: Timing;
  baselineCpu?: Timing;
  /** `tmail sync` as a fresh process (wall; CPU when GNU time is there), the same job as mpop's. */
  cli?: Timing;
  cliCpu?: Timing;
  ratio: number;
  tmailRate: number;
  baselineRate: number;
}

/** What the bench's child processes need of the server (plain data: it goes to the helper process). */
export interface Pop3BenchServer {
  host: string;
  pop3Port: number;
  caFile: string;
  /** bob's home and Maildir. */
  home: string;
  maildir: string;
  mailOwner: MailOwner;
}

export function benchServer(server: DovecotServer): Pop3BenchServer {
  return {
    host: server.host,
    pop3Port: server.ports.pop3,
    caFile: server.caFile,
    home: join(server.dir, 'home', USER),
    maildir: server.maildir(USER),
    mailOwner: server.mailOwner,
  };
}

/** Fills bob's INBOX with a fresh set of messages (each download-and-delete empties it), in a child process (see pop3-fill.ts). */
export async function fill(server: Pop3BenchServer, seed: number): Promise<void> {
  const script = fileURLToPath(new URL('./pop3-fill.ts', import.meta.url));
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [...process.execArgv, script, server.maildir, String(POP3_BENCH_MESSAGES), String(seed)],
      { maxBuffer: 1 << 20 },
      (err, _out, errText) => (err ? reject(new Error(`generating mail failed: ${errText.trim() || err.message}`)) : resolve()),
    );
  });
  await fixMailOwnership(server.home, server.mailOwner);
}

/**
 * BENCH_POP3_FORCED_GC=1: a full GC before each timed tmail sync (the old method). Node exposes
 * `gc` only behind a flag; setting it at run time is enough for a new context to see it.
 */
const collectGarbage: (() => void) | undefined = process.env.BENCH_POP3_FORCED_GC
  ? (() => {
      setFlagsFromString('--expose-gc');
      return runInNewContext('gc') as () => void;
    })()
  : undefined;

async function countFiles(maildir: string): Promise<number> {
  let n = 0;
  for (const sub of ['new', 'cur']) n += (await readdir(join(maildir, sub)).catch(() => [])).length;
  return n;
}

/** mpop with the same job: STLS (verified against the test CA), USER/PASS, Maildir, delete after download. Returns its CPU ms when known. */
export async function mpopRun(server: Pop3BenchServer, dir: string): Promise<number | undefined> {
  const maildir = join(dir, 'Maildir');
  for (const sub of ['tmp', 'new', 'cur']) await mkdir(join(maildir, sub), { recursive: true, mode: 0o700 });
  const rc = join(dir, 'mpoprc');
  await writeFile(
    rc,
    [
      'account bench',
      `host ${server.host}`,
      `port ${server.pop3Port}`,
      'tls on',
      'tls_starttls on',
      `tls_trust_file ${server.caFile}`,
      'auth user',
      `user ${USER}`,
      `password ${PASSWORD}`,
      `delivery maildir ${maildir}`,
      `uidls_file ${join(dir, 'uidls')}`,
      'keep off',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const [cmd, args] = TIME ? [TIME, ['-f', 'CPU %U %S', MPOP!, '-C', rc, '-q', 'bench']] : [MPOP!, ['-C', rc, '-q', 'bench']];
  const stderr = await new Promise<string>((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 1 << 20 }, (err, _out, errText) =>
      err ? reject(new Error(`mpop failed: ${errText.trim() || err.message}`)) : resolve(errText),
    );
  });
  const got = await countFiles(maildir);
  if (got !== POP3_BENCH_MESSAGES) throw new Error(`mpop delivered ${got} of ${POP3_BENCH_MESSAGES} messages`);
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(stderr);
  return cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined;
}

/**
 * The environment for `tmail sync`, without NODE_EXTRA_CA_CERTS: some machines (the ones these
 * figures come from among them) set it to the whole system CA bundle, which Node 20 parses at every start
 * (~40 ms of CPU, more than tmail's own start-up), a cost of that setting that mpop does not have.
 * tmail verifies the server against the account's `ca` either way.
 */
function cliEnv(): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...env } = process.env;
  return env;
}

/** `tmail sync` of the account in a fresh process, as a user runs it. Returns its CPU ms when known. */
export async function tmailCliRun(dir: string, config: AccountConfig): Promise<number | undefined> {
  await mkdir(join(dir, 'data'), { recursive: true, mode: 0o700 });
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ accounts: [{ ...config, leaveOnServer: false, passwordCommand: `printf %s ${PASSWORD}` }] }), { mode: 0o600 });
  const bin = process.env.BENCH_TMAIL ?? fileURLToPath(new URL('../bin/tmail.js', import.meta.url));
  const tmail = [bin, '--config', configFile, 'sync'];
  const [cmd, args] = TIME ? [TIME, ['-f', 'CPU %U %S', ...tmail]] : [tmail[0]!, tmail.slice(1)];
  const stderr = await new Promise<string>((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 1 << 20, env: { ...cliEnv(), TMAIL_DATA_DIR: join(dir, 'data') } }, (err, _out, errText) =>
      err ? reject(new Error(`tmail sync failed: ${errText.trim() || err.message}`)) : resolve(errText),
    );
  });
  const got = await countFiles(join(dir, 'data', 'accounts', config.name, 'Maildir'));
  if (got !== POP3_BENCH_MESSAGES) throw new Error(`tmail sync delivered ${got} of ${POP3_BENCH_MESSAGES} messages`);
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(stderr);
  return cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined;
}

/** The fallback baseline: node-pop3 login, then RETR 1..N one after the other, then QUIT (nothing deleted). */
async function bareRetrLoop(server: DovecotServer, count: number): Promise<void> {
  const client = new Pop3Command({ host: server.host, port: server.ports.pop3, user: USER, password: PASSWORD, timeout: 30_000 });
  for (let i = 1; i <= count; i++) {
    // node-pop3 can hang forever on a terminator split across packets: bound each RETR.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.RETR(i),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`node-pop3 RETR ${i} hung (split terminator)`)), 10_000);
      }),
    ]).finally(() => clearTimeout(timer));
  }
  await client.QUIT();
}

export async function pop3SyncBench(
  server: DovecotServer,
  log: (line: string) => void,
  rounds = Number(process.env.BENCH_POP3_ROUNDS ?? 5),
): Promise<Pop3BenchResult> {
  const base = await mkdtemp(join(server.dir, 'pop3-bench-'));
  const withMpop = MPOP !== undefined;
  const config: AccountConfig = {
    name: 'bench',
    protocol: 'pop3',
    host: server.host,
    port: server.ports.pop3,
    // With mpop: both on STLS. The node-pop3 fallback has no STLS, so then both run plain.
    security: withMpop ? 'starttls' : 'none',
    allowInsecureAuth: !withMpop,
    ca: withMpop ? server.caFile : undefined,
    user: USER,
  };
  const baselineName = withMpop ? 'mpop (STLS, Maildir, delete)' : 'bare node-pop3 RETR loop (mpop not installed)';
  const tmail: number[] = [];
  const baseline: number[] = [];
  const tmailCpu: number[] = [];
  const baselineCpu: number[] = [];
  const cli: number[] = [];
  const cliCpu: number[] = [];
  const children = process.env.BENCH_POP3_SPAWN_HERE ? spawnHere(benchServer(server)) : spawnFromHelper(benchServer(server));
  try {
    for (let round = 0; round < rounds; round++) {
      const dir = join(base, `round-${round}`);
      await mkdir(dir, { recursive: true });
      await children.fill(100 + 2 * round);
      if (withMpop) {
        const { wall, cpu } = await children.mpop(join(dir, 'mpop'));
        baseline.push(wall);
        if (cpu !== undefined) baselineCpu.push(cpu);
        await children.fill(101 + 2 * round);
      } else {
        baseline.push(await timed(() => bareRetrLoop(server, POP3_BENCH_MESSAGES)));
      }
      let downloaded = 0;
      collectGarbage?.();
      const cpuBefore = process.cpuUsage();
      tmail.push(
        await timed(async () => {
          const result = await syncMailbox({
            config,
            getPassword: async () => PASSWORD,
            maildir: new Maildir(join(dir, 'tmail', 'Maildir')),
            statePath: join(dir, 'tmail', 'pop3-state.json'),
          });
          downloaded = result.downloaded;
        }),
      );
      const cpu = process.cpuUsage(cpuBefore);
      tmailCpu.push((cpu.user + cpu.system) / 1000);
      if (downloaded !== POP3_BENCH_MESSAGES) throw new Error(`tmail synced ${downloaded} of ${POP3_BENCH_MESSAGES} messages`);
      const cpuNote = baselineCpu.length === tmailCpu.length ? ` (client CPU ${ms(tmailCpu.at(-1)!)} vs ${ms(baselineCpu.at(-1)!)})` : '';
      await children.fill(1000 + round);
      const { wall: cliWall, cpu: fresh } = await children.cli(join(dir, 'cli'), config);
      cli.push(cliWall);
      if (fresh !== undefined) cliCpu.push(fresh);
      const cliNote = `; tmail sync as a fresh process ${ms(cli.at(-1)!)}${fresh !== undefined ? ` (CPU ${ms(fresh)})` : ''}`;
      log(`  round ${round + 1}: tmail ${ms(tmail.at(-1)!)}, ${withMpop ? 'mpop' : 'node-pop3 RETR loop'} ${ms(baseline.at(-1)!)}${cpuNote}${cliNote}`);
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    children.close();
    await rm(base, { recursive: true, force: true });
  }
  const t = summarize(tmail);
  const b = summarize(baseline);
  const cpu = baselineCpu.length === tmailCpu.length && tmailCpu.length > 0 ? { tmailCpu: summarize(tmailCpu), baselineCpu: summarize(baselineCpu) } : {};
  return {
    tmail: t,
    baseline: b,
    baselineName,
    ratio: t.median / b.median,
    tmailRate: POP3_BENCH_MESSAGES / (t.median / 1000),
    baselineRate: POP3_BENCH_MESSAGES / (b.median / 1000),
    ...cpu,
    cli: summarize(cli),
    ...(cliCpu.length === cli.length ? { cliCpu: summarize(cliCpu) } : {}),
  };
}

/** The bench's child processes: mail generation (with chmod/chown), mpop, a fresh `tmail sync`. Wall and CPU are timed where they are started. */
interface BenchChildren {
  fill(seed: number): Promise<void>;
  mpop(dir: string): Promise<{ wall: number; cpu?: number }>;
  cli(dir: string, config: AccountConfig): Promise<{ wall: number; cpu?: number }>;
  close(): void;
}

/** A job for pop3-bench-child.ts and its answer. */
export type BenchChildJob = { op: 'fill'; seed: number } | { op: 'mpop'; dir: string } | { op: 'cli'; dir: string; config: AccountConfig };
export interface BenchChildAnswer {
  id: number;
  wall?: number;
  cpu?: number;
  error?: string;
}

/** Runs a job here (what the helper process does, and BENCH_POP3_SPAWN_HERE=1 in the bench's own process). */
export async function runBenchChildJob(server: Pop3BenchServer, job: BenchChildJob): Promise<{ wall: number; cpu?: number }> {
  let cpu: number | undefined;
  const wall = await timed(async () => {
    if (job.op === 'fill') await fill(server, job.seed);
    else if (job.op === 'mpop') cpu = await mpopRun(server, job.dir);
    else cpu = await tmailCliRun(job.dir, job.config);
  });
  return { wall, ...(cpu !== undefined ? { cpu } : {}) };
}

function spawnHere(server: Pop3BenchServer): BenchChildren {
  return {
    fill: async (seed) => void (await runBenchChildJob(server, { op: 'fill', seed })),
    mpop: (dir) => runBenchChildJob(server, { op: 'mpop', dir }),
    cli: (dir, config) => runBenchChildJob(server, { op: 'cli', dir, config }),
    close: () => undefined,
  };
}

/** One helper process, started once, starts every child (see the comment at the top). */
function spawnFromHelper(server: Pop3BenchServer): BenchChildren {
  const script = fileURLToPath(new URL('./pop3-bench-child.ts', import.meta.url));
  const child: ChildProcess = fork(script, [JSON.stringify(server)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (a: BenchChildAnswer) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  child.on('message', (a: BenchChildAnswer) => {
    const w = waiting.get(a.id);
    waiting.delete(a.id);
    if (a.error !== undefined) w?.reject(new Error(a.error));
    else w?.resolve(a);
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`the bench's helper process exited (${code})`));
    waiting.clear();
  });
  const call = (job: BenchChildJob) =>
    new Promise<{ wall: number; cpu?: number }>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: (a) => resolve({ wall: a.wall!, ...(a.cpu !== undefined ? { cpu: a.cpu } : {}) }), reject });
      child.send({ id, job });
    });
  return {
    fill: async (seed) => void (await call({ op: 'fill', seed })),
    mpop: (dir) => call({ op: 'mpop', dir }),
    cli: (dir, config) => call({ op: 'cli', dir, config }),
    close: () => child.kill(),
  };
}

/** The lines run.ts prints for this section. */
export async function runPop3SyncSection(server: DovecotServer, log: (line: string) => void): Promise<void> {
  const r = await pop3SyncBench(server, log);
  const goal = r.baselineName.startsWith('mpop') ? 1.0 : 1.5;
  log(`  tmail sync (STLS/RETR + Maildir fsync + state + DELE + QUIT): median ${ms(r.tmail.median)}, ${Math.round(r.tmailRate)} msg/s`);
  log(`  baseline, ${r.baselineName}: median ${ms(r.baseline.median)}, ${Math.round(r.baselineRate)} msg/s`);
  log(`  ratio tmail/baseline (medians): ${r.ratio.toFixed(2)} (goal <= ${goal})${r.ratio <= goal ? '' : '  ** above goal **'}`);
  if (r.tmailCpu && r.baselineCpu) {
    // Wall time on a loaded machine mostly measures who got a core; CPU says what each client costs.
    log(
      `  client CPU (user+sys, Dovecot excluded): tmail median ${ms(r.tmailCpu.median)}, mpop median ${ms(r.baselineCpu.median)}, ratio ${(r.tmailCpu.median / r.baselineCpu.median).toFixed(2)}`,
    );
  }
  if (r.cli) {
    // What a user's `tmail sync` costs, timed like mpop: start-up, bundle, cold JIT included.
    const cpu = r.cliCpu ? `, CPU median ${ms(r.cliCpu.median)}${r.baselineCpu ? ` (ratio ${(r.cliCpu.median / r.baselineCpu.median).toFixed(2)})` : ''}` : '';
    log(`  tmail sync as a fresh process (bin/tmail.js, like mpop): median ${ms(r.cli.median)}, ratio ${(r.cli.median / r.baseline.median).toFixed(2)}${cpu}`);
  }
}
