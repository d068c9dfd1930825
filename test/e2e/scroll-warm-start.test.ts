// The real `tmail` in tmux at 80x24: scroll a 3,000-message INBOX end to end with PgDn (every key
// answered: the position after each burst is exact), quit, then start again with the server
// unreachable — the INBOX's first screen comes from the header cache on disk. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dovecotTestOptions, startDovecot } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import net from 'node:net';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const COUNT = 3_000;

function position(screen: string[]): { at: number; total: number } | undefined {
  for (const line of screen) {
    const m = /INBOX │ (\d+)\/(\d+)/.exec(line);
    if (m) return { at: Number(m[1]), total: Number(m[2]) };
  }
  return undefined;
}

/** A byte pipe to the server (STARTTLS passes through) that can be switched off. */
async function startPipe(port: number): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const listener = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  return {
    port: (listener.address() as net.AddressInfo).port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

/** The message rows of the list pane (from its left border; the folder pane beside it left out), trimmed. */
const LIST_ROW = /[│║][> ][^│║]*\d{4}-\d{2}-\d{2} .*$/;
const listRows = (screen: string[]) =>
  screen
    .map((l) => LIST_ROW.exec(l)?.[0])
    .filter((l): l is string => !!l)
    .map((l) => l.trim());

test('scroll end to end at 80x24, then a warm start from the cache with the server unreachable', {
  ...dovecotTestOptions(),
  ...tmuxTestOptions(),
  timeout: 240_000,
}, async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` before the e2e test');
  const server = await startDovecot({ baseDir: existsSync('/dev/shm') ? '/dev/shm' : undefined });
  const work = await mkdtemp(join(tmpdir(), 'tmail-e2e-warm-'));
  const proxy = await startPipe(server.ports.imap);
  let tmux: TmuxSession | undefined;
  t.after(async () => {
    await tmux?.kill();
    await proxy.stop().catch(() => undefined);
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });
  await generateMaildir(server.maildir('alice'), { count: COUNT, seed: 5 });
  await server.fixOwnership('alice');
  const config = join(work, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      accounts: [
        {
          name: 'warm',
          protocol: 'imap',
          host: server.host,
          port: proxy.port,
          security: 'starttls',
          user: 'alice',
          passwordEnv: 'TMAIL_E2E_PW',
          ca: server.caFile,
        },
      ],
    }),
    { mode: 0o600 },
  );
  const dataDir = join(work, 'data');
  tmux = await startTmux({ cols: 80, rows: 24, cwd: ROOT, env: { TMAIL_E2E_PW: 'alice-pw', TMAIL_DATA_DIR: dataDir } });
  await tmux.type(`node bin/tmail.js --config ${config}; echo "EXIT=$?"`);
  await tmux.keys('Enter');

  let s = await tmux.waitFor((x) => position(x)?.at === 1 && position(x)?.total === COUNT && !x.some((l) => /[│║]\s+…\s+/.test(l)), 'the first window', 60_000);
  const firstScreen = listRows(s);
  assert.ok(firstScreen.length >= 10, `list rows on the first screen:\n${s.join('\n')}`);

  await tmux.keys('NPage');
  s = await tmux.waitFor((x) => (position(x)?.at ?? 1) > 1, 'one page down');
  const page = position(s)!.at - 1;
  let expected = 1 + page;
  while (expected < COUNT) {
    const burst = Math.min(50, Math.ceil((COUNT - expected) / page));
    await tmux.keys(...Array.from({ length: burst }, () => 'NPage'));
    expected = Math.min(COUNT, expected + burst * page);
    const want = expected;
    await tmux.waitFor((x) => position(x)?.at === want, `position ${want} (no PgDn dropped)`, 30_000);
  }
  await tmux.waitFor((x) => !x.some((l) => /[│║]\s+…\s+/.test(l)), 'the last page loaded', 30_000);
  await tmux.keys('g');
  await tmux.waitFor((x) => position(x)?.at === 1, 'back at the top');
  // Let the background cache fill (the folder's UID list) finish, then quit.
  const cacheFile = join(dataDir, 'accounts', 'warm', 'summaries.sqlite');
  await tmux.waitFor(() => existsSync(cacheFile), 'the summary store file');
  await new Promise((r) => setTimeout(r, 2_500));
  await tmux.keys('q');
  await tmux.waitFor((x) => x.some((l) => l.includes('EXIT=0')), 'tmail exited', 15_000);
  assert.equal((await stat(cacheFile)).mode & 0o777, 0o600);

  // Second start with the server unreachable: the cached first screen, the login failing beside it.
  await proxy.stop();
  await tmux.type('clear');
  await tmux.keys('Enter');
  await tmux.type(`node bin/tmail.js --config ${config}; echo "EXIT=$?"`);
  await tmux.keys('Enter');
  s = await tmux.waitFor((x) => position(x)?.total === COUNT && listRows(x).length >= 10, 'the cached first screen', 30_000);
  assert.deepEqual(listRows(s).slice(0, 10), firstScreen.slice(0, 10), 'the same rows as when the server answered');
  // The login fails (nothing listens); the cached list stays on screen beside the message.
  s = await tmux.waitFor((x) => x.some((l) => /│ offline │/.test(l)) && listRows(x).length >= 10, 'offline, with the cached list still shown', 30_000);
  assert.deepEqual(listRows(s).slice(0, 10), firstScreen.slice(0, 10));
  await tmux.keys('q');
  await tmux.waitFor((x) => x.some((l) => l.includes('EXIT=')), 'tmail exited', 15_000);
});
