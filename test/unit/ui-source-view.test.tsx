// `V` in the reader shows the message's raw source (scrollable, sanitized), says when only part
// of it is shown, and `s` there saves the whole .eml; `V` again returns to the message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawSourceLines } from '../../src/ui/state/raw-source-lines.js';
import { FakeAccount } from './ui-fake-account.js';
import { KEY, mountUi } from './ui-harness.js';

test('V shows the raw source in the reader and V again the message', async () => {
  const ui = await mountUi([new FakeAccount({ inboxSize: 5 })]);
  try {
    await ui.waitFor((t) => t.includes('Message number 5'), 'list');
    await ui.press(KEY.enter);
    await ui.waitFor((t) => t.includes('Subject: Message number 5'), 'reader');
    await ui.press('V');
    const f = await ui.waitFor((t) => t.includes('Raw source'), 'source view');
    assert.match(f, /s saves the whole message/);
    assert.match(f, /Message-ID:|Subject: Message number 5/);
    await ui.press('s');
    await ui.waitFor((t) => t.includes('Save to directory:'), 'save prompt for the source');
    await ui.press(KEY.esc, 'V');
    await ui.waitFor((t) => !t.includes('Raw source') && t.includes('Subject: Message number 5'), 'back to the message');
  } finally {
    await ui.done();
  }
});

test('the source view says when it was cut and cuts a 1 MB line linearly to the width', () => {
  const lines = rawSourceLines({ lines: ['Subject: x', 'a'.repeat(1_000_000), ''], cut: true, limitBytes: 1024 * 1024 }, 80, true);
  assert.match(lines[1]!.text, /Only the first 1 MB is shown; s saves all of it/);
  const body = lines.filter((l) => l.kind === 'body');
  assert.equal(body.length, 1 + 12_500 + 1);
  assert.ok(body.every((l) => l.text.length <= 80));
  const wide = rawSourceLines({ lines: ['漢'.repeat(100)], cut: false, limitBytes: 1024 }, 10, false);
  assert.ok(wide.filter((l) => l.kind === 'body').every((l) => l.text.length <= 5));
  assert.doesNotMatch(wide[0]!.text, /saves/);
});
