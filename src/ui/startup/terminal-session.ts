// The full screen while the UI runs: the alternate screen, resizes, Ctrl-Z / SIGTSTP and `fg`,
// handing the terminal to the editor and back, and restoring it however tmail ends.
import type { CellRenderer } from '../terminal/cell-renderer.js';
import type { TerminalGuard } from '../terminal-guard.js';

// The alternate screen, cursor hidden, autowrap off (the cell renderer relies on it: a glyph a
// terminal draws wider than planned can then never wrap into the next row or scroll the screen).
export const ENTER_ALT = '\u001b[?1049h\u001b[?25l\u001b[?7l\u001b[H\u001b[2J';
export const LEAVE_ALT = '\u001b[m\u001b[H\u001b[2J\u001b[?7h\u001b[?25h\u001b[?1049l';

/** What a mounted Ink instance offers (ink's render() result). */
export interface Mounted {
  unmount(): void;
  cleanup(): void;
}

export interface TerminalSessionOptions {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  renderer: CellRenderer;
  /** The terminal has a new size (or may have): lay the UI out for it. */
  onSize(): void;
}

export class TerminalSession {
  private stopped = false;
  // While the editor has the terminal, a Ctrl-Z stops it and us together; the editor redraws itself.
  private inEditor = false;
  private restored = false;
  private instance: Mounted | undefined;
  private mountUi: (() => Mounted) | undefined;
  private guard: TerminalGuard | undefined;
  // Installed in start(), removed in close(): one list so the two cannot drift apart.
  private readonly processHandlers: Parameters<typeof process.on>[] = [
    ['SIGTSTP', () => this.suspendToShell()],
    ['SIGCONT', () => this.onContinue()],
  ];

  constructor(private readonly o: TerminalSessionOptions) {}

  /** Enters the full screen, installs the handlers and mounts the UI. */
  start(mount: () => Mounted, guard: TerminalGuard): void {
    this.mountUi = mount;
    this.guard = guard;
    this.o.stdout.write(ENTER_ALT);
    this.o.stdout.on('resize', this.onResize);
    for (const [event, handler] of this.processHandlers) process.on(event, handler);
    this.instance = mount();
  }

  /**
   * A new size: the next frame is laid out for it and drawn whole (also when a frame for the old
   * size is still on its way: the renderer cuts or pads it to the new size, and the next replaces it).
   */
  private readonly onResize = (): void => {
    const { stdout, renderer } = this.o;
    renderer.resize(stdout.columns || 80, stdout.rows || 24);
    this.o.onSize();
  };

  private setRaw(on: boolean): void {
    if (this.o.stdin.isTTY) this.o.stdin.setRawMode(on);
  }

  /**
   * Ctrl-Z (raw mode turns it into a key) or a SIGTSTP from outside: give the shell a normal
   * screen and stop; SIGCONT (`fg`) takes the terminal back and draws everything again.
   */
  suspendToShell(): void {
    if (this.restored) return;
    if (this.inEditor) {
      process.kill(0, 'SIGSTOP');
      return;
    }
    this.stopped = true;
    this.o.renderer.pause();
    this.setRaw(false);
    this.o.stdout.write(LEAVE_ALT);
    // The whole process group (pid 0), as a terminal's Ctrl-Z would: started as `node bin/tmail.js`
    // tmail runs under a launcher (bin/heap-cap.js), and the shell sees the job stopped only when
    // that launcher stops too.
    process.kill(0, 'SIGSTOP');
  }

  private onContinue(): void {
    if (this.restored || this.inEditor) return;
    if (this.stopped) {
      this.stopped = false;
      this.setRaw(true);
      this.o.stdout.write(ENTER_ALT);
    }
    // Stopped from outside (SIGSTOP) or not: the screen may have been drawn over meanwhile.
    this.onResize();
    this.o.renderer.redraw();
  }

  redraw(): void {
    this.o.renderer.redraw();
  }

  /**
   * The editor gets the real terminal: Ink is unmounted (which releases raw mode), the normal
   * screen is back; afterwards a fresh Ink instance draws everything again at the current size.
   */
  async suspend<T>(fn: () => T | Promise<T>): Promise<T> {
    const { stdout, renderer } = this.o;
    renderer.pause();
    this.unmount();
    stdout.off('resize', this.onResize);
    stdout.write(LEAVE_ALT);
    this.inEditor = true;
    try {
      return await fn();
    } finally {
      this.inEditor = false;
      stdout.write(ENTER_ALT);
      stdout.on('resize', this.onResize);
      this.onResize();
      renderer.redraw();
      this.instance = this.mountUi?.();
    }
  }

  /**
   * While suspended (the UI unmounted): `text` on the normal screen, then one key, read in raw
   * mode the way Ink reads keys, so the command's output stays readable until the user is done.
   */
  async pressAnyKey(text: string): Promise<void> {
    const { stdout, stdin } = this.o;
    stdout.write(`\r\n${text}`);
    if (!stdin.isTTY) return;
    this.setRaw(true);
    await new Promise<void>((resolve) => {
      const onReadable = () => {
        let got = false;
        while (stdin.read() !== null) got = true;
        if (!got) return;
        stdin.off('readable', onReadable);
        resolve();
      };
      stdin.on('readable', onReadable);
    });
    this.setRaw(false);
    stdout.write('\r\n');
  }

  private unmount(): void {
    this.instance?.unmount();
    this.instance?.cleanup();
  }

  /** Quit: Ink unmounted, the terminal restored, the handlers removed. */
  close(): void {
    this.o.renderer.pause();
    this.unmount();
    this.o.stdout.off('resize', this.onResize);
    this.restored = true;
    this.guard?.restore();
    for (const [event, handler] of this.processHandlers) process.off(event, handler);
    this.guard?.uninstall();
  }
}
