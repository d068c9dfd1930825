import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeAccount } from './ui-fake-account.js';
import { KEY, mountUi } from './ui-harness.js';
import { ACTIONS, DEFAULT_BINDINGS } from '../../src/ui/keys/bindings.js';

const firstLoaded = (t: string) => t.includes('Message number 100000');

test('three panes at 160x30: accounts with folders, newest-first list, reader, status bar', async () => {
  const ui = await mountUi([new FakeAccount({ name: 'work' })], { cols: 160, rows: 30 });
  try {
    const f = await ui.waitFor(firstLoaded, 'first window');
    assert.match(f, /work \[IMAP\]/);
    assert.match(f, /INBOX\s+33333/, 'INBOX with its unread count');
    assert.match(f, /Archive/);
    assert.match(f, /No message open/);
    const lines = f.split('\n');
    const first = lines.findIndex((l) => l.includes('Message number 100000'));
    const second = lines.findIndex((l) => l.includes('Message number 99999'));
    assert.ok(first >= 0 && second === first + 1, 'newest first');
    assert.match(lines[second]!, /N .*Sender/, 'unread message marked N');
    assert.match(f, /work │ IMAP · state on server.* │ INBOX │ 1\/100000/);
  } finally {
    await ui.done();
  }
});

test('navigation keys: j/k, arrows, G/g, Ctrl-d/Ctrl-u, PgDn/PgUp', async () => {
  const ui = await mountUi([new FakeAccount()]);
  try {
    await ui.waitFor(firstLoaded, 'first window');
    await ui.press('j', 'j', KEY.down);
    await ui.waitFor((t) => t.includes('4/100000'), 'cursor at 4');
    await ui.press('k', KEY.up);
    await ui.waitFor((t) => t.includes('2/100000'), 'cursor at 2');
    await ui.press('G');
    await ui.waitFor((t) => t.includes('100000/100000') && /Message number 1\s+server\s*[║│]/.test(t), 'bottom row loaded');
    await ui.press('g');
    await ui.waitFor((t) => t.includes(' 1/100000'), 'back at top');
    const page = ui.controller.pageSize();
    await ui.press(KEY.ctrlD);
    await ui.waitFor((t) => t.includes(` ${1 + Math.floor(page / 2)}/100000`), 'half page down');
    await ui.press(KEY.ctrlU);
    await ui.waitFor((t) => t.includes(' 1/100000'), 'half page up');
    await ui.press(KEY.pageDown);
    await ui.waitFor((t) => t.includes(` ${1 + page}/100000`), 'page down');
    await ui.press(KEY.pageUp);
    await ui.waitFor((t) => t.includes(' 1/100000'), 'page up');
  } finally {
    await ui.done();
  }
});

test('virtualized list: a 100k folder renders one screen of rows and fetches only nearby windows', async () => {
  const acc = new FakeAccount();
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor(firstLoaded, 'first window');
    await ui.press('G');
    await ui.waitFor((t) => /Message number 1\s+server\s*[║│]/.test(t), 'last message');
    const rows = ui
      .frame()
      .split('\n')
      .filter((l) => /Message number \d+/.test(l));
    assert.ok(rows.length <= ui.controller.pageSize(), `rendered ${rows.length} rows`);
    assert.ok(rows.length >= 5);
    const fetched = acc.windowCalls.reduce((n, c) => n + c.count, 0);
    assert.ok(fetched <= 300, `fetched ${fetched} summaries for two screens`);
    assert.ok(acc.windowCalls.every((c) => c.count <= 50));
  } finally {
    await ui.done();
  }
});

