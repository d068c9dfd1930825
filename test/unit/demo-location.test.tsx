// "Where does this message live", in the list and the reader, for both models.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { locationTag } from '../../src/ui/components/MessageList.js';
import { flagNote, locationWords, modelWords, openNote } from '../../src/ui/state/model-words.js';
import type { MessageSummary } from '../../src/accounts/account.js';
import { KEY, mountUi } from './ui-harness.js';
import { FakeAccount } from './ui-fake-account.js';

const summary = (location: MessageSummary['location']) => ({ location }) as MessageSummary;

test('location words and tags for each kind of location', () => {
  assert.equal(locationWords({ kind: 'server' }), 'on the server');
  assert.equal(locationWords({ kind: 'local', onServer: false }), 'local cache, deleted from the server');
  assert.equal(locationWords({ kind: 'local', onServer: true }), 'local cache, still on the server');
  assert.equal(
    locationWords({ kind: 'local', onServer: true, deleteOnServerAfter: new Date('2026-12-01T10:00:00Z') }),
    'local cache, still on the server (until 2026-12-01)',
  );
  assert.equal(locationTag(summary({ kind: 'server' })), '');
  assert.equal(locationTag(summary({ kind: 'local', onServer: false })), 'local');
  assert.equal(locationTag(summary({ kind: 'local', onServer: true })), '+server');
});

test('notes say where a change happened', () => {
  assert.match(flagNote('imap', '\\Flagged', true), /^\\Flagged set on the server/);
  assert.match(flagNote('pop3', '\\Seen', true), /^marked read locally only: POP3 cannot tell the server/);
  assert.match(openNote('imap', { kind: 'server' }, true), /^\\Seen set on the server · lives on the server$/);
  assert.match(openNote('pop3', { kind: 'local', onServer: false }, true), /^Marked read locally; the server is not told/);
  assert.equal(openNote('imap', { kind: 'server' }, false), 'Lives on the server');
  assert.match(modelWords('imap', true), /flags shared with other devices/);
  assert.match(modelWords('pop3', true), /flags stay on this computer/);
  assert.equal(modelWords('pop3', true, { cached: 12, keptOnServer: 0 }), 'POP3 · local cache · 12 downloaded · server keeps 0 · flags stay on this computer');
  assert.equal(modelWords('pop3', false, { cached: 12 }), 'POP3 · local cache');
});

test('POP3 rows carry their location; IMAP rows do not; the reader says Lives:', async () => {
  const pop = new FakeAccount({ name: 'home', protocol: 'pop3', inboxSize: 3 });
  const ui = await mountUi([pop], { cols: 100, rows: 30 });
  try {
    const f = await ui.waitFor((t) => t.includes('Message number 3') && t.includes('POP3 · local cache'), 'the POP3 list');
    const rows = f.split('\n').filter((l) => l.includes('Message number'));
    assert.ok(rows.length >= 3 && rows.every((l) => /local\s*[║│]$/.test(l)), rows.join('\n'));
    await ui.press(KEY.enter);
    await ui.waitFor((t) => t.includes('Lives: local cache, deleted from the server'), 'the reader');
    await ui.waitFor((t) => t.includes('Marked read locally'), 'the note');
  } finally {
    await ui.done();
  }
  const imap = new FakeAccount({ name: 'work', inboxSize: 3 });
  const ui2 = await mountUi([imap], { cols: 100, rows: 30 });
  try {
    const f = await ui2.waitFor((t) => t.includes('Message number 3'), 'the IMAP list');
    assert.ok(f.split('\n').filter((l) => l.includes('Message number')).every((l) => !/local\s*[║│]$/.test(l)));
  } finally {
    await ui2.done();
  }
});
