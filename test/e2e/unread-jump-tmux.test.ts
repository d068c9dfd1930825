// `n` in a real terminal (tmux) against Dovecot: a 5,000-message INBOX where every message is read
// but one 4,000 rows down, far beyond the fetched windows. One `n` puts the cursor on it (the
// status says 4001/5000 and the row shows its subject), and the next `n` goes on to the next
// folder with unread mail, at its unread message. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { dovecotTestOptions, startDovecot } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';
import { aliceImapAccount } from '../helpers/e2e-account.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const has = (s: string[], text: string) => s.some((l) => l.includes(text));
const TOTAL = 5000;
/** Position 4,000 (row 4001) is sequence number TOTAL - 4000. */
const FAR_SEQ = TOTAL - 4000;

test('tmux: n finds the one unread message 4,000 rows down, then the next folder', {
  ...dovecotTestOptions(),
  ...tmuxTestOptions(),
  timeout: 300_000,
}, async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` before the e2e test');
  const server = await startDovecot();
  const work = await mkdtemp(join(tmpdir(), 'tmail-e2e-unread-'));
  let tmux: TmuxSession | undefined;
  t.after(async () => {
    await tmux?.kill();
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });
  const maildir = server.maildir('alice');
  await generateMaildir(maildir, { count: TOTAL, into: 'cur', seed: 21 });
  await generateMaildir(maildir, { count: 30, folder: 'Work', into: 'cur', seed: 22 });
  await server.fixOwnership('alice');
  const device = new ImapFlow({
    host: server.host,
    port: server.ports.imap,
    secure: false,
    doSTARTTLS: true,
    auth: { user: 'alice', pass: 'alice-pw' },
    tls: { ca: await readFile(server.caFile) },
    logger: false,
  });
  await device.connect();
  let farSubject = '';
  for (const [folder, unread] of [
    ['INBOX', FAR_SEQ],
    ['Work', 3],
  ] as const) {
    const lock = await device.getMailboxLock(folder);
    try {
      await device.messageFlagsAdd('1:*', ['\\Seen']);
      await device.messageFlagsRemove(String(unread), ['\\Seen']);
      const far = folder === 'INBOX' ? await device.fetchOne(String(unread), { envelope: true }) : false;
      if (far) farSubject = far.envelope?.subject ?? '';
    } finally {
      lock.release();
    }
  }
  await device.logout();
  assert.ok(farSubject, 'the far message has a subject');
  const config = join(work, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      accounts: [aliceImapAccount(server)],
    }),
    { mode: 0o600 },
  );

  tmux = await startTmux({ cols: 120, rows: 30, cwd: ROOT, env: { TMAIL_E2E_PW: 'alice-pw', TMAIL_DATA_DIR: join(work, 'data') } });
  await tmux.type(`node bin/tmail.js --config ${config}; echo "EXIT=$?"`);
  await tmux.keys('Enter');
  await tmux.waitFor((x) => has(x, `1/${TOTAL}`) && has(x, 'Work'), 'INBOX and the folder list', 60_000);
  await tmux.keys('n');
  // The subject may be cut at the list's width: its first 20 characters are enough to tell.
  // The only unread row of the INBOX (N in the flag column) shows once its window is fetched.
  const unreadRows = (x: string[]) => x.filter((l) => /║[> ]N/.test(l));
  const s = await tmux.waitFor(
    (x) => has(x, `4001/${TOTAL}`) && unreadRows(x).some((l) => l.includes(farSubject.slice(0, 20))),
    'the cursor on the far unread message',
    60_000,
  );
  assert.equal(unreadRows(s).length, 1, `one unread row, the far message:\n${s.join('\n')}`);
  await tmux.keys('n');
  await tmux.waitFor((x) => has(x, 'No more unread here: opened Work') && has(x, '/30'), 'on to Work', 60_000);
  await tmux.keys('q');
  await tmux.waitFor((x) => has(x, 'EXIT=0'), 'clean exit');
});
