// Child process of the POP3 bench section: writes N generated messages into a Maildir
// (`node --import tsx bench/pop3-fill.ts DIR COUNT SEED`). Generating in the bench process would
// leave the generator's garbage and type feedback behind (collected and recompiled during tmail's
// timed sync), a cost mpop, started fresh, never pays.
import { generateMaildir } from '../test/helpers/maildir-generator.js';

const [dir, count, seed] = process.argv.slice(2);
if (!dir || !count || !seed) throw new Error('usage: pop3-fill.ts DIR COUNT SEED');
await generateMaildir(dir, { count: Number(count), seed: Number(seed) });
