// Runs with colours forced on (chalk decides its level at import time, and a test's stdout is
// not a TTY), so these tests see exactly what a colour terminal would get.
import { test } from 'node:test';
import assert from 'node:assert/strict';

process.env.FORCE_COLOR = '1';
const { FakeAccount } = await import('./ui-fake-account.js');
const { KEY, mountUi } = await import('./ui-harness.js');
const firstLoaded = (t: string) => t.includes('Message number 100000');

test('hostile subject and folder name render as inert text', async () => {
  const evil = 'Hi \u001b]0;pwned\u0007there \u001b[2Jnow \u009b31mred';
  const acc = new FakeAccount({ subjects: new Map([[100000, evil]]), extraFolders: ['Evil\u001b[2J\u001b]0;x\u0007Box'] });
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor((t) => t.includes('Hi there now'), 'hostile row');
    await ui.press(KEY.enter);
    await ui.waitFor((t) => t.includes('Subject: Hi there now'), 'reader');
    const raw = ui.raw();
    assert.ok(!raw.includes(']0;pwned'), 'no OSC title payload');
    assert.ok(!raw.includes('\u001b[2J'), 'no clear-screen');
    assert.ok(!raw.includes('\u009b'), 'no 8-bit CSI');
    // Only Ink's own SGR styling may remain.
    const escapes = raw.match(/\u001b[^m]*m?/g) ?? [];
    for (const e of escapes) assert.match(e, /^\u001b\[[0-9;]*m$/, `unexpected escape ${JSON.stringify(e)}`);
    await ui.press('h');
    await ui.waitFor((t) => /EvilBox/.test(t), 'folder pane beside the list again');
  } finally {
    await ui.done();
  }
});

test('NO_COLOR: no colour escapes, selection still visible (inverse)', async () => {
  const ui = await mountUi([new FakeAccount()], { env: { NO_COLOR: '1' } });
  try {
    await ui.waitFor(firstLoaded, 'first window');
    await ui.press('f');
    await ui.waitFor((t) => /\s!.*Message number 100000/.test(t), 'flagged');
    const raw = ui.raw();
    assert.ok(!/\u001b\[(3[0-9]|9[0-7]|4[0-9]|10[0-7])(;|m)/.test(raw), 'no colour codes');
    assert.ok(raw.includes('\u001b[7m'), 'inverse used for selection');
  } finally {
    await ui.done();
  }
});

test('with colours: flagged rows are coloured (16-colour palette only)', async () => {
  const ui = await mountUi([new FakeAccount()]);
  try {
    await ui.waitFor((t) => t.includes('Message number 100000'), 'first window');
    await ui.press('f');
    await ui.waitFor((t) => /\s!.*Message number 100000/.test(t), 'flagged');
    const raw = ui.raw();
    assert.ok(/\u001b\[33m/.test(raw), 'yellow for flagged');
    assert.ok(!/\u001b\[(38|48);/.test(raw), 'no 256/truecolour codes');
  } finally {
    await ui.done();
  }
});
