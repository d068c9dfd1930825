// "Where does this message live", in the list and the reader, for both models.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { locationTag } from '../../src/ui/components/MessageList.js';
import { flagNote, locationWords, modelOf, modelWords, openNote } from '../../src/ui/state/model-words.js';
import type { MessageSummary } from '../../src/domain/index.js';
import { KEY, mountUi } from './ui-harness.js';
import { FakeAccount } from './ui-fake-account.js';
import { homeShortened } from '../../src/ui/mode-switcher.js';

const summary = (location: MessageSummary['location']) => ({ location }) as MessageSummary;

test('location words and tags for each kind of location', () => {
  assert.equal(locationWords({ kind: 'server' }), 'on the server');
  assert.equal(locationWords({ kind: 'local', onServer: false }), 'local cache, deleted from the server');
  assert.equal(locationWords({ kind: 'local', onServer: true }), 'local cache, still on the server');
  assert.equal(
    locationWords({ kind: 'local', onServer: true, deleteOnServerAfter: new Date('2026-12-01T10:00:00Z') }),
    'local cache, still on the server (until 2026-12-01)',
  );
  assert.equal(locationTag(summary({ kind: 'server' })), 'server');
  assert.equal(locationTag(summary({ kind: 'local', onServer: false })), 'local');
  assert.equal(locationTag(summary({ kind: 'local', onServer: true })), '+server');
});

test('notes say where a change happened: short ones lead with where, the full sentence is kept', () => {
  assert.deepEqual(flagNote(modelOf('imap'), '\\Flagged', true), {
    short: 'server: \\Flagged set',
    full: '\\Flagged set on the server: other devices see it too',
  });
  assert.deepEqual(flagNote(modelOf('imap'), '\\Seen', false), {
    short: 'server: \\Seen cleared',
    full: '\\Seen cleared on the server: other devices see it too',
  });
  assert.deepEqual(flagNote(modelOf('pop3'), '\\Seen', true), {
    short: 'local only: marked read',
    full: 'marked read locally only: POP3 cannot tell the server',
  });
  assert.equal(flagNote(modelOf('pop3'), '\\Flagged', false).short, 'local only: unflagged');
  assert.deepEqual(openNote(modelOf('imap'), { kind: 'server' }, true), {
    short: 'server: \\Seen set',
    full: '\\Seen set on the server · lives on the server',
  });
  assert.equal(openNote(modelOf('pop3'), { kind: 'local', onServer: false }, true).short, 'local only: marked read');
  assert.match(
    openNote(modelOf('pop3'), { kind: 'local', onServer: false }, true).full,
    /^Marked read locally; the server is not told · local cache, deleted from the server$/,
  );
  assert.deepEqual(openNote(modelOf('imap'), { kind: 'server' }, false), { short: 'lives on the server', full: 'Lives on the server' });
  assert.equal(openNote(modelOf('pop3'), { kind: 'local', onServer: true }, false).short, 'local cache, +server');
  assert.match(modelWords(modelOf('imap'), true), /flags shared with other devices/);
  assert.match(modelWords(modelOf('pop3'), true), /flags stay on this computer/);
  assert.equal(
    modelWords(modelOf('pop3'), true, { cached: 12, keptOnServer: 0 }),
    'POP3 · local cache · 12 downloaded · server keeps 0 · flags stay on this computer',
  );
  assert.equal(modelWords(modelOf('pop3'), false, { cached: 12 }), 'POP3 · local cache');
});

test('the words come from capabilities, not the protocol name: a local-only backend', () => {
  const maildir = { label: 'Maildir', capabilities: { ...modelOf('pop3').capabilities, downloadsMail: false } };
  assert.equal(modelWords(maildir, false), 'Maildir · local');
  assert.deepEqual(flagNote(maildir, '\\Seen', true), { short: 'local only: marked read', full: 'marked read locally' });
  const sharedFlags = { label: 'JMAP', capabilities: modelOf('imap').capabilities };
  assert.equal(modelWords(sharedFlags, false), 'JMAP · state on server');
  assert.equal(openNote(sharedFlags, { kind: 'server' }, true).short, 'server: \\Seen set');
});

