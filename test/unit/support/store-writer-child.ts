// Child process for the crash test: writes batches to the summary store forever, each batch one
// summary put + flag updates, until the parent SIGKILLs it. Prints "batch N" after each commit.
import { SummaryStore } from '../../../src/store/summary-store.js';
import type { MessageSummary } from '../../../src/domain/index.js';

const dir = process.argv[2]!;
const cache = await SummaryStore.open(dir, 'imap');
if (!cache.folder('INBOX')) cache.reset('INBOX', 7n);
const BATCH = 500;
for (let batch = 0; ; batch++) {
  const summaries: MessageSummary[] = [];
  for (let i = 0; i < BATCH; i++) {
    const uid = batch * BATCH + i + 1;
    summaries.push({
      uid,
      flags: ['\\Seen'],
      date: new Date(uid * 1000),
      from: [{ name: `N${uid}`, address: `a${uid}@x` }],
      to: [],
      cc: [],
      subject: `batch ${batch} message ${uid}`,
      size: uid,
      hasAttachments: false,
      location: { kind: 'server' },
    });
  }
  cache.putSummaries('INBOX', summaries);
  process.stdout.write(`batch ${batch}\n`);
  await new Promise((r) => setImmediate(r));
}
