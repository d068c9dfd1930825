// Ink's useInput reports function keys (F1…F12) as nothing at all. Ink reads its keys from the
// stream given as its public `stdin` option: this stream sits between the terminal and Ink,
// passes every byte on unchanged and reports the function keys it sees on the way.
import { Readable } from 'node:stream';
import { FUNCTION_KEYS } from './keys/bindings.js';

/** What the tap needs of the terminal's input (process.stdin, or a test's fake). */
export interface InputSource {
  isTTY?: boolean;
  read(): string | Buffer | null;
  on(event: 'readable', listener: () => void): unknown;
  off(event: 'readable', listener: () => void): unknown;
  setRawMode(on: boolean): unknown;
  ref(): unknown;
  unref(): unknown;
}

// CSI and SS3 sequences: every function key is one of them.
const ESCAPES = /\u001b(?:\[\[?[0-9;]*[~A-Za-z]|O[A-Z])/g;

/** The function keys (as key specs: 'f5') in a chunk of terminal input, in order. */
export function functionKeysIn(chunk: string): string[] {
  return [...chunk.matchAll(ESCAPES)].flatMap((m) => (FUNCTION_KEYS[m[0]] ? [FUNCTION_KEYS[m[0]]!] : []));
}

export class InputTap extends Readable {
  readonly isTTY: boolean;
  private listening = false;

  constructor(
    private readonly source: InputSource,
    private readonly onFunctionKey: (spec: string) => void,
  ) {
    super();
    this.isTTY = source.isTTY ?? false;
  }

  override _read(): void {
    // Data is pushed as the source has it.
  }

  /** Ink turns raw mode on while it reads keys (and off when unmounted, e.g. for the editor). */
  setRawMode(on: boolean): this {
    this.source.setRawMode(on);
    if (on && !this.listening) this.source.on('readable', this.pump);
    if (!on && this.listening) this.source.off('readable', this.pump);
    this.listening = on;
    return this;
  }

  ref(): this {
    this.source.ref();
    return this;
  }

  unref(): this {
    this.source.unref();
    return this;
  }

  private readonly pump = (): void => {
    let chunk: string | Buffer | null;
    while ((chunk = this.source.read()) !== null) {
      // Escape sequences are ASCII: latin1 never fails on a UTF-8 character cut in two.
      for (const k of functionKeysIn(typeof chunk === 'string' ? chunk : chunk.toString('latin1'))) this.onFunctionKey(k);
      this.push(chunk);
    }
  };
}
