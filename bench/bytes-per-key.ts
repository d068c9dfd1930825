// "Bytes per key": what each mail client writes to the terminal for one key press, captured with
// `tmux pipe-pane` at 120x40 against the same 100k INBOX — tmail beside aerc and NeoMutt when
// they are installed (each gets a config against the bench Dovecot in a private HOME). Keys:
// list step `j` (x20); reader page `Space` (x5, in a long message); folder switch INBOX ->
// Archive (tmail: h j Enter; aerc: J; NeoMutt: c =Archive Enter).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DovecotServer } from '../test/helpers/dovecot.js';
import { generateMaildir } from '../test/helpers/maildir-generator.js';
import { startTmux, type TmuxSession } from '../test/helpers/tmux.js';
import { uiBenchCanRun } from './ui-prereqs.js';

const run = promisify(execFile);
const ROOT = new URL('../', import.meta.url).pathname;
const COLS = 120;
const ROWS = 40;
const STEPS = 20;
const PAGES = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BytesPerKey {
  client: string;
  listStep?: number;
  readerPage?: number;
  folderSwitch?: number;
  note?: string;
}

interface Client {
  name: string;
  command: string;
  env: NodeJS.ProcessEnv;
  top: string[]; // keys that put the cursor on the newest message
  open: string[]; // keys that open the message under the cursor
  back: string[]; // keys from the reader back to the list
  folder: string[]; // keys that switch to Archive
}

