// Line and secret input from the CLI's stdin. One reader per stream, shared by every prompt, so
// piped input ("imap\nme@example.com\n...") is consumed one line per question and nothing that
// arrived early is lost between questions.
import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';

type Input = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** The user pressed Ctrl-C (or Ctrl-D on an empty secret) at a prompt. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'PromptCancelled';
  }
}

/** Input ended (EOF) while a prompt was waiting for an answer. */
export class InputEnded extends Error {
  constructor(what: string) {
    super(`input ended while waiting for ${what}`);
    this.name = 'InputEnded';
  }
}

class InputReader {
  private buffer = '';
  private ended = false;
  private attached = false;
  private wake: (() => void) | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private readonly onData = (chunk: Buffer | string) => {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    this.notify();
  };
  private readonly onEnd = () => {
    this.buffer += this.decoder.end();
    this.ended = true;
    this.notify();
  };

  constructor(private readonly stream: Input) {}

  /** One line without its line ending, or null at end of input. */
  async readLine(): Promise<string | null> {
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl).replace(/\r$/, '');
        this.buffer = this.buffer.slice(nl + 1);
        return line;
      }
      if (this.ended) {
        if (!this.buffer) return null;
        const last = this.buffer;
        this.buffer = '';
        return last;
      }
      await this.more();
    }
  }

  /** Reads a secret: on a TTY with echo off (raw mode, nothing printed); otherwise one line. */
  async readSecret(echoTo: Writable): Promise<string | null> {
    if (!this.stream.isTTY || typeof this.stream.setRawMode !== 'function') return this.readLine();
    this.stream.setRawMode(true);
    let secret = '';
    try {
      for (;;) {
        while (this.buffer) {
          const ch = this.takeChar();
          if (ch === '\r' || ch === '\n') return secret;
          if (ch === '\u0003') throw new PromptCancelled();
          if (ch === '\u0004') {
            if (!secret) return null;
            return secret;
          }
          if (ch === '\u007f' || ch === '\b') secret = [...secret].slice(0, -1).join('');
          else if (ch === '\u0015') secret = '';
          else if (ch === '\u001b') this.skipEscapeSequence();
          else if (ch >= ' ') secret += ch;
        }
        if (this.ended) return secret || null;
        await this.more();
      }
    } finally {
      this.stream.setRawMode(false);
      echoTo.write('\n');
    }
  }

  /** Stops listening so the process can exit; later reads attach again. */
  release(): void {
    if (!this.attached) return;
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.pause();
    this.attached = false;
  }

  private takeChar(): string {
    const ch = String.fromCodePoint(this.buffer.codePointAt(0)!);
    this.buffer = this.buffer.slice(ch.length);
    return ch;
  }

  // Arrow keys and the like arrive as ESC [ ... final-byte; none of it belongs in a password.
  private skipEscapeSequence(): void {
    const m = /^(\[[0-?]*[ -/]*[@-~]|O.|.)?/s.exec(this.buffer);
    this.buffer = this.buffer.slice(m?.[0].length ?? 0);
  }

  private more(): Promise<void> {
    if (!this.attached) {
      this.stream.on('data', this.onData);
      this.stream.on('end', this.onEnd);
      this.attached = true;
    }
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.stream.resume();
    }).finally(() => {
      // Paused between questions so an idle reader never keeps the process alive.
      if (!this.ended) this.stream.pause();
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

const readers = new WeakMap<Readable, InputReader>();

export function inputReader(stream: Input): InputReader {
  let reader = readers.get(stream);
  if (!reader) {
    reader = new InputReader(stream);
    readers.set(stream, reader);
  }
  return reader;
}

export function releaseInput(stream: Readable): void {
  readers.get(stream)?.release();
}

export interface Asker {
  /** Asks `question`; an empty answer gives `defaultValue`. Throws InputEnded at EOF. */
  ask(question: string, defaultValue?: string): Promise<string>;
  /** Asks for a secret with echo off on a TTY. */
  askSecret(question: string): Promise<string>;
}

/** The password prompt that config/password.ts is given (it may not import the CLI). */
export function secretPrompt(ctx: { stdin: Input; stderr: Writable }): (question: string) => Promise<string> {
  return (question) => makeAsker(ctx.stdin, ctx.stderr).askSecret(question);
}

export function makeAsker(input: Input, output: Writable): Asker {
  const reader = inputReader(input);
  return {
    async ask(question, defaultValue) {
      output.write(defaultValue ? `${question} [${defaultValue}]: ` : `${question}: `);
      const line = await reader.readLine();
      if (line === null) {
        if (!input.isTTY) output.write('\n');
        throw new InputEnded(`an answer to "${question}"`);
      }
      const answer = line.trim();
      return answer || defaultValue || '';
    },
    async askSecret(question) {
      output.write(`${question}: `);
      const secret = await reader.readSecret(output);
      if (secret === null) throw new InputEnded(`an answer to "${question}"`);
      return secret;
    },
  };
}
