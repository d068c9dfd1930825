// The way out of the full-screen UI when something other than `q` ends it: SIGTERM, SIGHUP,
// SIGINT, a closed terminal (EIO or end of input on stdin), an uncaught exception or rejection.
// Each leaves the alternate screen, shows the cursor and turns raw mode off, then exits at once:
// parsing runs in a worker (src/mime/parse-in-worker.ts) and wrapping is lazy, so the main
// thread is free to run these handlers within a second at any time.
// A V8 fatal error in the main thread (out of memory) runs no JavaScript; that case needs a parent
// process and is not handled here.

const LEAVE = '\u001b[?25h\u001b[?1049l';

export interface TerminalGuardOptions {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** Prints one line on stderr (`tmail: …`). */
  line: (text: string) => void;
  debug: boolean;
  /** What leaves the full screen (default: show the cursor, leave the alternate screen). */
  leave?: string;
  /** Called first, before the terminal is restored (e.g. to stop Ink drawing). */
  beforeRestore?: () => void;
}

export interface TerminalGuard {
  /** Restores the terminal (idempotent). */
  restore(): void;
  /** Removes the process handlers (normal quit). */
  uninstall(): void;
}

const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export function guardTerminal(opts: TerminalGuardOptions): TerminalGuard {
  const { stdout, stdin } = opts;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      opts.beforeRestore?.();
    } catch {
      // restoring the terminal matters more
    }
    try {
      if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
    } catch {
      // the terminal may be gone already
    }
    try {
      stdout.write(opts.leave ?? LEAVE);
    } catch {
      // EIO on a closed terminal
    }
  };
  const exit = (code: number) => {
    restore();
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => exit(EXIT_CODES[signal] ?? 1);
  // A closed terminal: the shell is gone, nobody will ever press q.
  const onInputGone = () => exit(129);
  const onInputError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EIO' || err.code === 'ENXIO' || err.code === 'EBADF') exit(129);
  };
  const onOutputError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EIO' || err.code === 'EPIPE') exit(129);
  };
  const onCrash = (err: unknown) => {
    restore();
    opts.line(`internal error: ${err instanceof Error ? err.message : String(err)}`);
    if (opts.debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(70);
  };
  const handlers: [NodeJS.EventEmitter, string, (...args: never[]) => void][] = [
    [process, 'SIGTERM', onSignal],
    [process, 'SIGHUP', onSignal],
    [process, 'SIGINT', onSignal],
    [process, 'uncaughtException', onCrash],
    [process, 'unhandledRejection', onCrash],
    [process, 'exit', restore],
    [stdin, 'end', onInputGone],
    [stdin, 'error', onInputError],
    [stdout, 'error', onOutputError],
  ];
  for (const [emitter, event, handler] of handlers) emitter.on(event, handler as (...args: unknown[]) => void);
  return {
    restore,
    uninstall() {
      for (const [emitter, event, handler] of handlers) emitter.off(event, handler as (...args: unknown[]) => void);
    },
  };
}
