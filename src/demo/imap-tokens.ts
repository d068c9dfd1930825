// Reading IMAP commands for the demo server: CRLF lines with literals (`{N}` synchronising, the
// server answers "+"; `{N+}` LITERAL+), then a small tokenizer into atoms, strings and lists.

/** A command as received: text pieces with the literal payloads between them. */
export type CommandPart = string | Buffer;

export type Token = string | { str: string; bytes?: Buffer } | Token[];

const MAX_LINE = 64 * 1024;

export class CommandReader {
  private buf: Buffer = Buffer.alloc(0);
  private parts: CommandPart[] = [];
  private literal = 0;
  /** Largest literal accepted; the session keeps it small until the client has logged in. */
  maxLiteral = 8 * 1024;

  /**
   * Feeds bytes; returns complete commands. `onContinue` is called when the client waits for
   * permission to send a synchronising literal. Throws on oversized input.
   */
  push(chunk: Buffer, onContinue: () => void): CommandPart[][] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: CommandPart[][] = [];
    for (;;) {
      if (this.literal > 0) {
        if (this.buf.length < this.literal) return out;
        this.parts.push(Buffer.from(this.buf.subarray(0, this.literal)));
        this.buf = this.buf.subarray(this.literal);
        this.literal = 0;
        continue;
      }
      const nl = this.buf.indexOf('\r\n');
      if (nl === -1) {
        if (this.buf.length > MAX_LINE) throw new Error('line too long');
        return out;
      }
      const line = this.buf.subarray(0, nl).toString('utf8');
      this.buf = this.buf.subarray(nl + 2);
      const m = /\{(\d+)(\+?)\}$/.exec(line);
      if (m) {
        const n = Number(m[1]);
        if (n > this.maxLiteral) throw new Error('literal too large');
        this.parts.push(line.slice(0, m.index));
        this.literal = n;
        if (n === 0) this.parts.push(Buffer.alloc(0));
        if (!m[2] && n > 0 && this.buf.length < n) onContinue();
        continue;
      }
      this.parts.push(line);
      out.push(this.parts);
      this.parts = [];
    }
  }
}

/** Tokenizes a command's parts. Brackets in atoms (`BODY[HEADER.FIELDS (A B)]`) stay in the atom. */
export function tokenize(parts: CommandPart[]): Token[] {
  const root: Token[] = [];
  const stack: Token[][] = [root];
  const top = () => stack[stack.length - 1]!;
  for (const part of parts) {
    if (Buffer.isBuffer(part)) {
      top().push({ str: part.toString('utf8'), bytes: part });
      continue;
    }
    let i = 0;
    while (i < part.length) {
      const ch = part[i]!;
      if (ch === ' ') i++;
      else if (ch === '(') {
        const list: Token[] = [];
        top().push(list);
        stack.push(list);
        i++;
      } else if (ch === ')') {
        if (stack.length > 1) stack.pop();
        i++;
      } else if (ch === '"') {
        let s = '';
        i++;
        while (i < part.length && part[i] !== '"') {
          if (part[i] === '\\' && i + 1 < part.length) i++;
          s += part[i++];
        }
        i++;
        top().push({ str: s });
      } else {
        let s = '';
        let depth = 0;
        while (i < part.length) {
          const c = part[i]!;
          if (depth === 0 && (c === ' ' || c === '(' || c === ')')) break;
          if (c === '[') depth++;
          if (c === ']') depth--;
          s += c;
          i++;
        }
        top().push(s);
      }
    }
  }
  return root;
}

/** The text of an atom or string token ('' for a list). */
export function text(t: Token | undefined): string {
  if (t === undefined || Array.isArray(t)) return '';
  return typeof t === 'string' ? t : t.str;
}