test('help overlay lists every action of the key table and closes on a key', async () => {
  // Tall enough for the whole table (dialog and compose keys included) on one screen.
  const ui = await mountUi([new FakeAccount()], { rows: 110, cols: 180 });
  try {
    await ui.waitFor(firstLoaded, 'first window');
    await ui.press('?');
    const f = await ui.waitFor((t) => t.includes('Keys (any other key closes'), 'help');
    for (const a of ACTIONS) assert.ok(f.includes(DEFAULT_BINDINGS[a].description), `help shows ${a}`);
    assert.match(f, /Ctrl-d/);
    assert.match(f, /── Tags: act on many messages/, 'grouped by topic under headers');
    await ui.press('x');
    await ui.waitFor((t) => firstLoaded(t) && !t.includes('Keys (any other'), 'help closed');
  } finally {
    await ui.done();
  }
});

test('80x24: the help pages with space, PgUp and G, says where it is, and every key is on some page', async () => {
  const ui = await mountUi([new FakeAccount()], { cols: 80, rows: 24 });
  try {
    await ui.waitFor((t) => t.includes('Sender 90'), 'first window');
    await ui.press('?');
    let f = await ui.waitFor((t) => / 1-18\/\d+/.test(t), 'the first page and its position');
    const total = Number(/ 1-18\/(\d+)/.exec(f)![1]);
    const seen = new Set<string>();
    const collect = (t: string) => {
      for (const l of t.split('\n')) {
        assert.ok(l.length <= 80, `fits 80 columns: ${l}`);
        seen.add(l);
      }
    };
    collect(f);
    for (let first = 19; first <= total; first += 18) {
      await ui.press(' ');
      const last = Math.min(total, first + 17);
      const start = Math.max(1, last - 17);
      f = await ui.waitFor((t) => t.includes(` ${start}-${last}/${total}`), `page ${start}-${last}`);
      collect(f);
    }
    const text = [...seen].join('\n');
    for (const a of ACTIONS) assert.ok(text.includes(DEFAULT_BINDINGS[a].description.slice(0, 40)), `some page shows ${a}`);
    await ui.press(KEY.pageUp);
    await ui.waitFor((t) => t.includes(`/${total}`) && !t.includes(`-${total}/${total}`), 'PgUp goes back a page');
    await ui.press('g');
    await ui.waitFor((t) => t.includes(` 1-18/${total}`), 'g to the top');
    await ui.press('G');
    await ui.waitFor((t) => t.includes(` ${total - 17}-${total}/${total}`), 'G to the end, the page full');
    await ui.press('q');
    await ui.waitFor((t) => t.includes('Sender 90') && !t.includes('Keys (any other'), 'help closed');
  } finally {
    await ui.done();
  }
});

test('user key map rebinds an action and the help shows it', async () => {
  const ui = await mountUi([new FakeAccount()], { rows: 40, keys: { down: 'n C-n' } });
  try {
    await ui.waitFor(firstLoaded, 'first window');
    await ui.press('j');
    await ui.press('n');
    await ui.waitFor((t) => t.includes(' 2/100000'), 'n moved down once, j did nothing');
    await ui.press('?');
    await ui.waitFor((t) => /n Ctrl-n\s+Next message/.test(t), 'help shows the new keys');
  } finally {
    await ui.done();
  }
});

test('80x24: folders beside the list, the open folder marked, B collapses them, the reader replaces both', async () => {
  const ui = await mountUi([new FakeAccount()], { cols: 80, rows: 24 });
  try {
    let f = await ui.waitFor((t) => t.includes('Sender 90'), 'first window');
    assert.match(f, /\[IMAP\].*Sender 90/s);
    assert.match(f, /│>\*INBOX\s+33333│.*Message number 99999/, 'open folder marked with *, beside the list');
    assert.ok(!f.includes('No message open'), 'no empty reader');
    for (const l of f.split('\n')) assert.ok(l.length <= 80, `line fits 80: ${l}`);
    await ui.press('B');
    f = await ui.waitFor((t) => !t.includes('[IMAP]') && firstLoaded(t), 'folders collapsed');
    assert.match(f, /Message number 100000/);
    await ui.press(KEY.enter);
    f = await ui.waitFor((t) => t.includes('Plain body of message 100000'), 'reader');
    assert.ok(!f.includes('Message number 99999') && !f.includes('[IMAP]'), 'list and folders hidden while reading');
    await ui.press('h', 'B');
    await ui.waitFor((t) => t.includes('[IMAP]') && t.includes('Message number 99999'), 'folders back');
  } finally {
    await ui.done();
  }
});

