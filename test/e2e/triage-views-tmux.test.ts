// The triage views in a real terminal (tmux) against Dovecot: saved searches as virtual folders
// (IMAP: one server SEARCH; POP3: evaluated on the local copy), collapsing a thread, the `:`
// command line with Tab completion, and `|` from the list cursor giving the command the terminal
// (`| wc -l`, `| less`, then "Press any key"). Needs `npm run build`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dovecotTestOptions, startDovecot } from '../helpers/dovecot.js';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const has = (s: string[], text: string) => s.some((l) => l.includes(text));
const matches = (s: string[], re: RegExp) => s.some((l) => re.test(l));

interface Mail {
  file: string;
  seen: boolean;
  from: string;
  subject: string;
  date: string;
  id: string;
  refs?: string;
}

const MAILS: Mail[] = [
  { file: 'lonely', seen: false, from: 'Boss <boss@example.org>', subject: 'Lonely message', date: '01 Jan 2030 09:00', id: 'l1' },
  { file: 'root', seen: true, from: 'Ann <ann@example.org>', subject: 'Root topic', date: '01 Jan 2030 10:00', id: 'r1' },
  { file: 'reply1', seen: false, from: 'Bob <bob@example.org>', subject: 'Re: Root topic', date: '01 Jan 2030 10:05', id: 'r2', refs: '<r1@e2e>' },
  { file: 'reply2', seen: true, from: 'Ann <ann@example.org>', subject: 'Re: Root topic', date: '01 Jan 2030 10:10', id: 'r3', refs: '<r1@e2e> <r2@e2e>' },
  { file: 'numbers', seen: true, from: 'Boss <boss@example.org>', subject: 'Quarterly numbers', date: '01 Jan 2030 11:00', id: 'q1' },
];

/** From the top of the list, j until the selected row matches `re`. */
async function selectRow(tmux: TmuxSession, re: RegExp): Promise<void> {
  await tmux.keys('g');
  for (let i = 0; i < 6; i++) {
    if ((await tmux.capture()).some((l) => re.test(l))) return;
    await tmux.keys('j');
  }
  throw new Error(`no row matches ${re}`);
}

async function writeMails(maildir: string): Promise<void> {
  await mkdir(join(maildir, 'cur'), { recursive: true });
  await mkdir(join(maildir, 'new'), { recursive: true });
  let t = 1893488400;
  for (const m of MAILS) {
    const text = [
      `From: ${m.from}`,
      'To: Alice <alice@example.test>',
      `Subject: ${m.subject}`,
      `Date: Tue, ${m.date}:00 +0000`,
      `Message-ID: <${m.id}@e2e>`,
      ...(m.refs ? [`In-Reply-To: ${m.refs.split(' ').at(-1)}`, `References: ${m.refs}`] : []),
      '',
      `Body of ${m.subject}.`,
      'PIPED-LINE-MARKER',
      '',
    ].join('\r\n');
    t += 60;
    const name = `${t}.${m.file}_1.e2e`;
    await writeFile(m.seen ? join(maildir, 'cur', `${name}:2,S`) : join(maildir, 'new', name), text, { mode: 0o600 });
  }
}