function installed(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A long newest message (so PgDn has pages to turn) and an Archive folder, written once. */
async function prepare(server: DovecotServer): Promise<void> {
  const maildir = server.maildir('alice');
  if (existsSync(path.join(maildir, '.Archive'))) return;
  await generateMaildir(maildir, { count: 40, folder: 'Archive', seed: 5 });
  const date = new Date(Date.UTC(2031, 0, 1));
  const body = Array.from(
    { length: 400 },
    (_, i) => `${i + 1}. A long line of a long message, so that every client has pages to turn: the quick brown fox.`,
  ).join('\r\n');
  const raw = Buffer.from(
    [
      'From: Bench <bench@example.org>',
      'To: alice@example.test',
      'Subject: Bench: a long message',
      `Date: ${date.toUTCString()}`,
      'Message-ID: <bench-long@example.org>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n'),
  );
  const file = path.join(maildir, 'new', `${Math.floor(date.getTime() / 1000)}.bench_long.tmailtest,S=${raw.length}`);
  await writeFile(file, raw, { mode: 0o600 });
  await utimes(file, date, date);
  await server.fixOwnership('alice');
}

async function clients(server: DovecotServer, home: string): Promise<Client[]> {
  const pw = server.users.find((u) => u.user === 'alice')!.password;
  const list: Client[] = [];
  const tmailConfig = path.join(home, 'tmail.json');
  await writeFile(
    tmailConfig,
    JSON.stringify({
      accounts: [
        {
          name: 'bench',
          protocol: 'imap',
          host: server.host,
          port: server.ports.imap,
          security: 'starttls',
          user: 'alice',
          passwordEnv: 'TMAIL_BENCH_PW',
          ca: server.caFile,
        },
      ],
    }),
    { mode: 0o600 },
  );
  list.push({
    name: 'tmail',
    command: `node bin/tmail.js --config ${tmailConfig}`,
    env: { TMAIL_BENCH_PW: pw, TMAIL_DATA_DIR: path.join(home, 'tmail-data') },
    top: ['g'],
    open: ['Enter'],
    back: ['h'],
    folder: ['h', 'j', 'Enter'],
  });
  if (installed('aerc')) {
    const dir = path.join(home, '.config', 'aerc');
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'accounts.conf'),
      [
        `[bench]`,
        `source = imap://alice:${pw}@${server.host}:${server.ports.imap}`,
        'outgoing = /bin/false',
        'default = INBOX',
        'from = Alice <alice@example.test>',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    await writeFile(
      path.join(dir, 'aerc.conf'),
      ['[general]', 'unsafe-accounts-conf = true', '[ui]', 'mouse-enabled = false', '[filters]', 'text/plain = cat', ''].join('\n'),
    );
    list.push({
      name: 'aerc',
      command: 'aerc',
      env: { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), SSL_CERT_FILE: server.caFile },
      top: ['g'],
      open: ['Enter'],
      back: ['q'],
      folder: ['J'],
    });
  }
  if (installed('neomutt')) {
    const rc = path.join(home, 'muttrc');
    await writeFile(
      rc,
      [
        `set folder="imap://alice@${server.host}:${server.ports.imap}/"`,
        'set spoolfile="+INBOX"',
        'set imap_user="alice"',
        `set imap_pass="${pw}"`,
        'set ssl_starttls=yes',
        'set ssl_force_tls=yes',
        `set ssl_ca_certificates_file="${server.caFile}"`,
        `set certificate_file="${path.join(home, 'certs')}"`,
        'set sort=reverse-date',
        'set mail_check_stats=no',
        'set help=yes',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    list.push({
      name: 'NeoMutt',
      command: `neomutt -n -F ${rc}`,
      env: { HOME: home },
      top: ['Home'],
      open: ['Enter'],
      back: ['i'],
      folder: ['c', '=Archive', 'Enter'],
    });
  }
  return list;
}

async function measureClient(c: Client, work: string, log: (line: string) => void): Promise<BytesPerKey> {
  const tmux: TmuxSession = await startTmux({ cols: COLS, rows: ROWS, cwd: ROOT, env: c.env });
  const pipe = path.join(work, `pipe-${c.name}`);
  const tm = (...args: string[]) => run('tmux', ['-L', tmux.socket, ...args]);
  const bytes = async (keys: () => Promise<void>): Promise<number> => {
    await writeFile(pipe, '');
    await tm('pipe-pane', '-t', 'e2e', '-o', `cat >> ${pipe}`);
    await sleep(300);
    await keys();
    await sleep(1500);
    await tm('pipe-pane', '-t', 'e2e');
    return (await stat(pipe)).size;
  };
  const press = async (keys: string[], gap: number) => {
    for (const k of keys) {
      if (k.length > 1 && !/^[A-Z][a-z]+$|^[CM]-/.test(k)) await tmux.type(k);
      else await tmux.keys(k);
      await sleep(gap);
    }
  };
  try {
    await tmux.type(`${c.command}; exit`);
    await tmux.keys('Enter');
    await tmux.waitFor((s) => s.some((l) => l.includes('Bench: a long message')), `${c.name}: the INBOX`, 240_000);
    await sleep(3000);
    const list = await bytes(() => press(Array(STEPS).fill('j'), 300));
    await press(c.top, 300);
    await sleep(1000);
    await press(c.open, 0);
    await tmux.waitFor((s) => s.some((l) => l.includes('1. A long line')), `${c.name}: the reader`, 60_000);
    await sleep(1500);
    const page = await bytes(() => press(Array(PAGES).fill('Space'), 400));
    await press(c.back, 300);
    await sleep(1500);
    const folder = await bytes(async () => {
      await press(c.folder, 300);
      await sleep(3000);
    });
    // Only a switch that shows the other folder counts (a prompt that went nowhere would be cheap).
    const switched = (await tmux.capture()).some((l) => l.includes('Archive'));
    return {
      client: c.name,
      listStep: Math.round(list / STEPS),
      readerPage: Math.round(page / PAGES),
      ...(switched ? { folderSwitch: folder } : { note: 'folder switch not confirmed on screen' }),
    };
  } catch (err) {
    const screen = await tmux.capture().catch(() => []);
    log(`  ${c.name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    if (process.env.BENCH_DEBUG) log(screen.join('\n'));
    return { client: c.name, note: 'could not be measured' };
  } finally {
    await tmux.kill();
  }
}

export async function bytesPerKeyBench(server: DovecotServer, log: (line: string) => void): Promise<BytesPerKey[] | null> {
  if (!uiBenchCanRun(log)) return null;
  await prepare(server);
  const home = await mkdtemp(path.join(os.tmpdir(), 'tmail-bench-bytes-'));
  try {
    const out: BytesPerKey[] = [];
    for (const c of await clients(server, home)) out.push(await measureClient(c, home, log));
    return out;
  } finally {
    await rm(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

export function printBytesPerKey(rows: BytesPerKey[] | null, log: (line: string) => void): void {
  if (!rows) return;
  const cell = (n?: number) => (n === undefined ? '—' : n.toLocaleString('en')).padStart(14);
  log(
    `  ${'client'.padEnd(9)}${'list step'.padStart(14)}${'reader page'.padStart(14)}${'folder switch'.padStart(14)}   (bytes written per key, tmux ${COLS}x${ROWS})`,
  );
  for (const r of rows) log(`  ${r.client.padEnd(9)}${cell(r.listStep)}${cell(r.readerPage)}${cell(r.folderSwitch)}${r.note ? `   ${r.note}` : ''}`);
  const tmail = rows.find((r) => r.client === 'tmail');
  const aerc = rows.find((r) => r.client === 'aerc');
  if (tmail?.listStep && aerc?.listStep) {
    log(
      `  tmail/aerc: list step ${(tmail.listStep / aerc.listStep).toFixed(2)} (goal <= 1.1), reader page ${(tmail.readerPage! / aerc.readerPage!).toFixed(2)} (goal <= 2)`,
    );
  }
}
