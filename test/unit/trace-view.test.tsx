// The `t` view in the real App: follows new lines, scrolls back, one account or all, sanitized.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/components/App.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { createDefaultLoader } from '../../src/ui/message-loader.js';
import { UiController } from '../../src/ui/state/controller.js';
import { makeTheme } from '../../src/ui/theme.js';
import { TraceBuffer } from '../../src/trace/buffer.js';
import { FakeAccount } from './ui-fake-account.js';

test('t opens the trace of the current account; it follows, scrolls back, shows all, closes', async () => {
  const trace = new TraceBuffer(500);
  for (let i = 1; i <= 100; i++) trace.add({ account: 'fake', protocol: 'imap', dir: i % 2 ? 'C' : 'S', text: `A${i} NOOP line-${i}` });
  trace.add({ account: 'other', protocol: 'pop3', dir: 'C', text: 'STAT from-other' });
  const loader = await createDefaultLoader();
  const keys = buildKeyTable();
  const account = new FakeAccount();
  const controller = new UiController({
    accounts: [{ name: 'fake', protocol: 'imap', create: async () => account }],
    keys, loader, cols: 80, rows: 24, onQuit: () => undefined, pollMs: 0, trace,
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
    let f = await waitFor((f) => f.includes('Trace · fake'), 'the trace view');
    assert.match(f, /C: A99 NOOP line-99/);
    assert.match(f, /S: A100 NOOP line-100/);
    assert.doesNotMatch(f, /line-50\b/, 'only the newest lines fit');
    assert.doesNotMatch(f, /from-other/, 'only the current account');

    trace.add({ account: 'fake', protocol: 'imap', dir: 'S', text: 'live \u001b]0;pwned\u0007\u001b[31mline' });
    f = await waitFor((f) => f.includes('S: live line'), 'a new line appears, sanitized');
    assert.doesNotMatch(inst.lastFrame() ?? '', /pwned|\u001b\]0/);

    await press('k', 'k', 'k');
    f = await waitFor((f) => f.includes('(3 newer line(s) below'), 'scrolled back');
    assert.doesNotMatch(f, /live line/);
    await press('G');
    await waitFor((f) => f.includes('live line') && !f.includes('newer line(s) below'), 'following again');

    await press('a');
    f = await waitFor((f) => f.includes('Trace · all accounts'), 'all accounts');
    await press('g');
    await waitFor((f) => f.includes('[other] C: STAT from-other') || f.includes('[fake] C: A1 NOOP'), 'the oldest lines, labelled');

    await press('t');
    await waitFor((f) => !f.includes('Trace ·') && f.includes('fake │ IMAP'), 'closed');
  } finally {
    inst.unmount();
    inst.cleanup();
    await controller.stop();
  }
});