test('tmux: saved searches, collapsed threads, the : command line and | with the terminal', {
  ...dovecotTestOptions(),
  ...tmuxTestOptions(),
  timeout: 300_000,
}, async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` before the e2e test');
  const server = await startDovecot();
  const work = await mkdtemp(join(tmpdir(), 'tmail-e2e-views-'));
  let tmux: TmuxSession | undefined;
  t.after(async () => {
    await tmux?.kill();
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });
  await writeMails(server.maildir('alice'));
  await writeMails(server.maildir('bob'));
  await server.fixOwnership('alice');
  await server.fixOwnership('bob');
  const common = { host: server.host, security: 'starttls', ca: server.caFile };
  const config = join(work, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      accounts: [
        {
          name: 'e2e',
          protocol: 'imap',
          port: server.ports.imap,
          user: 'alice',
          passwordEnv: 'TMAIL_E2E_PW',
          ...common,
          searches: [
            { name: 'Unread', query: 'is:unread' },
            { name: 'Boss', query: 'from:boss and since:2026-01-01', folder: 'INBOX' },
          ],
        },
        {
          name: 'pop',
          protocol: 'pop3',
          port: server.ports.pop3,
          user: 'bob',
          passwordEnv: 'TMAIL_E2E_PW2',
          leaveOnServer: true,
          ...common,
          searches: [{ name: 'Boss', query: 'from:boss' }],
        },
      ],
    }),
    { mode: 0o600 },
  );
  tmux = await startTmux({
    cols: 100,
    rows: 30,
    cwd: ROOT,
    env: { TMAIL_E2E_PW: 'alice-pw', TMAIL_E2E_PW2: 'bob-pw', TMAIL_DATA_DIR: join(work, 'data'), HOME: work, PAGER: 'less', LESS: '' },
  });
  await tmux.type(`node bin/tmail.js --config ${config}; echo "EXIT=$?"`);
  await tmux.keys('Enter');
  // The saved searches sit under their accounts, marked '?', with their counts.
  let s = await tmux.waitFor(
    (x) => has(x, '1/5') && matches(x, /\?Unread\s+2\s*│/) && matches(x, /\?Boss\s+2\s*│/) && x.filter((l) => /\?Boss\s+2\s*│/.test(l)).length === 2,
    'saved searches with their counts (IMAP and POP3)',
    90_000,
  );

  // 1. Enter on "Unread": the INBOX limited to the two unread messages.
  await tmux.keys('h', 'g', 'j', 'Enter');
  s = await tmux.waitFor((x) => has(x, 'INBOX /Unread') && has(x, '1/2'), 'the saved search open');
  assert.ok(has(s, 'Lonely message') && has(s, 'Re: Root topic') && !has(s, 'Quarterly numbers'), s.join('\n'));
  // N marks the real message read; $ refreshes and the count follows.
  await tmux.keys('N');
  await tmux.waitFor((x) => /Marked|read/.test(x.join('\n')), 'marked read');
  await tmux.keys('$');
  await tmux.waitFor((x) => matches(x, /\?Unread\s+1\s*│/), 'the count refreshed', 30_000);

  // 2. The POP3 account's saved search: evaluated on the local copy. (h leaves the search, then the list.)
  await tmux.keys('h');
  await tmux.waitFor((x) => has(x, '/5') && !has(x, '/Unread'), 'the whole INBOX again');
  await tmux.keys('h', 'G');
  for (let i = 0; i < 12; i++) {
    s = await tmux.capture();
    const at = s.findIndex((l) => /^[│║]>.*\?Boss/.test(l));
    if (at >= 0 && at > s.findIndex((l) => l.includes('pop [POP3'))) break;
    await tmux.keys('k');
  }
  await tmux.keys('Enter');
  s = await tmux.waitFor((x) => has(x, '/Boss') && has(x, '1/2') && has(x, 'Quarterly numbers'), 'the POP3 saved search', 30_000);
  assert.ok(!has(s, 'Root topic'), s.join('\n'));

  // 3. The command line: Tab completes, an unknown command says so, a folder opens by name.
  await tmux.keys(':');
  await tmux.type('fol');
  await tmux.keys('Tab');
  await tmux.waitFor((x) => has(x, ':folder '), 'command completed');
  await tmux.keys('C-u');
  await tmux.type('frobnicate');
  await tmux.keys('Enter');
  await tmux.waitFor((x) => has(x, 'Unknown command ":frobnicate"'), 'unknown command');
  await tmux.keys(':');
  await tmux.type('folder INBOX');
  await tmux.keys('Enter');
  await tmux.waitFor((x) => has(x, '1/5') && has(x, 'Quarterly numbers'), 'the POP3 INBOX by :folder');
  // The local copy threads too: z collapses there as well.
  await tmux.keys('v');
  await tmux.waitFor((x) => has(x, 'threads') && has(x, '└─Re: Root topic'), 'POP3 thread rows', 30_000);
  await selectRow(tmux, /║>.* Root topic/);
  await tmux.keys('z');
  await tmux.waitFor((x) => has(x, '[3] Root topic') && has(x, '/3'), 'the collapsed thread on POP3');
  await tmux.keys('v');
  await tmux.waitFor((x) => !has(x, 'threads') && has(x, '/5'), 'thread view off');
  // Back to the IMAP account's INBOX through the folder pane.
  await tmux.keys('h', 'g', 'j', 'j', 'j', 'Enter');
  await tmux.waitFor((x) => has(x, 'e2e') && has(x, '1/5') && !has(x, '/Boss'), 'IMAP INBOX');

  // 4. Thread view, z collapses the three-message thread into one row.
  await tmux.keys('v');
  s = await tmux.waitFor((x) => has(x, 'threads') && has(x, '└─Re: Root topic'), 'thread rows');
  await selectRow(tmux, /║>.* Root topic/);
  await tmux.keys('z');
  s = await tmux.waitFor((x) => has(x, '[3] Root topic') && has(x, '/3'), 'the collapsed thread');
  assert.ok(!has(s, '└─Re: Root topic'), s.join('\n'));
  await tmux.keys(':');
  await tmux.type('toggle-thread');
  await tmux.keys('Enter');
  await tmux.waitFor((x) => has(x, '└─Re: Root topic') && has(x, '/5'), 'expanded by :toggle-thread');

  // 5. | from the list cursor (no message open) gives the command the terminal.
  await tmux.keys('|');
  await tmux.waitFor((x) => has(x, 'Pipe message to:'), 'pipe prompt');
  await tmux.type('grep -c PIPED-LINE-MARKER; wc -l');
  await tmux.keys('Enter');
  s = await tmux.waitFor((x) => has(x, 'Press any key to return to tmail'), 'the command output on the terminal', 30_000);
  assert.ok(
    s.some((l) => /^1$/.test(l.trim())),
    s.join('\n'),
  );
  await tmux.keys('x');
  await tmux.waitFor((x) => has(x, 'finished') && has(x, 'threads'), 'back in tmail');
  await tmux.keys('|');
  await tmux.type('less');
  await tmux.keys('Enter');
  s = await tmux.waitFor((x) => has(x, 'PIPED-LINE-MARKER') && has(x, 'Message-ID:'), 'less pages the message', 30_000);
  await tmux.keys('q');
  await tmux.waitFor((x) => has(x, 'Press any key to return to tmail'), 'less ended');
  await tmux.keys('Space');
  await tmux.waitFor((x) => has(x, '`less` finished') && has(x, 'threads'), 'back in tmail after less');

  await tmux.keys('q');
  await tmux.waitFor((x) => has(x, 'EXIT=0'), 'quit');
});