test('narrow 50x16: one pane at a time, reader full width, h/Esc back', async () => {
  const ui = await mountUi([new FakeAccount()], { cols: 50, rows: 16 });
  try {
    let f = await ui.waitFor((t) => t.includes('Sender 90'), 'first window');
    assert.ok(!f.includes('[IMAP]'), 'folder pane hidden in narrow mode');
    assert.ok(!f.includes('No message open'), 'reader hidden');
    for (const l of f.split('\n')) assert.ok(l.length <= 50, `line fits 50: ${l}`);
    await ui.press(KEY.enter);
    f = await ui.waitFor((t) => t.includes('Plain body of message 100000'), 'reader');
    assert.ok(!f.includes('Sender 89'), 'list hidden while reading');
    assert.match(f, /From: Sender 90 <s90@example\.org>/);
    assert.match(f, /Subject: Message number 100000/);
    assert.match(f, /\[1\] report\.pdf \(application\/pdf, 13 B\)/);
    await ui.press('h');
    await ui.waitFor((t) => t.includes('Sender 89'), 'back to list');
    await ui.press('h');
    await ui.waitFor((t) => t.includes('[IMAP]'), 'folders');
    await ui.press(KEY.tab);
    await ui.waitFor((t) => t.includes('Sender 89'), 'tab to list');
  } finally {
    await ui.done();
  }
});

test('opening an unread message sets \\Seen at once and on the account', async () => {
  const acc = new FakeAccount();
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor(firstLoaded, 'first window');
    await ui.press('j');
    await ui.waitFor((t) => t.includes(' 2/100000'), 'on unread 99999');
    assert.match(ui.frame(), /N .*Message number 99999/);
    await ui.press(KEY.enter);
    await ui.waitFor(() => acc.flagsOf('INBOX', 99999).has('\\Seen'), 'server flag');
    await ui.press('h');
    const f = await ui.waitFor((t) => /Message number 99998/.test(t) && !/N .*Message number 99999/.test(t), 'row no longer N');
    assert.match(f, /Message number 99999/);
    assert.deepEqual(acc.flagCalls[0], { op: 'add', path: 'INBOX', uids: [99999], flags: ['\\Seen'] });
    assert.match(ui.frame(), /33332 unread/);
  } finally {
    await ui.done();
  }
});

test('a refused \\Seen is rolled back with an error in the status bar', async () => {
  const acc = new FakeAccount();
  acc.refuseFlags = true;
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor(firstLoaded, 'first window');
    await ui.press('j', KEY.enter);
    const f = await ui.waitFor((t) => t.includes('Could not set \\Seen'), 'error shown');
    assert.match(ui.controller.state.error ?? '', /read-only mailbox/);
    void f;
    await ui.press('h');
    await ui.waitFor((t) => /N .*Message number 99999/.test(t), 'unread again');
    assert.ok(!acc.flagsOf('INBOX', 99999).has('\\Seen'));
  } finally {
    await ui.done();
  }
});

test('f toggles \\Flagged, N toggles read, r without a compose host says sending is unavailable', async () => {
  const acc = new FakeAccount();
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor(firstLoaded, 'first window');
    await ui.press('f');
    await ui.waitFor((t) => /\s!.*Message number 100000/.test(t), 'flag mark');
    await ui.waitFor(() => acc.flagsOf('INBOX', 100000).has('\\Flagged'), 'server flagged');
    await ui.press('f');
    await ui.waitFor(() => !acc.flagsOf('INBOX', 100000).has('\\Flagged'), 'unflagged');
    await ui.press('N');
    await ui.waitFor((t) => /N .*Message number 100000/.test(t), 'marked unread');
    await ui.waitFor(() => !acc.flagsOf('INBOX', 100000).has('\\Seen'), 'server unseen');
    await ui.press('r');
    await ui.waitFor((t) => t.includes('Sending mail is not available here'), 'reply notice');
  } finally {
    await ui.done();
  }
});

