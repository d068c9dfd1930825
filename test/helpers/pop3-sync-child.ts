// Runs one POP3 sync in its own process, for the SIGKILL tests: argv[2] is a JSON
// { config, password, dataDir }. Prints "progress <done>" per stored message and "done" at the end.
import { join } from 'node:path';
import { syncMailbox } from '../../src/accounts/pop3/sync.js';
import { Maildir } from '../../src/store/maildir.js';

const { config, password, dataDir } = JSON.parse(process.argv[2]!);
process.stdout.write('ready\n');
try {
  await syncMailbox({
    config,
    getPassword: async () => password,
    maildir: new Maildir(join(dataDir, 'Maildir')),
    statePath: join(dataDir, 'pop3-state.json'),
    onProgress: (p) => process.stdout.write(`progress ${p.done}\n`),
    batchSize: 64,
  });
  process.stdout.write('done\n');
} catch (err) {
  process.stdout.write(`error ${(err as Error).message}\n`);
  process.exitCode = 1;
}
