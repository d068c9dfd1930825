// `tmail` with no arguments: the full-screen UI. Everything that can go wrong before the first
// frame (broken config, bad key map, no terminal, password prompt) is reported on stderr as one
// line; after that, errors live in the status bar and the terminal is always restored.
import type { CliContext } from '../cli/context.js';
import type { AccountConfig } from '../config/types.js';

// The alternate screen, cursor hidden, autowrap off (the cell renderer relies on it: a glyph a
// terminal draws wider than planned can then never wrap into the next row or scroll the screen).
const ENTER_ALT = '\u001b[?1049h\u001b[?25l\u001b[?7l\u001b[H\u001b[2J';
const LEAVE_ALT = '\u001b[m\u001b[H\u001b[2J\u001b[?7h\u001b[?25h\u001b[?1049l';
const POLL_MS = 60_000;

type TtyOut = NodeJS.WriteStream;

function line(ctx: CliContext, text: string): void {
  ctx.stderr.write(`tmail: ${text}\n`);
}

function needsPrompt(a: AccountConfig): boolean {
  return !a.passwordCommand && !a.passwordEnv;
}

export interface RunUiOptions {
  /** `--trace FILE`: append the (redacted) protocol trace there. */
  traceFile?: string;
  /** A guide line shown at start (the demo's). */
  hint?: string;
  /** false: POP3 accounts wait for the user's `$` instead of downloading at once (the demo). */
  syncOnConnect?: boolean;
  /** Offered on the first-run screen (no accounts): `d` closes this UI and runs this instead. */
  onDemo?: () => Promise<number>;
}

