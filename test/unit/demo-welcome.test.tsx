// The first-run screen (no accounts) offers the demo: `d` hands over to `tmail --demo`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/components/App.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { UiController } from '../../src/ui/state/controller.js';
import { makeTheme } from '../../src/ui/theme.js';
import { testLoader } from './ui-harness.js';

async function welcome(onDemo?: () => void) {
  const loader = await testLoader();
  const keys = buildKeyTable();
  const controller = new UiController({
    accounts: [],
    keys,
    loader,
    cols: 80,
    rows: 24,
    onQuit: () => undefined,
    pollMs: 0,
    ...(onDemo ? { onDemo } : {}),
  });
  const inst = render(<App controller={controller} keys={keys} loader={loader} theme={makeTheme({})} configPath="/c/config.json" />);
  controller.start();
  const frame = () => stripVTControlCharacters(inst.lastFrame() ?? '');
  for (let i = 0; i < 200 && !frame().includes('Welcome to tmail'); i++) await new Promise((r) => setTimeout(r, 10));
  return { inst, controller, frame };
}

test('with a demo hand-over, the welcome screen says "press d" and d starts it', async () => {
  let calls = 0;
  const w = await welcome(() => calls++);
  try {
    assert.match(w.frame(), /press d, or run/);
    assert.match(w.frame(), /tmail --demo/);
    w.inst.stdin.write('d');
    for (let i = 0; i < 100 && calls === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(calls, 1);
  } finally {
    w.inst.unmount();
    await w.controller.stop();
  }
});

test('without one, the screen only explains the command', async () => {
  const w = await welcome();
  try {
    assert.match(w.frame(), /quit and run/);
    w.inst.stdin.write('d');
    await new Promise((r) => setTimeout(r, 50));
    assert.match(w.frame(), /Welcome to tmail/);
  } finally {
    w.inst.unmount();
    await w.controller.stop();
  }
});
