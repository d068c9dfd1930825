// Runs one POP3 sync in its own process, for the SIGKILL tests: argv[2] is a JSON
// { config, password, dataDir, killAt? }. Prints "progress <done>" per stored batch and "done" at
// the end. killAt makes the process SIGKILL itself at an exact point of the first batch:
// 'after-batch-fsync' (files and directory fsynced, the batch not yet recorded) or 'before-dele'
// (the batch recorded durably, its first DELE about to be sent).
import { join } from 'node:path';
import { syncMailbox } from '../../src/accounts/pop3/sync.js';
import { Maildir } from '../../src/store/maildir.js';

const { config, password, dataDir, killAt } = JSON.parse(process.argv[2]!);
process.stdout.write('ready\n');
const die = () => process.kill(process.pid, 'SIGKILL');
const maildir = new Maildir(join(dataDir, 'Maildir'));
if (killAt === 'after-batch-fsync') {
  const real = maildir.syncFolder.bind(maildir);
  maildir.syncFolder = async (folder: string) => {
    await real(folder);
    die();
  };
}
try {
  await syncMailbox({
    config,
    getPassword: async () => password,
    maildir,
    // The trace line is written just before the command is sent (in the same tick).
    ...(killAt === 'before-dele' ? { trace: (line: string) => void (line.startsWith('C: DELE') && die()) } : {}),
    statePath: join(dataDir, 'pop3-state.json'),
    onProgress: (p) => process.stdout.write(`progress ${p.done}\n`),
    batchSize: 64,
  });
  process.stdout.write('done\n');
} catch (err) {
  process.stdout.write(`error ${(err as Error).message}\n`);
  process.exitCode = 1;
}
