// `npm run mailserver`'s own two-account config (alice over IMAP, bob over POP3) in the real tmail:
// after a first run fills alice's header cache, another device changes her INBOX while tmail is
// closed (new mail, an expunge, messages marked read). On the warm start the INBOX must be opened on the
// server at once — whichever account finishes first — so the new mail shows, and the folder pane
// and the status bar give the server's unread count, the same in both. alice's connection goes
// through a pipe that holds the server's greeting until bob (POP3) has finished, the order in
// which the shared warm-start marker used to be lost. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { dovecotTestOptions } from '../helpers/dovecot.js';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const COUNT = 3_000;
const run = promisify(execFile);

interface MailServer {
  dir: string;
  env: string;
  imaps: number;
  ca: string;
}

/** Starts `npm run mailserver -- --keep` and reads what it printed. */
async function startMailserver(): Promise<MailServer> {
  const args = ['--import', 'tsx', 'test/helpers/mailserver-cli.ts', '--count', String(COUNT), '--keep'];
  if (existsSync('/dev/shm')) args.push('--base-dir', '/dev/shm');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`mailserver failed (${code}):\n${out}`);
  const dir = /npm run mailserver -- --stop (\S+)/.exec(out)?.[1];
  const env = /^\s*(TMAIL_CONFIG_DIR=\S+ TMAIL_DATA_DIR=\S+) node/m.exec(out)?.[1];
  const imaps = Number(/IMAPS (\d+)/.exec(out)?.[1]);
  const ca = /CA cert\s+(\S+)/.exec(out)?.[1];
  if (!dir || !env || !imaps || !ca) throw new Error(`could not read the mailserver's banner:\n${out}`);
  return { dir, env, imaps, ca };
}

/**
 * A byte pipe to the server whose answers after the greeting wait while it is held: the client's
 * login waits with them (the greeting itself passes, so no greeting timeout fires).
 */