test('d asks before deleting; m moves via the folder picker', async () => {
  const acc = new FakeAccount({ inboxSize: 20 });
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor((t) => t.includes('Message number 20'), 'list');
    await ui.press('d');
    await ui.waitFor((t) => t.includes('Delete "Message number 20"? (y/n)'), 'confirm');
    await ui.press('n');
    await ui.waitFor((t) => t.includes('Not deleted'), 'kept');
    assert.deepEqual(acc.deleted, []);
    await ui.press('d', 'y');
    await ui.waitFor((t) => t.includes('moved to Trash') && t.includes('1/19'), 'deleted');
    assert.deepEqual(acc.deleted, [20]);
    await ui.press('m');
    await ui.waitFor((t) => t.includes('Move to folder'), 'picker');
    await ui.press(KEY.down, KEY.enter);
    await ui.waitFor((t) => t.includes('Moved to Archive/2024'), 'moved');
    assert.deepEqual(acc.moved, [{ uid: 19, to: 'Archive/2024' }]);
  } finally {
    await ui.done();
  }
});

test('/ searches the folder; Esc returns to the whole folder', async () => {
  const acc = new FakeAccount({ inboxSize: 2000 });
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor((t) => t.includes('Message number 2000'), 'list');
    await ui.press('/');
    await ui.press(...'number 150'.split(''));
    await ui.waitFor((t) => t.includes('Search: number 150'), 'prompt');
    await ui.press(KEY.enter);
    const f = await ui.waitFor((t) => t.includes('1/11') && t.includes('Message number 1509'), 'results');
    assert.match(f, /INBOX \/number 150/);
    await ui.press(KEY.esc);
    await ui.waitFor((t) => t.includes('1/2000'), 'whole folder again');
  } finally {
    await ui.done();
  }
});

test('H toggles full headers, j scrolls the message, s saves the attachment without overwriting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmail-ui-save-'));
  const ui = await mountUi([new FakeAccount()], { downloadDir: dir });
  try {
    await ui.waitFor(firstLoaded, 'first window');
    await ui.press(KEY.enter);
    await ui.waitFor((t) => t.includes('Plain body of message 100000'), 'reader');
    await ui.press('H');
    await ui.waitFor((t) => t.includes('MIME-Version: 1.0'), 'full headers');
    await ui.press('H');
    await ui.waitFor((t) => !t.includes('MIME-Version'), 'short headers');
    await ui.press(...Array(9).fill('j'));
    await ui.waitFor((t) => !t.includes('Subject: Message number 100000') && t.includes('Line 9 of the body'), 'scrolled');
    await ui.press('s');
    await ui.waitFor((t) => t.includes(`Save to directory: ${dir}`), 'save prompt');
    await ui.press(KEY.enter);
    await ui.waitFor((t) => t.includes('Saved '), 'saved');
    await ui.press('s', KEY.enter);
    await ui.waitFor(() => readdirSync(dir).length === 2, 'second copy');
    assert.deepEqual(readdirSync(dir).sort(), ['report (1).pdf', 'report.pdf']);
    assert.equal(readFileSync(join(dir, 'report.pdf'), 'utf8'), '%PDF-1.4 fake');
  } finally {
    await ui.done();
  }
});

test('first run without accounts explains how to add one', async () => {
  const ui = await mountUi([], { cols: 100, rows: 24 });
  try {
    const f = await ui.waitFor((t) => t.includes('tmail account add'), 'welcome');
    assert.match(f, /config\.json/);
    assert.match(f, /tmail --demo/);
    await ui.press('q');
    assert.equal(ui.quitCount(), 1);
  } finally {
    await ui.done();
  }
});