test('rows carry their location (POP3 local, IMAP server); the reader says Lives:', async () => {
  const pop = new FakeAccount({ name: 'home', protocol: 'pop3', inboxSize: 3 });
  const ui = await mountUi([pop], { cols: 100, rows: 30 });
  try {
    const f = await ui.waitFor((t) => t.includes('Message number 3') && t.includes('POP3 · local cache'), 'the POP3 list');
    const rows = f.split('\n').filter((l) => l.includes('Message number'));
    assert.ok(rows.length >= 3 && rows.every((l) => /local\s*[║│]$/.test(l)), rows.join('\n'));
    await ui.press(KEY.enter);
    await ui.waitFor((t) => t.includes('Lives: local cache, deleted from the server'), 'the reader');
    await ui.waitFor((t) => t.includes('local only: marked read'), 'the note');
  } finally {
    await ui.done();
  }
  const imap = new FakeAccount({ name: 'work', inboxSize: 3 });
  const ui2 = await mountUi([imap], { cols: 100, rows: 30 });
  try {
    const f = await ui2.waitFor((t) => t.includes('Message number 3'), 'the IMAP list');
    const rows = f.split('\n').filter((l) => l.includes('Message number'));
    assert.ok(rows.length >= 3 && rows.every((l) => /\bserver\s*[║│]$/.test(l) && !/\+server/.test(l)), rows.join('\n'));
  } finally {
    await ui2.done();
  }
});

test('at 80x24 the note fits whole (where first); ? shows the full sentence', async () => {
  for (const [account, short, full] of [
    [new FakeAccount({ name: 'Demo (IMAP)', inboxSize: 60 }), 'server: \\Seen set', /Last note: \\Seen set on the server · lives on the server/],
    [
      new FakeAccount({ name: 'Demo (POP3)', protocol: 'pop3', inboxSize: 60 }),
      'local only: marked read',
      /Last note: Marked read locally; the server is not told · local cache, deleted/,
    ],
  ] as const) {
    const ui = await mountUi([account], { cols: 80, rows: 24 });
    try {
      await ui.waitFor((t) => t.includes('Message number 60'), 'the list');
      await ui.press(KEY.enter);
      const f = await ui.waitFor((t) => t.includes('Lives:'), 'the reader');
      const status = (await ui.waitFor((t) => t.includes(short), `the whole note "${short}"`)).split('\n').find((l) => l.includes(short))!;
      assert.ok(status.length <= 80 && status.includes(`${account.protocol.toUpperCase()} │ INBOX │ 1/60`), status);
      void f;
      await ui.press('?');
      await ui.waitFor((t) => full.test(t.replace(/\s*║\s*\n\s*║\s*/g, ' ')), 'the full note in the help');
    } finally {
      await ui.done();
    }
  }
});

test('a wide POP3 status bar says where the cache is, home shortened; it leaves it out when it does not fit', async () => {
  const pop = new FakeAccount({ name: 'home', protocol: 'pop3', inboxSize: 3 });
  const slot = { name: 'home', protocol: 'pop3' as const, create: async () => pop, cacheDir: '~/.local/share/tmail/accounts/home/Maildir' };
  const ui = await mountUi([pop], { cols: 200, rows: 30, slots: [slot] });
  try {
    await ui.waitFor(
      (t) =>
        /POP3 · local cache · 3 downloaded · server keeps 0 · flags stay on this computer · cache: ~\/\.local\/share\/tmail\/accounts\/home\/Maildir │ INBOX/.test(
          t,
        ),
      'the cache path',
    );
  } finally {
    await ui.done();
  }
  const ui2 = await mountUi([pop], { cols: 140, rows: 30, slots: [{ ...slot, cacheDir: `~/${'very-long-directory/'.repeat(4)}Maildir` }] });
  try {
    const f = await ui2.waitFor((t) => t.includes('POP3 · local cache · 3 downloaded'), 'the POP3 status');
    assert.doesNotMatch(f, /cache: ~/, 'no room for it at 140 columns');
  } finally {
    await ui2.done();
  }
  assert.equal(homeShortened('/home/me/.local/share/tmail/accounts/a/Maildir', '/home/me/'), '~/.local/share/tmail/accounts/a/Maildir');
  assert.equal(homeShortened('/home/meme/x', '/home/me'), '/home/meme/x');
  assert.equal(homeShortened('/srv/x', '/'), '/srv/x');
});