async function startGatedPipe(port: number): Promise<{ port: number; hold(): void; release(): void; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let held = false;
  const waiting: Array<() => void> = [];
  const listener = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const sock of [client, upstream]) {
      sockets.add(sock);
      sock.on('error', () => undefined);
      sock.on('close', () => sockets.delete(sock));
    }
    client.pipe(upstream);
    let greeted = false;
    upstream.on('data', (chunk: Buffer) => {
      if (held && greeted) waiting.push(() => client.write(chunk));
      else client.write(chunk);
      greeted = true;
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  return {
    port: (listener.address() as net.AddressInfo).port,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      for (const send of waiting.splice(0)) send();
    },
    stop: async () => {
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

const position = (screen: string[]) => {
  for (const line of screen) {
    const m = /INBOX │ (\d+)\/(\d+)/.exec(line);
    if (m) return { at: Number(m[1]), total: Number(m[2]) };
  }
  return undefined;
};
/** alice's INBOX row in the folder pane: its unread count. */
const paneUnread = (screen: string[]) => {
  for (const line of screen) {
    const m = /^│[> ][* ]INBOX\s+(\d+)│/.exec(line);
    if (m) return Number(m[1]);
  }
  return undefined;
};
const statusUnread = (screen: string[]) => {
  const m = /INBOX │ \d+\/\d+ │ (\d+) unread/.exec(screen.join('\n'));
  return m ? Number(m[1]) : undefined;
};
const placeholders = (screen: string[]) => screen.some((l) => /[│║]\s+…\s+/.test(l));

test('warm start with two accounts: the INBOX is opened and reconciled at once, pane and status agree', {
  ...dovecotTestOptions(),
  ...tmuxTestOptions(),
  timeout: 240_000,
}, async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` before the e2e test');
  const server = await startMailserver();
  let tmux: TmuxSession | undefined;
  const configFile = join(/TMAIL_CONFIG_DIR=(\S+)/.exec(server.env)![1]!, 'config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as { accounts: Array<{ name: string; port: number }> };
  assert.deepEqual(
    config.accounts.map((a) => a.name),
    ['alice (IMAP)', 'bob (POP3)'],
  );
  const pipe = await startGatedPipe(config.accounts[0]!.port);
  config.accounts[0]!.port = pipe.port;
  await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
  t.after(async () => {
    await tmux?.kill();
    await pipe.stop();
    await run(process.execPath, ['--import', 'tsx', 'test/helpers/mailserver-cli.ts', '--stop', server.dir], { cwd: ROOT }).catch(() => undefined);
  });
  tmux = await startTmux({ cols: 120, rows: 40, cwd: ROOT });
  const start = async () => {
    await tmux!.type(`clear; ${server.env} node bin/tmail.js; echo "EXIT=$?"`);
    await tmux!.keys('Enter');
  };
  const quit = async () => {
    await tmux!.keys('q');
    await tmux!.waitFor((x) => x.some((l) => l.includes('EXIT=0')), 'tmail exited', 15_000);
  };

  // First run: cold. Let the header cache fill in the background, then quit.
  await start();
  await tmux.waitFor((x) => position(x)?.total === COUNT && !placeholders(x) && paneUnread(x) !== undefined, 'the first window', 90_000);
  await new Promise((r) => setTimeout(r, 3_000));
  await quit();

  // Another device, while tmail is closed: the five newest unread messages marked read, one new
  // message and the oldest one expunged — the same count as before, so only opening the folder on
  // the server can tell.
  const device = new ImapFlow({
    host: '127.0.0.1',
    port: server.imaps,
    secure: true,
    auth: { user: 'alice', pass: 'alice-pw' },
    logger: false,
    tls: { ca: await readFile(server.ca, 'utf8') },
  });
  device.on('error', () => undefined);
  await device.connect();
  let unreadOnServer: number;
  try {
    const lock = await device.getMailboxLock('INBOX');
    try {
      const unseen = ((await device.search({ seen: false }, { uid: true })) || []).sort((a, b) => b - a);
      assert.ok(unseen.length > 10, 'the mailserver leaves unread mail in the INBOX');
      await device.messageFlagsAdd(unseen.slice(0, 5).join(','), ['\\Seen'], { uid: true });
      await device.messageDelete('1', { uid: true });
    } finally {
      lock.release();
    }
    await device.append(
      'INBOX',
      `From: Away <away@example.org>\r\nTo: alice@example.test\r\nSubject: Arrived while away\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <away-${Date.now()}@example.org>\r\n\r\nhello\r\n`,
    );
    const status = await device.status('INBOX', { unseen: true, messages: true });
    assert.ok(status && status.unseen !== undefined, 'STATUS UNSEEN answered');
    assert.equal(status.messages, COUNT);
    unreadOnServer = status.unseen;
  } finally {
    await device.logout().catch(() => undefined);
  }

  // Warm start, alice's login held until bob is done: the cached screen first, then the new mail on
  // top and the server's counts in both places — long before the 60 s poll.
  pipe.hold();
  await start();
  // Before alice's login nothing of hers is listed: an INBOX row in the folder pane is bob's.
  await tmux.waitFor((x) => paneUnread(x) !== undefined, 'bob (POP3) listed its folders first', 90_000);
  const cachedScreen = await tmux.waitFor((x) => position(x)?.total === COUNT, 'the cached INBOX while alice logs in', 30_000);
  assert.ok(!cachedScreen.some((l) => l.includes('Arrived while away')), 'the cached screen is from before');
  pipe.release();
  const s = await tmux.waitFor(
    (x) =>
      position(x)?.total === COUNT && x.some((l) => l.includes('Arrived while away')) && paneUnread(x) === unreadOnServer && statusUnread(x) === unreadOnServer,
    `the INBOX reconciled with the server (new mail on top, ${unreadOnServer} unread in the folder pane and the status bar)`,
    30_000,
  );
  const rows = s.filter((l) => /║[> ]/.test(l) && /server ║$/.test(l));
  assert.ok(rows[0]?.includes('Arrived while away'), `the newest row is the new mail:\n${s.join('\n')}`);
  // The five marked read elsewhere are the next rows: no longer shown unread.
  for (const row of rows.slice(1, 6)) assert.match(row, /║[> ][^N]/, `marked read on the server:\n${s.join('\n')}`);
  await quit();
});