test('a failing account shows its error and the UI keeps working', async () => {
  const good = new FakeAccount({ name: 'good', inboxSize: 5 });
  const ui = await mountUi([good], {
    slots: [
      { name: 'good', protocol: 'imap', create: async () => good },
      {
        name: 'bad',
        protocol: 'imap',
        create: async () => {
          throw new Error('connect ECONNREFUSED 127.0.0.1:1\u001b[2J');
        },
      },
    ],
  });
  try {
    const f = await ui.waitFor((t) => t.includes('ECONNREFUSED') && t.includes('Message number 5'), 'error and list');
    assert.match(f, /!bad \[IMAP\]/);
    assert.ok(!ui.raw().includes('\u001b[2J'));
    await ui.press('j');
    await ui.waitFor((t) => t.includes(' 2/5'), 'still navigable');
  } finally {
    await ui.done();
  }
});

test('slow connect shows connecting… while input still works', async () => {
  const acc = new FakeAccount({ inboxSize: 5 });
  let release!: () => void;
  acc.connectGate = new Promise((r) => (release = r));
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor((t) => t.includes('connecting…'), 'connecting');
    await ui.press('?');
    await ui.waitFor((t) => t.includes('Keys (any other'), 'help while connecting');
    await ui.press('x');
    release();
    await ui.waitFor((t) => t.includes('Message number 5'), 'connected');
  } finally {
    await ui.done();
  }
});

test('POP3 account downloads on open and shows the local model', async () => {
  const acc = new FakeAccount({ name: 'home', protocol: 'pop3', inboxSize: 3 });
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor((t) => t.includes('2 downloaded · '), 'sync done');
    assert.match(ui.frame(), /home │ POP3 · local cache/);
    assert.equal(acc.syncCalls, 1);
    await ui.press('$');
    await ui.waitFor(() => acc.syncCalls === 2, 'second sync');
    await ui.press('\u001b[15~');
    await ui.waitFor(() => acc.syncCalls === 3, 'F5 syncs too');
  } finally {
    await ui.done();
  }
});

test('new mail and flag changes from elsewhere show up', async () => {
  const acc = new FakeAccount({ inboxSize: 50 });
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor((t) => t.includes('Message number 50'), 'list');
    acc.deliver(3);
    acc.emit({ type: 'exists', folder: 'INBOX', total: 53 });
    await ui.waitFor((t) => t.includes('1/53') && t.includes('Message number 53'), 'new mail at top');
    acc.emit({ type: 'flags', folder: 'INBOX', uid: 53, flags: ['\\Seen', '\\Flagged'] });
    await ui.waitFor((t) => /\s!.*Message number 53/.test(t), 'flag from elsewhere');
  } finally {
    await ui.done();
  }
});

test('resize reflows: 100 -> 50 columns collapses to one pane', async () => {
  const ui = await mountUi([new FakeAccount()]);
  try {
    await ui.waitFor((t) => t.includes('[IMAP]') && firstLoaded(t), 'wide');
    ui.controller.setSize(50, 16);
    const f = await ui.waitFor((t) => !t.includes('[IMAP]') && t.includes('Sender 90'), 'narrow');
    const lines = f.split('\n');
    assert.ok(lines.length <= 16, `${lines.length} lines`);
    for (const l of lines) assert.ok(l.length <= 50);
    assert.match(lines.at(-1)!, /1\/100000/, 'status bar last');
  } finally {
    await ui.done();
  }
});

test('q quits, : command line runs :q', async () => {
  const ui = await mountUi([new FakeAccount({ inboxSize: 5 })]);
  try {
    await ui.waitFor((t) => t.includes('Message number 5'), 'list');
    await ui.press(':', 'q');
    await ui.waitFor((t) => t.includes(':q█'), 'command line');
    await ui.press(KEY.enter);
    await ui.waitFor(() => ui.quitCount() === 1, 'quit via :q');
    await ui.press('q');
    await ui.waitFor(() => ui.quitCount() === 2, 'quit via q');
  } finally {
    await ui.done();
  }
});
