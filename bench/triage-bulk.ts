// Triage at scale: in the 100,000-message INBOX, tag about 10,000 messages by a query (`X`) and
// mark them read (`;N`) through the real UI controller and ImapAccount, with a TCP proxy counting
// the IMAP commands each action sends. Meanwhile a timer presses `j`/`k` every 25 ms: the delay
// before it runs (event-loop lag) is how long a key would wait, and the list must move each time.
// Wall time is pessimistic on a loaded machine; the CPU time of this process is printed beside it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapAccount } from '../src/accounts/imap/imap-account.js';
import { buildKeyTable } from '../src/ui/keys/bindings.js';
import { UiController } from '../src/ui/state/controller.js';
import { taggedCount } from '../src/ui/state/tags.js';
import type { DovecotServer } from '../test/helpers/dovecot.js';
import { messageDate } from '../test/helpers/message-builder.js';
import { startTcpProxy } from '../test/helpers/tcp-proxy.js';
import { noLoader } from '../test/helpers/ui-controller.js';
import { BENCH_MESSAGES } from './mail-server.js';
import { ms, summarize } from './stats.js';

const KEY_EVERY_MS = 25;

/** IMAP command names in the client's text (tagged lines), e.g. { 'UID SEARCH': 1, NOOP: 1 }. */
function commands(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^[A-Za-z0-9.]+ ((?:UID )?[A-Z]+)\b/gm)) out[m[1]!] = (out[m[1]!] ?? 0) + 1;
  return out;
}

const listOf = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ') || 'none';

async function until(pred: () => boolean, what: string, timeoutMs = 600_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface ActionFigures {
  wallMs: number;
  cpuMs: number;
  commands: Record<string, number>;
  lags: number[];
  keysMoved: number;
  keysSent: number;
}

/**
 * Every status note the controller shows (a key press clears the note at once, so polling the
 * state could miss it).
 */
function watchNotes(c: UiController): string[] {
  const notes: string[] = [];
  let last: string | undefined;
  const look = () => {
    const now = c.state.info ?? c.state.error;
    if (now && now !== last) notes.push(now);
    last = now;
  };
  const timer = setInterval(look, 1);
  timer.unref();
  const original = c.handleKey.bind(c);
  c.handleKey = (input) => {
    look();
    original(input);
    look();
  };
  return notes;
}

/** Runs `start` and waits for `done`, pressing j/k meanwhile and timing how late each press ran. */
async function measure(c: UiController, sent: () => string, start: () => void, done: () => boolean, what: string): Promise<ActionFigures> {
  const from = sent().length;
  const lags: number[] = [];
  let keysSent = 0;
  let keysMoved = 0;
  let expected = performance.now() + KEY_EVERY_MS;
  let down = true;
  const press = () => {
    lags.push(Math.max(0, performance.now() - expected));
    const before = c.state.listCursor;
    c.handleKey({ spec: down ? 'j' : 'k', text: down ? 'j' : 'k' });
    keysSent++;
    if (c.state.listCursor !== before) keysMoved++;
    down = !down;
    expected = performance.now() + KEY_EVERY_MS;
    timer = setTimeout(press, KEY_EVERY_MS);
  };
  let timer = setTimeout(press, KEY_EVERY_MS);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  start();
  try {
    await until(done, what);
  } finally {
    clearTimeout(timer);
  }
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, commands: commands(sent().slice(from)), lags, keysMoved, keysSent };
}

function print(name: string, f: ActionFigures, log: (line: string) => void): void {
  const lag = summarize(f.lags.length ? f.lags : [0]);
  const sorted = [...f.lags].sort((a, b) => a - b);
  const p95 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]! : 0;
  log(`  ${name}: ${ms(f.wallMs)} wall, ${ms(f.cpuMs)} CPU; IMAP commands: ${listOf(f.commands)}`);
  log(
    `    keys meanwhile: ${f.keysMoved}/${f.keysSent} moved the list; wait before a key ran: median ${ms(lag.median)}, p95 ${ms(p95)}, max ${ms(sorted.at(-1) ?? 0)}`,
  );
}

export async function runTriageBulkSection(server: DovecotServer, log: (line: string) => void): Promise<void> {
  const proxy = await startTcpProxy(server.ports.imap);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tmail-bench-triage-'));
  const password = server.users.find((u) => u.user === 'alice')!.password;
  const account = new ImapAccount(
    { name: 'bench', protocol: 'imap', host: server.host, port: proxy.port, security: 'none', allowInsecureAuth: true, user: 'alice' },
    { getPassword: async () => password, dataDir: path.join(dir, 'data') },
  );
  const c = new UiController({
    accounts: [{ name: 'bench', protocol: 'imap', create: async () => account }],
    keys: buildKeyTable(),
    loader: noLoader,
    cols: 100,
    rows: 30,
    onQuit: () => undefined,
    pollMs: 0,
  });
  const notes = watchNotes(c);
  const noted = (re: RegExp) => notes.some((n) => re.test(n));
  try {
    c.start();
    await until(() => c.state.current?.opened === true && !!c.rowAt(0), 'the INBOX');
    // The newest ~10% by Date header: one contiguous block of UIDs (the generator's dates ascend).
    const day = messageDate(Math.floor(BENCH_MESSAGES * 0.9), 1);
    const since = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1)).toISOString().slice(0, 10);
    const query = `since:${since}`;
    const unreadBefore = c.state.current!.unread;
    const tag = await measure(
      c,
      () => proxy.clientText(),
      () => {
        c.handleKey({ spec: 'X', text: 'X' });
        for (const ch of query) c.handleKey({ spec: ch, text: ch });
        c.handleKey({ spec: 'enter', text: '' });
      },
      () => taggedCount(c.state) > 0 || !!c.state.error,
      'the tags',
    );
    if (c.state.error) throw new Error(c.state.error);
    const tagged = taggedCount(c.state);
    log(`  query "${query}" tagged ${tagged.toLocaleString('en')} of ${c.state.current!.total.toLocaleString('en')} messages`);
    print('X (tag by query)', tag, log);
    const read = await measure(
      c,
      () => proxy.clientText(),
      () => {
        c.handleKey({ spec: ';', text: ';' });
        c.handleKey({ spec: 'N', text: 'N' });
      },
      () => noted(/^Marked .* (read|unread)/) || !!c.state.error,
      'the flags',
    );
    if (c.state.error) throw new Error(c.state.error);
    print(';N (mark the tagged read)', read, log);
    log(`  ${notes.find((n) => /^Marked/.test(n))}; unread ${unreadBefore.toLocaleString('en')} -> ${c.state.current!.unread.toLocaleString('en')}`);
    const stores = read.commands['UID STORE'] ?? 0;
    log(`  round trips for the flag change: ${stores} UID STORE (goal 1)${stores === 1 ? '' : '  ** above goal **'}`);
    // Leave the INBOX as it was for the sections after this one.
    const undo = await measure(
      c,
      () => proxy.clientText(),
      () => c.handleKey({ spec: 'u', text: 'u' }),
      () => noted(/^Undone:/) || !!c.state.error,
      'the undo',
    );
    print('u (undo: the same messages unread again)', undo, log);
  } finally {
    await c.stop();
    await account.close().catch(() => undefined);
    await proxy.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
