// Mounts the real App over fake accounts (through the same input path as run.tsx) and waits for frames
// (React renders asynchronously: wait for what you expect instead of sleeping).
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render as inkRender } from 'ink';
import { InputTap } from '../../src/ui/input-tap.js';
import { App } from '../../src/ui/components/App.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { parseMessage } from '../../src/mime/parse-message.js';
import { createDefaultLoader, type MessageLoader } from '../../src/ui/message-loader.js';
import { UiController, type AccountSlot } from '../../src/ui/state/controller.js';
import { makeTheme } from '../../src/ui/theme.js';
import type { FakeAccount } from './ui-fake-account.js';

export const KEY = {
  down: '\u001b[B',
  up: '\u001b[A',
  enter: '\r',
  esc: '\u001b',
  tab: '\t',
  ctrlD: '\u0004',
  ctrlU: '\u0015',
  pageDown: '\u001b[6~',
  pageUp: '\u001b[5~',
  backspace: '\u007f',
};

export interface MountOptions {
  cols?: number;
  rows?: number;
  env?: NodeJS.ProcessEnv;
  slots?: AccountSlot[];
  keys?: Record<string, string>;
  downloadDir?: string;
}

// ink-testing-library's fakes, with the program's own input path: keys reach Ink through the
// InputTap run.tsx uses, so function keys are tested as the terminal sends them.
class FakeStdout extends EventEmitter {
  columns = 100;
  lastFrame: string | undefined;
  write = (frame: string) => {
    this.lastFrame = frame;
  };
}
class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
  };
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setRawMode() {}
  ref() {}
  unref() {}
}

function render(tree: React.ReactElement, onFunctionKey: (spec: string) => void) {
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const tap = new InputTap(stdin, onFunctionKey);
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
    stdin: tap as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { stdin, lastFrame: () => stdout.lastFrame, unmount: instance.unmount, cleanup: instance.cleanup };
}

/**
 * The real loader, parsing on this thread: tmail parses in a worker, which takes seconds to start
 * under tsx (test/unit/mime-parse-worker.test.ts and the tmux tests cover that path).
 */
export function testLoader(): Promise<MessageLoader> {
  return createDefaultLoader({ parse: (raw) => parseMessage(raw) });
}

export async function mountUi(accounts: FakeAccount[], opts: MountOptions = {}) {
  const loader = await testLoader();
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
    (spec) => controller.handleKey({ spec, text: '' }),
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
