// Mounts the real App over fake accounts with ink-testing-library and waits for frames
// (React renders asynchronously: wait for what you expect instead of sleeping).
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/components/App.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { createDefaultLoader } from '../../src/ui/message-loader.js';
import { UiController, type AccountSlot } from '../../src/ui/state/controller.js';
import { makeTheme } from '../../src/ui/theme.js';
import type { FakeAccount } from './ui-fake-account.js';

export const KEY = {
  down: '\u001b[B', up: '\u001b[A', enter: '\r', esc: '\u001b', tab: '\t', ctrlD: '\u0004', ctrlU: '\u0015',
  pageDown: '\u001b[6~', pageUp: '\u001b[5~', backspace: '\u007f',
};

export interface MountOptions {
  cols?: number;
  rows?: number;
  env?: NodeJS.ProcessEnv;
  slots?: AccountSlot[];
  keys?: Record<string, string>;
  downloadDir?: string;
}

export async function mountUi(accounts: FakeAccount[], opts: MountOptions = {}) {
  const loader = await createDefaultLoader();
  const keys = buildKeyTable(opts.keys);
  let quitCount = 0;
  const controller = new UiController({
    accounts: opts.slots ?? accounts.map((a) => ({ name: a.name, protocol: a.protocol, create: async () => a })),
    keys,
    loader,
    cols: opts.cols ?? 100,
    rows: opts.rows ?? 30,
    onQuit: () => quitCount++,
    pollMs: 0,
    downloadDir: opts.downloadDir,
  });
  const inst = render(
    <App controller={controller} keys={keys} loader={loader} theme={makeTheme(opts.env ?? {})} configPath="/home/u/.config/tmail/config.json" />,
  );
  controller.start();
  const raw = () => inst.lastFrame() ?? '';
  const frame = () => stripVTControlCharacters(raw());
  const waitFor = async (pred: (text: string) => boolean, what: string, ms = 5000): Promise<string> => {
    const end = Date.now() + ms;
    for (;;) {
      const f = frame();
      if (pred(f)) return f;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last frame:\n${f}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const press = async (...keysToSend: string[]) => {
    for (const k of keysToSend) {
      inst.stdin.write(k);
      // Ink reads stdin on 'readable'; give it a tick so keys are not merged into one paste.
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    controller,
    inst,
    raw,
    frame,
    waitFor,
    press,
    quitCount: () => quitCount,
    async done() {
      inst.unmount();
      inst.cleanup();
      await controller.stop();
    },
  };
}
