// `tmail` with no arguments: the full-screen UI. Everything that can go wrong before the first
// frame (broken config, bad key map, no terminal, password prompt) is reported on stderr as one
// line; after that, errors live in the status bar and the terminal is always restored.
// The steps live in startup/: settings, passwords, Ink loading, the terminal session.
import type { CliContext } from '../cli/context.js';
import type { TraceBuffer } from '../trace/buffer.js';
import { askPasswords } from './startup/passwords.js';
import { line, loadSettings } from './startup/settings.js';

const POLL_MS = 60_000;

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
  const settings = await loadSettings(ctx);
  if (typeof settings === 'number') return settings;
  if (!ctx.stdout.isTTY || !ctx.stdin.isTTY) {
    line(ctx, 'the mail UI needs a terminal; for scripts use `tmail folders` or `tmail list`');
    return 2;
  }
  // Ink owns the terminal once it starts, so interactive passwords are asked for first.
  const passwords = await askPasswords(ctx, settings.config);
  if (typeof passwords === 'number') return passwords;
  const { config, keys } = settings;

  // The controller and the account layer are light (protocol libraries load on the first login):
  // they start first, so the logins (cold start) and the header cache (warm start) get going
  // while Ink, React and the components load.
  const { UiController, createAccount, accountSlots, lazyLoader, TraceBuffer, CellRenderer, TerminalSession, paths, accountDataDir, ...early } = await import(
    './startup/ui-modules.js'
  );
  const loader = lazyLoader(async () => (await import('./message-loader.js')).createDefaultLoader());
  // The trace pane's buffer (bounded); --trace FILE gets the same lines.
  const trace = new TraceBuffer();
  const traceFile = await openTraceFile(ctx, options.traceFile, trace);
  if (typeof traceFile === 'number') return traceFile;
  const stdout = ctx.stdout as NodeJS.WriteStream;
  const stdin = ctx.stdin as NodeJS.ReadStream;
  const addresses = new early.AddressCompleter({
    dataDir: paths(ctx).dataDir,
    env: ctx.env,
    // The address parser behind identities loads when the first address is recorded.
    own: async () => {
      const { identityOf } = await import('../compose/identity.js');
      return config.accounts.flatMap((a) => identityOf(a).addresses);
    },
    ...(config.addressBookCommand ? { addressBookCommand: config.addressBookCommand } : {}),
  });
  // A hint line (the demo's guide) takes the top row; everything else lays out in the rest.
  const hintRows = options.hint ? 1 : 0;
  const size = () => ({ cols: stdout.columns || 80, rows: Math.max(3, (stdout.rows || 24) - hintRows) });
  // Ink draws into this renderer, which writes only the cells that changed to the terminal.
  // Flushed right after Ink's frame, in the same turn: renders are already coalesced (coalesced-subscribe.ts).
  const renderer = new CellRenderer(stdout, stdout.columns || 80, stdout.rows || 24, queueMicrotask);
  const session = new TerminalSession({ stdout, stdin, renderer, onSize: () => controller.setSize(size().cols, size().rows) });

  let resolveQuit!: () => void;
  const quit = new Promise<void>((r) => (resolveQuit = r));
  let demoRequested = false;
  const offerDemo = options.onDemo && config.accounts.length === 0;
  const controller = new UiController({
    accounts: accountSlots(ctx, config.accounts, passwords.credentials, createAccount, trace),
    keys,
    loader,
    ...size(),
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
    terminal: { suspend: () => session.suspendToShell(), redraw: () => session.redraw() },
    handoff: { suspend: (fn) => session.suspend(fn), pressAnyKey: (text) => session.pressAnyKey(text) },
    compose: {
      suspend: (fn) => session.suspend(fn),
      env: ctx.env,
      trace,
      addresses,
      account: (i) => {
        const a = config.accounts[i];
        return a && { config: a, smtpCredentials: passwords.smtp[i]!, dataDir: accountDataDir(ctx, a.name) };
      },
    },
  });
  showPasswordWaits(passwords, controller);

  controller.start();
  let ui;
  let sentinel: ReturnType<typeof early.startSentinel>;
  try {
    // A cold start's login goes on the wire first: the server opens the INBOX while Ink loads.
    await controller.loginStarted();
    // Started now, while the login runs (its spawn, a fork of this process, no longer delays the
    // socket): it reads the terminal's settings before raw mode and restores them after a V8
    // fatal error (out of memory), when no JavaScript runs.
    sentinel = early.startSentinel(ctx.stdin as NodeJS.ReadStream);
    // A nearby server's login is through in a few round trips if nothing else holds the thread:
    // then the SELECT is on the wire while Ink loads (bounded, for a far or slow server).
    await controller.loginThrough();
    ui = await early.loadInk();
    // A warm start's cached rows are in the very first frame.
    await controller.firstScreen();
  } catch (err) {
    await controller.stop();
    throw err;
  }
  const { render, React, App, makeTheme } = ui;

  // SIGTERM/SIGHUP/SIGINT, a closed terminal and crashes restore the terminal and end tmail.
  const guard = early.guardTerminal({
    stdout,
    stdin,
    line: (text) => line(ctx, text),
    debug: !!ctx.env.TMAIL_DEBUG,
    leave: early.LEAVE_ALT,
    beforeRestore: () => renderer.pause(),
  });
  // Ink reads keys through this tap, which also reports the function keys Ink drops.
  const inkStdin = new early.InputTap(stdin, (spec) => controller.handleKey({ spec, text: '' })) as unknown as NodeJS.ReadStream;
  const theme = makeTheme(ctx.env);
  const configPath = paths(ctx).configFile;
  await sentinel?.ready;
  // Only for the bench (TMAIL_KEY_LATENCY=FILE): key latency measured inside tmail.
  const stopKeyLog = ctx.env.TMAIL_KEY_LATENCY
    ? (await import('./startup/key-latency-log.js')).startKeyLatencyLog(ctx.env.TMAIL_KEY_LATENCY, stdin, stdout)
    : undefined;
  session.start(
    () =>
      render(
        React.createElement(App, { controller, keys, loader, theme, configPath, trace, ...(options.hint ? { hint: options.hint } : {}) }),
        // debug: Ink hands each whole frame to the renderer's stream instead of drawing it itself.
        { stdout: renderer.inkStdout, stdin: inkStdin, stderr: ctx.stderr as NodeJS.WriteStream, exitOnCtrlC: false, debug: true },
      ),
    guard,
  );
  // The first frame is drawn now rather than on the renderer's next tick, which comes after
  // React's effects of that first render.
  renderer.flush();
  // Held logins go now.
  setImmediate(() => controller.drawn());
  const offIdle = warmParserWhenIdle(controller, loader);
  try {
    await quit;
  } finally {
    offIdle();
    stopKeyLog?.();
    session.close();
    passwords.abort.abort();
    sentinel?.dismiss();
    // Logging out politely must not keep a dead server's user waiting at the shell.
    await Promise.race([controller.stop(), new Promise((r) => setTimeout(r, 2000).unref())]);
    traceFile?.close();
  }
  // The first-run screen's `d`: this UI is fully closed (terminal restored) before the demo opens.
  if (demoRequested && options.onDemo) return options.onDemo();
  return 0;
}

