// The POP3 bench's helper process (see pop3-sync.ts): it starts the bench's child processes (the
// mail generator, chmod/chown, mpop, a fresh `tmail sync`) so that the bench's own process, where
// tmail's in-process sync is timed, forks nothing between rounds. Jobs come over IPC, one at a
// time; each answer carries the job's wall time (and the child's CPU when known).
import { type BenchChildAnswer, type BenchChildJob, type Pop3BenchServer, runBenchChildJob } from './pop3-sync.js';

const server = JSON.parse(process.argv[2]!) as Pop3BenchServer;

process.on('message', (msg: { id: number; job: BenchChildJob }) => {
  runBenchChildJob(server, msg.job).then(
    (r) => process.send!({ id: msg.id, ...r } satisfies BenchChildAnswer),
    (err: unknown) => process.send!({ id: msg.id, error: err instanceof Error ? err.message : String(err) } satisfies BenchChildAnswer),
  );
});
process.on('disconnect', () => process.exit(0));
