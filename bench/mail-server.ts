// The server every bench section measures against: a private Dovecot on tmpfs (disk timing is
// too noisy) with a generated 100,000-message INBOX for alice.
import { existsSync } from 'node:fs';
import { startDovecot, type DovecotServer } from '../test/helpers/dovecot.js';
import { generateMaildir } from '../test/helpers/maildir-generator.js';

export const BENCH_MESSAGES = 100_000;

export async function startBenchServer(log: (line: string) => void): Promise<DovecotServer> {
  const server = await startDovecot(existsSync('/dev/shm') ? { baseDir: '/dev/shm' } : {});
  const started = Date.now();
  await generateMaildir(server.maildir('alice'), { count: BENCH_MESSAGES, seed: 1 });
  await server.fixOwnership('alice');
  log(`generated ${BENCH_MESSAGES} messages in alice's INBOX in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return server;
}
