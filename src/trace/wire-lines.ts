// Turns raw IMAP socket chunks into logical lines for the trace. A literal (`{2312}` at the end
// of a line, then 2312 bytes) is counted, never kept: the line reads `… BODY[] {2312 octets})`.
// That keeps message bodies out of the trace and memory bounded whatever the server sends.

const MAX_PENDING = 8192;

export class WireLines {
  private pending = '';
  private truncated = 0;
  private literalLeft = 0;

  /** Feeds a chunk; returns the logical lines it completed. */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, chunk.length - i);
        this.literalLeft -= take;
        i += take;
        continue;
      }
      const nl = chunk.indexOf(0x0a, i);
      const end = nl === -1 ? chunk.length : nl + 1;
      this.append(chunk.subarray(i, end).toString('latin1'));
      i = end;
      if (nl === -1) break;
      const line = this.pending.replace(/\r?\n$/, '');
      const literal = /\{(\d+)[+-]?\}$/.exec(line);
      if (literal && this.truncated === 0) {
        this.literalLeft = Number(literal[1]);
        this.pending = `${line.slice(0, literal.index)}{${literal[1]} octets}`;
        continue;
      }
      const text = Buffer.from(line, 'latin1').toString('utf8');
      out.push(this.truncated ? `${text}… (+${this.truncated} bytes)` : text);
      this.pending = '';
      this.truncated = 0;
    }
    return out;
  }

  private append(text: string): void {
    const room = MAX_PENDING - this.pending.length;
    if (text.length <= room) this.pending += text;
    else {
      // Keep the line ending so the line still completes.
      const ending = text.endsWith('\n') ? '\n' : '';
      this.pending += text.slice(0, Math.max(0, room));
      this.truncated += text.length - Math.max(0, room) - ending.length;
      this.pending += ending;
    }
  }
}
