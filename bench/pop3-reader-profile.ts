// Profiling aid (not part of `npm run bench`): the POP3 receive path alone — ResponseReader and the
// LIST/UIDL parsers — over the server's side of a 10k-message download, replayed from memory in
// reads of 0.7-4 KiB (Dovecot's TLS records). No server, disk, TLS or writer thread, so its CPU
// figure is far steadier than a whole sync's on a loaded machine: for A/B of the reader.
//   node --expose-gc --import tsx bench/pop3-reader-profile.ts
// TREE=/other/checkout runs that checkout's reader, listing and BatchArena (A/B with this script);
// BENCH_POP3_MESSAGES=N (default 10,000), ROUNDS=N (default 5; round 1 is cold code).
// Prints CPU ms per round and the young/old-generation GCs of each round.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { generateMaildir } from '../test/helpers/maildir-generator.js';

const tree = process.env.TREE ?? join(import.meta.dirname, '..');
const { ResponseReader } = await import(join(tree, 'src/accounts/pop3/response-reader.ts'));
const { parseScanListing, parseUidlListing } = await import(join(tree, 'src/accounts/pop3/listing.ts'));
const { BatchArena } = await import(join(tree, 'src/store/maildir-batch-writer.ts'));

const COUNT = Number(process.env.BENCH_POP3_MESSAGES ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BATCH = 1024;
const READS = [4096, 4096, 3100, 4096, 1500, 4096, 4096, 700, 4096, 2900];

/** What the server sends: LIST, UIDL, then per batch its RETR replies and its DELE replies. */
async function serverSide(): Promise<{ wire: Buffer; sizes: number[] }> {
  const dir = await mkdtemp(join(process.platform === 'linux' ? '/dev/shm' : tmpdir(), 'pop3-reader-'));
  try {
    await generateMaildir(dir, { count: COUNT, seed: 100 });
    const names = (await readdir(join(dir, 'new'))).sort();
    const bodies: string[] = [];
    for (const name of names) {
      const raw = await readFile(join(dir, 'new', name), 'latin1');
      bodies.push(raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..'));
    }
    const sizes = bodies.map((b) => Buffer.byteLength(b, 'latin1'));
    const parts = [`+OK ${COUNT} messages\r\n`, ...sizes.map((s, i) => `${i + 1} ${s}\r\n`), '.\r\n', '+OK\r\n'];
    for (let i = 0; i < COUNT; i++) parts.push(`${i + 1} ${(0x100000 + i).toString(16)}${'a'.repeat(16)}\r\n`);
    parts.push('.\r\n');
    for (let s = 0; s < COUNT; s += BATCH) {
      const end = Math.min(s + BATCH, COUNT);
      for (let i = s; i < end; i++) parts.push(`+OK ${sizes[i]} octets\r\n${bodies[i]}.\r\n`);
      for (let i = s; i < end; i++) parts.push('+OK Marked to be deleted.\r\n');
    }
    return { wire: Buffer.from(parts.join(''), 'latin1'), sizes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const { wire, sizes } = await serverSide();
const reads: Buffer[] = [];
for (let at = 0, k = 0; at < wire.length; k++) {
  const n = Math.min(READS[k % READS.length]!, wire.length - at);
  reads.push(wire.subarray(at, at + n));
  at += n;
}
let minor = 0;
let major = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
  }
}).observe({ entryTypes: ['gc'] });

const figures: string[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // One arena per batch, faulted in before the clock starts (a sync reuses two; page faults
  // are not the reader's cost).
  const arenas: { capacity: number; take(n: number): Buffer; reset(): void }[] = [];
  for (let s = 0; s < COUNT; s += BATCH) {
    const arena = new BatchArena(sizes.slice(s, s + BATCH).reduce((a, b) => a + b, 0) + 256 * 1024);
    arena.take(arena.capacity).fill(0);
    arena.reset();
    arenas.push(arena);
  }
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const [minor0, major0] = [minor, major];
  const cpu0 = process.cpuUsage();
  const reader = new ResponseReader();
  const listing = { multiline: true, maxStatusLength: 8192, maxLines: 1_000_000, maxLineLength: 8192 };
  const list = reader.expect({ ...listing, what: 'the LIST reply' });
  const uidl = reader.expect({ ...listing, what: 'the UIDL reply' });
  const bursts: Promise<{ body?: Buffer }[]>[] = [];
  // As in a sync: two batches asked for ahead, the next one once a batch's last body is in.
  const ask = (b: number) => {
    if (b * BATCH >= COUNT) return;
    const retr = [];
    const dele = [];
    for (let i = b * BATCH; i < Math.min((b + 1) * BATCH, COUNT); i++) {
      retr.push({
        multiline: true,
        maxStatusLength: 8192,
        maxBodyBytes: 2 * sizes[i]! + 8192,
        lineEnding: 'lf',
        what: `message ${i + 1}`,
        allocator: arenas[b],
      });
      dele.push({ multiline: false, maxStatusLength: 8192 });
    }
    let left = retr.length;
    bursts[2 * b] = reader.expectAll(retr, () => {
      if (--left === 0) ask(b + 2);
    });
    bursts[2 * b + 1] = reader.expectAll(dele);
  };
  ask(0);
  ask(1);
  for (const read of reads) reader.push(read);
  const scan = parseScanListing((await list).body, 'bench');
  const ids = parseUidlListing((await uidl).body, 'bench');
  const replies = await Promise.all(bursts);
  const cpu = process.cpuUsage(cpu0);
  // GC entries are delivered after the fact.
  await new Promise((resolve) => setTimeout(resolve, 20));
  let bodies = 0;
  for (let b = 0; b < replies.length; b += 2) for (const r of replies[b]!) if (r.body) bodies++;
  if (scan.length !== COUNT || ids.length !== COUNT || bodies !== COUNT) throw new Error(`round ${round + 1}: ${bodies} bodies of ${COUNT}`);
  figures.push(`${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (GCs ${minor - minor0}/${major - major0})`);
}
process.stdout.write(
  `${tree}: ${COUNT} messages, ${(wire.length / 2 ** 20).toFixed(1)} MB on the wire in ${reads.length} reads; CPU per round (young/old GCs): ${figures.join(', ')}\n`,
);
