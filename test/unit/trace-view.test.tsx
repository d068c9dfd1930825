// The trace in the real App: `t` is a live pane under the mail (which stays usable), `T` zooms it
// full screen where it scrolls back; one account or all; sanitized; fits 80x24 and 200x60.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/components/App.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { UiController } from '../../src/ui/state/controller.js';
import { makeTheme } from '../../src/ui/theme.js';
import { TraceBuffer } from '../../src/trace/buffer.js';
import { FakeAccount } from './ui-fake-account.js';
import { testLoader } from './ui-harness.js';

test('t shows the trace pane under the reader; T zooms and scrolls; a shows all; t returns and hides', async () => {
  const trace = new TraceBuffer(500);
  for (let i = 1; i <= 100; i++) trace.add({ account: 'fake', protocol: 'imap', dir: i % 2 ? 'C' : 'S', text: `A${i} NOOP line-${i}` });
  trace.add({ account: 'other', protocol: 'pop3', dir: 'C', text: 'STAT from-other' });
  const loader = await testLoader();
  const keys = buildKeyTable();
  const account = new FakeAccount();
  const controller = new UiController({
    accounts: [{ name: 'fake', protocol: 'imap', create: async () => account }],
    keys,
    loader,
    cols: 80,
    rows: 24,
    onQuit: () => undefined,
    pollMs: 0,
    trace,
  });
  const inst = render(<App controller={controller} keys={keys} loader={loader} theme={makeTheme({})} configPath="/x" trace={trace} />);
  controller.start();
  const frame = () => stripVTControlCharacters(inst.lastFrame() ?? '');
  const waitFor = async (pred: (f: string) => boolean, what: string) => {
    const end = Date.now() + 5000;
    while (!pred(frame())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${frame()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return frame();
  };
  const press = async (...ks: string[]) => {
    for (const k of ks) {
      inst.stdin.write(k);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  try {
    await waitFor((f) => f.includes('fake │ IMAP'), 'the UI');
    await press('t');
    let f = await waitFor((f) => f.includes('Trace · fake'), 'the trace pane');
    assert.match(f, /S: A100 NOOP line-100/);
    assert.doesNotMatch(f, /line-90\b/, 'the pane shows only the newest lines');
    assert.doesNotMatch(f, /from-other/, 'only the current account');
    assert.match(f, /Message number/, 'the message list stays on screen above the pane');
    const lines = f.split('\n');
    assert.ok(lines.length <= 24 && lines.every((l) => l.length <= 80), `fits 80x24:\n${f}`);

    // The mail stays usable: open a message, and the trace keeps following below the reader.
    await press('\r');
    await waitFor((f) => /Subject: Message number/.test(f) && f.includes('Trace · fake'), 'the reader next to the trace pane');
    trace.add({ account: 'fake', protocol: 'imap', dir: 'S', text: 'live \u001b]0;pwned\u0007\u001b[31mline' });
    f = await waitFor((f) => f.includes('S: live line'), 'a new line appears in the pane, sanitized');
    assert.match(f, /Subject: Message number/);
    assert.doesNotMatch(inst.lastFrame() ?? '', /pwned|\u001b\]0/);

    // T zooms the trace full screen, where it scrolls.
    await press('T');
    f = await waitFor((f) => f.includes('j/k scroll'), 'the zoomed trace');
    assert.doesNotMatch(f, /Subject: Message number/);
    assert.match(f, /C: A99 NOOP line-99/);
    await press('k', 'k', 'k');
    f = await waitFor((f) => f.includes('(3 newer line(s) below'), 'scrolled back');
    assert.doesNotMatch(f, /live line/);
    await press('G');
    await waitFor((f) => f.includes('live line') && !f.includes('newer line(s) below'), 'following again');

    await press('a');
    f = await waitFor((f) => f.includes('Trace · all accounts'), 'all accounts');
    await press('g');
    await waitFor((f) => f.includes('[other] C: STAT from-other') || f.includes('[fake] C: A1 NOOP'), 'the oldest lines, labelled');

    // t leaves the zoom: back to the reader with the pane, which kept "all accounts".
    await press('t');
    f = await waitFor((f) => !f.includes('j/k scroll') && f.includes('Trace · all accounts') && /Subject: Message number/.test(f), 'back to the pane');
    assert.match(f, /\[fake\] S: live line/);
    await press('t');
    await waitFor((f) => !f.includes('Trace ·') && f.includes('fake │ IMAP'), 'pane hidden');
  } finally {
    inst.unmount();
    inst.cleanup();
    await controller.stop();
  }
});

test('the trace pane fits at 200x60 and leaves the three columns their rows', async () => {
  const trace = new TraceBuffer(500);
  for (let i = 1; i <= 100; i++) trace.add({ account: 'fake', protocol: 'imap', dir: i % 2 ? 'C' : 'S', text: `A${i} NOOP line-${i}` });
  const loader = await testLoader();
  const keys = buildKeyTable();
  const controller = new UiController({
    accounts: [{ name: 'fake', protocol: 'imap', create: async () => new FakeAccount() }],
    keys,
    loader,
    cols: 200,
    rows: 60,
    onQuit: () => undefined,
    pollMs: 0,
    trace,
  });
  const inst = render(<App controller={controller} keys={keys} loader={loader} theme={makeTheme({})} configPath="/x" trace={trace} />);
  controller.start();
  const frame = () => stripVTControlCharacters(inst.lastFrame() ?? '');
  try {
    const end = Date.now() + 5000;
    while (!frame().includes('Message number')) {
      if (Date.now() > end) throw new Error(`no list:\n${frame()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const before = controller.pageSize();
    controller.perform('trace');
    while (!frame().includes('line-100')) {
      if (Date.now() > end) throw new Error(`no trace pane:\n${frame()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const f = frame();
    const lines = f.split('\n');
    assert.ok(lines.length <= 60 && lines.every((l) => l.length <= 200), `fits 200x60:\n${f}`);
    assert.match(f, /Trace · fake/);
    assert.match(f, /S: A100 NOOP line-100/);
    assert.match(f, /C: A85 NOOP line-85/, 'a third of 60 rows shows many lines');
    assert.ok(controller.pageSize() < before, 'the list pages by its smaller height');
  } finally {
    inst.unmount();
    inst.cleanup();
    await controller.stop();
  }
});