/** `--trace FILE`, opened before the UI so an unwritable path is one clear line, not a broken screen. */
async function openTraceFile(ctx: CliContext, file: string | undefined, trace: TraceBuffer): Promise<{ close(): void } | undefined | number> {
  if (!file) return undefined;
  const { openTraceFile, TraceFileError } = await import('../trace/file-sink.js');
  try {
    return openTraceFile(file, trace);
  } catch (err) {
    if (err instanceof TraceFileError) {
      line(ctx, err.message);
      return 2;
    }
    throw err;
  }
}

/** A passwordCommand waiting (for a pinentry, say) shows in the status bar until it answers. */
function showPasswordWaits(
  passwords: { onWaiting(show: (name: string, command: string, waiting: boolean) => void): void },
  controller: { track<T>(label: string, p: Promise<T>): Promise<T> },
): void {
  const waits = new Map<string, () => void>();
  passwords.onWaiting((name, command, waiting) => {
    waits.get(name)?.();
    waits.delete(name);
    if (waiting) void controller.track(`waiting for ${command} (${name})…`, new Promise<void>((r) => waits.set(name, r)));
  });
}

/**
 * The message parser's worker starts once the open folder is quiet for a second, so it never
 * competes with the first screen (or at the first message opened, if sooner). The mail libraries
 * load in that worker, not on this thread. Returns the unsubscribe.
 */
function warmParserWhenIdle(
  controller: { store: { subscribe(l: () => void): () => void }; state: { loading: string[]; current?: { opened: boolean } } },
  loader: { warm(): void },
): () => void {
  let idleTimer: NodeJS.Timeout | undefined;
  const off = controller.store.subscribe(() => {
    clearTimeout(idleTimer);
    const s = controller.state;
    if (s.loading.length > 0 || !s.current?.opened) return;
    idleTimer = setTimeout(() => {
      off();
      loader.warm();
    }, 1_000);
    idleTimer.unref();
  });
  return () => {
    off();
    clearTimeout(idleTimer);
  };
}
