// Triage in a real terminal (tmux) against Dovecot: tag two messages with x (the `*` mark and
// "2 tagged" show), `;d` asks once for both, deletes them to Trash, and `u` brings them back.
// Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dovecotTestOptions, startDovecot } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';
import { aliceImapAccount } from '../helpers/e2e-account.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const has = (s: string[], text: string) => s.some((l) => l.includes(text));

test('tmux: x tags, ;d deletes the tagged pair to Trash, u undoes it', { ...dovecotTestOptions(), ...tmuxTestOptions(), timeout: 180_000 }, async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` before the e2e test');
  const server = await startDovecot();
  const work = await mkdtemp(join(tmpdir(), 'tmail-e2e-triage-'));
  let tmux: TmuxSession | undefined;
  t.after(async () => {
    await tmux?.kill();
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });
  const maildir = server.maildir('alice');
  await generateMaildir(maildir, { count: 20, into: 'cur', seed: 5 });
  await generateMaildir(maildir, { count: 1, folder: 'Trash', seed: 6 });
  await server.fixOwnership('alice');
  const config = join(work, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      accounts: [aliceImapAccount(server)],
    }),
    { mode: 0o600 },
  );

  tmux = await startTmux({ cols: 100, rows: 30, cwd: ROOT, env: { TMAIL_E2E_PW: 'alice-pw', TMAIL_DATA_DIR: join(work, 'data') } });
  await tmux.type(`node bin/tmail.js --config ${config}; echo "EXIT=$?"`);
  await tmux.keys('Enter');
  await tmux.waitFor((x) => has(x, '1/20') && has(x, 'Trash'), 'INBOX and the folder list', 60_000);

  await tmux.keys('x', 'x');
  let s = await tmux.waitFor((x) => has(x, '2 tagged'), 'the tag count');
  assert.equal(s.filter((l) => /[│║][> ].{3}\*/.test(l)).length, 2, `two rows carry the tag mark:\n${s.join('\n')}`);
  // A lone `;` separates tmux commands: escaped, it is sent as the key.
  await tmux.keys('\\;', 'd');
  await tmux.waitFor((x) => has(x, 'Delete 2 tagged messages? (y/n)'), 'one question for both');
  await tmux.keys('y');
  s = await tmux.waitFor((x) => has(x, '2 messages deleted (moved to Trash)') && has(x, '/18'), 'the delete', 30_000);
  assert.ok(!has(s, 'tagged │'), 'the deleted messages are no longer tagged');
  await tmux.keys('u');
  await tmux.waitFor((x) => has(x, 'Undone: Moved 2 messages back to INBOX') && has(x, '/20'), 'the undo', 30_000);
  await tmux.keys('q');
  await tmux.waitFor((x) => has(x, 'EXIT=0'), 'clean exit');
});