export async function runUi(ctx: CliContext, options: RunUiOptions = {}): Promise<number> {
  const { loadConfig } = await import('../config/config.js');
  const { ConfigError } = await import('../config/errors.js');
  const { paths, accountDataDir } = await import('../config/paths.js');
  const { makePasswordGetter } = await import('../config/password.js');
  const { buildKeyTable, KeyConfigError } = await import('./keys/bindings.js');

  let config;
  let keys;
  try {
    config = await loadConfig(ctx);
    keys = buildKeyTable(config.keys);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) line(ctx, p);
      return 2;
    }
    if (err instanceof KeyConfigError) {
      line(ctx, err.message);
      return 2;
    }
    throw err;
  }
  if (!ctx.stdout.isTTY || !ctx.stdin.isTTY) {
    line(ctx, 'the mail UI needs a terminal; for scripts use `tmail folders` or `tmail list`');
    return 2;
  }

  // Ink owns the terminal once it starts, so interactive passwords are asked for first.
  // A snapshot of the environment: password commands may run while Ink loads, when NODE_ENV and
  // the CI variables are changed for a moment (below).
  const passwordCtx = { env: { ...ctx.env }, askSecret: (await import('../cli/prompt.js')).secretPrompt(ctx) };
  // A passwordCommand may wait for a pinentry: the status bar says so (hooked up once the
  // controller exists); quitting cancels it.
  const passwordAbort = new AbortController();
  let showPasswordWait: (name: string, waiting: boolean) => void = () => undefined;
  const getters = config.accounts.map((a) =>
    makePasswordGetter(a, passwordCtx, { signal: passwordAbort.signal, onWaiting: (w) => showPasswordWait(a.name, w) }),
  );
  for (const [i, a] of config.accounts.entries()) {
    if (!needsPrompt(a)) continue;
    try {
      await getters[i]!();
    } catch (err) {
      line(ctx, err instanceof Error ? err.message : String(err));
      return 1;
    }
  }
  // The prompt's reader must let go of stdin before Ink puts it in raw mode.
  const { releaseInput } = await import('../cli/prompt.js');
  releaseInput(ctx.stdin);

  // The controller and the account layer are light (protocol libraries load on the first login):
  // they start first, so the logins (cold start) and the header cache (warm start) get going
  // while Ink, React and the components load.
  const [{ UiController }, { createAccount }, { accountSlots }, { lazyLoader }, { TraceBuffer }, { CellRenderer }] = await Promise.all([
    import('./state/controller.js'),
    import('../accounts/index.js'),
    import('./mode-switcher.js'),
    import('./lazy-loader.js'),
    import('../trace/buffer.js'),
    import('./terminal/cell-renderer.js'),
  ]);
  const loader = lazyLoader(async () => (await import('./message-loader.js')).createDefaultLoader());
  // The trace pane's buffer (bounded); --trace FILE gets the same lines. Opened before the UI so
  // an unwritable path is one clear line, not a broken screen.
  const trace = new TraceBuffer();
  let traceFile: { close(): void } | undefined;
  if (options.traceFile) {
    const { openTraceFile, TraceFileError } = await import('../trace/file-sink.js');
    try {
      traceFile = openTraceFile(options.traceFile, trace);
    } catch (err) {
      if (err instanceof TraceFileError) {
        line(ctx, err.message);
        return 2;
      }
      throw err;
    }
  }
  const { smtpPasswordGetter } = await import('../compose/smtp-password.js');
  const smtpGetters = config.accounts.map((a, i) => smtpPasswordGetter(a, getters[i]!, passwordCtx));
  const stdout = ctx.stdout as TtyOut;
  // A hint line (the demo's guide) takes the top row; everything else lays out in the rest.
  const hintRows = options.hint ? 1 : 0;
  const size = () => ({ cols: stdout.columns || 80, rows: Math.max(3, (stdout.rows || 24) - hintRows) });
  // Ink draws into this renderer, which writes only the cells that changed to the terminal.
  const renderer = new CellRenderer(stdout, stdout.columns || 80, stdout.rows || 24);
  const stdin = ctx.stdin as NodeJS.ReadStream;

  let resolveQuit!: () => void;
  const quit = new Promise<void>((r) => (resolveQuit = r));
  let demoRequested = false;
  const offerDemo = options.onDemo && config.accounts.length === 0;
  const controller = new UiController({
    accounts: accountSlots(ctx, config.accounts, getters, createAccount, trace),
    keys,
    loader,
    cols: size().cols,
    rows: size().rows,
    onQuit: () => resolveQuit(),
    pollMs: POLL_MS,
    trace,
    loginAfterFirstFrame: true,
    ...(options.syncOnConnect === false ? { syncOnConnect: false } : {}),
    ...(offerDemo
      ? {
          onDemo: () => {
            demoRequested = true;
            resolveQuit();
          },
        }
      : {}),
    terminal: {
      suspend: () => suspendToShell(),
      redraw: () => renderer.redraw(),
    },
    compose: {
      suspend: (fn) => suspend(fn),
      env: ctx.env,
      trace,
      account: (i) => {
        const a = config.accounts[i];
        return a && { config: a, smtpPassword: smtpGetters[i]!, dataDir: accountDataDir(ctx, a.name) };
      },
    },
  });

  const passwordWaits = new Map<string, () => void>();
  showPasswordWait = (name, waiting) => {
    passwordWaits.get(name)?.();
    passwordWaits.delete(name);
    if (waiting) void controller.track(`waiting for passwordCommand (${name})…`, new Promise<void>((r) => passwordWaits.set(name, r)));
  };

  // Started now, while the login runs: it reads the terminal's settings before raw mode and
  // restores them after a V8 fatal error (out of memory), when no JavaScript runs.
  const sentinel = (await import('./terminal-sentinel.js')).startSentinel(ctx.stdin as NodeJS.ReadStream);
  controller.start();
  let ui;
  try {
    const { importWithoutCiDetection } = await import('./interactive-env.js');
    // React's development build records a performance.measure (holding the rendered props) for
    // every render and Node keeps them all: scrolling through 100k messages grew the heap by
    // hundreds of MB. React picks its build once, at load: load the production one unless the
    // user set NODE_ENV, and leave the environment of child processes (editor) as it was.
    // The default export is React itself both in Node and in the bundle (where a split chunk of
    // a CommonJS package exposes only the default export).
    const userNodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV ??= 'production';
    ui = await importWithoutCiDetection(() => Promise.all([import('ink'), import('react').then((m) => m.default), import('./components/App.js'), import('./theme.js')])).finally(() => {
      if (userNodeEnv === undefined) delete process.env.NODE_ENV;
    });
    // A warm start's cached rows are in the very first frame.
    await controller.firstScreen();
  } catch (err) {
    await controller.stop();
    throw err;
  }
  const [{ render }, React, { App }, { makeTheme }] = ui;

  const { guardTerminal } = await import('./terminal-guard.js');
  // SIGTERM/SIGHUP/SIGINT, a closed terminal and crashes restore the terminal and end tmail.
  const guard = guardTerminal({
    stdout,
    stdin: ctx.stdin as NodeJS.ReadStream,
    line: (text) => line(ctx, text),
    debug: !!ctx.env.TMAIL_DEBUG,
    leave: LEAVE_ALT,
    beforeRestore: () => renderer.pause(),
  });
  let restored = false;
  const restore = () => {
    restored = true;
    guard.restore();
  };
  // A new size: the next frame is laid out for it and drawn whole (also when a frame for the old
  // size is still on its way: the renderer cuts or pads it to the new size, and the next replaces it).
  const onResize = () => {
    renderer.resize(stdout.columns || 80, stdout.rows || 24);
    const s = size();
    controller.setSize(s.cols, s.rows);
  };
  // Ctrl-Z (raw mode turns it into a key) or a SIGTSTP from outside: give the shell a normal
  // screen and stop; SIGCONT (`fg`) takes the terminal back and draws everything again.
  let stopped = false;
  // While the editor has the terminal, a Ctrl-Z stops it and us together; the editor redraws itself.
  let inEditor = false;
  const setRaw = (on: boolean) => {
    if (stdin.isTTY) stdin.setRawMode(on);
  };
  function suspendToShell() {
    if (restored) return;
    if (inEditor) {
      process.kill(0, 'SIGSTOP');
      return;
    }
    stopped = true;
    renderer.pause();
    setRaw(false);
    stdout.write(LEAVE_ALT);
    // The whole process group (pid 0), as a terminal's Ctrl-Z would: started as `node bin/tmail.js`
    // tmail runs under a launcher (bin/heap-cap.js), and the shell sees the job stopped only when
    // that launcher stops too.
    process.kill(0, 'SIGSTOP');
  }
  const onContinue = () => {
    if (restored || inEditor) return;
    if (stopped) {
      stopped = false;
      setRaw(true);
      stdout.write(ENTER_ALT);
    }
    // Stopped from outside (SIGSTOP) or not: the screen may have been drawn over meanwhile.
    onResize();
    renderer.redraw();
  };
  await sentinel?.ready;
  stdout.write(ENTER_ALT);
  stdout.on('resize', onResize);
  // Installed here, removed in the finally below: one list so the two cannot drift apart.
  const processHandlers: Parameters<typeof process.on>[] = [
    ['SIGTSTP', suspendToShell],
    ['SIGCONT', onContinue],
  ];
  for (const [event, handler] of processHandlers) process.on(event, handler);

  const mount = () =>
    render(
      React.createElement(App, {
        controller,
        keys,
        loader,
        theme: makeTheme(ctx.env),
        configPath: paths(ctx).configFile,
        trace,
        ...(options.hint ? { hint: options.hint } : {}),
      }),
      // debug: Ink hands each whole frame to the renderer's stream instead of drawing it itself.
      { stdout: renderer.inkStdout, stdin, stderr: ctx.stderr as NodeJS.WriteStream, exitOnCtrlC: false, debug: true },
    );
  let instance = mount();
  // Held logins go now. The MIME stack loads once the open folder is quiet for a second, so it
  // never competes with the first screen (or loads on the first message opened, if sooner).
  setImmediate(() => controller.drawn());
  let idleTimer: NodeJS.Timeout | undefined;
  const offIdle = controller.store.subscribe(() => {
    clearTimeout(idleTimer);
    const s = controller.state;
    if (s.loading.length > 0 || !s.current?.opened) return;
    idleTimer = setTimeout(() => {
      offIdle();
      void loader.ready().catch(() => undefined);
    }, 1_000);
    idleTimer.unref();
  });
  // The editor gets the real terminal: Ink is unmounted (which releases raw mode), the normal
  // screen is back; afterwards a fresh Ink instance draws everything again at the current size.
  async function suspend<T>(fn: () => T | Promise<T>): Promise<T> {
    renderer.pause();
    instance.unmount();
    instance.cleanup();
    stdout.off('resize', onResize);
    stdout.write(LEAVE_ALT);
    inEditor = true;
    try {
      return await fn();
    } finally {
      inEditor = false;
      stdout.write(ENTER_ALT);
      stdout.on('resize', onResize);
      onResize();
      renderer.redraw();
      instance = mount();
    }
  }
  try {
    await quit;
  } finally {
    renderer.pause();
    offIdle();
    clearTimeout(idleTimer);
    instance.unmount();
    instance.cleanup();
    stdout.off('resize', onResize);
    restore();
    passwordAbort.abort();
    for (const [event, handler] of processHandlers) process.off(event, handler);
    guard.uninstall();
    sentinel?.dismiss();
    // Logging out politely must not keep a dead server's user waiting at the shell.
    await Promise.race([controller.stop(), new Promise((r) => setTimeout(r, 2000).unref())]);
    traceFile?.close();
  }
  // The first-run screen's `d`: this UI is fully closed (terminal restored) before the demo opens.
  if (demoRequested && options.onDemo) return options.onDemo();
  return 0;
}
