// Runs one POP3 sync in its own process, for the SIGKILL tests: argv[2] is a JSON
// { config, password, dataDir, killAt? }. Prints "progress <done>" per stored batch and "done" at
// the end. killAt makes the process SIGKILL itself at an exact point of the first batch:
// 'after-batch-fsync' (files and directory fsynced, the batch not yet recorded) or 'before-dele'
// (the batch recorded durably, its first DELE about to be sent) or 'mid-file-write' (ten messages
// of the first batch delivered, the eleventh half written to a tmp/ file named as the batch
// writer names it — the state a kill during the write leaves).
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { syncMailbox } from '../../src/accounts/pop3/sync.js';
import { Maildir } from '../../src/store/maildir.js';
import { tmpName } from '../../src/store/maildir-names.js';

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
if (killAt === 'mid-file-write') {
  const real = maildir.deliverBatch.bind(maildir);
  maildir.deliverBatch = async (folder, keys, bodies) => {
    await real(folder, keys.slice(0, 10), bodies.slice(0, 10));
    const body = bodies[10]!;
    const fd = openSync(join(maildir.folderPath(folder), 'tmp', tmpName()), 'wx', 0o600);
    writeSync(fd, body, 0, body.length >> 1);
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
