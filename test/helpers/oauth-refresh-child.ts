// One tmail "process" asking for an access token from the stored tokens, for the cross-process
// refresh test: argv[2] is a JSON { account, auth, dataDir, clockShiftMs }. It prints "ready",
// waits for a line on stdin (so the parent can start several at the same moment), then prints
// "token <access token>" or "error <message>".
import { createInterface } from 'node:readline';
import { createStoredTokenSource } from '../../src/auth/oauth2/token-source.js';

const { account, auth, dataDir, clockShiftMs } = JSON.parse(process.argv[2]!);
const source = createStoredTokenSource({ account, auth, dataDir, now: () => Date.now() + (clockShiftMs ?? 0) });
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();
try {
  process.stdout.write(`token ${await source.getAccessToken()}\n`);
} catch (err) {
  process.stdout.write(`error ${err instanceof Error ? err.message : String(err)}\n`);
}
