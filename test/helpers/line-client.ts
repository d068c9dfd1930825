// A minimal CRLF line client for talking raw POP3/IMAP to the test server (greeting, commands,
// multi-line replies, STARTTLS/STLS upgrade). Test-only: no timeouts beyond `timeoutMs`, no pipelining.
import net from 'node:net';
import tls from 'node:tls';

export class LineClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private ended = false;
  private error: Error | undefined;

  private constructor(
    private socket: net.Socket,
    readonly timeoutMs: number,
  ) {
    this.attach(socket);
  }

  /** Plain TCP (`tlsOptions` unset) or implicit TLS. */
  static async connect(port: number, opts: { host?: string; tls?: tls.ConnectionOptions; timeoutMs?: number } = {}): Promise<LineClient> {
    const host = opts.host ?? '127.0.0.1';
    const socket = opts.tls ? tls.connect({ host, port, ...opts.tls }) : net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once(opts.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new LineClient(socket, opts.timeoutMs ?? 10_000);
  }

  get secure(): boolean {
    return this.socket instanceof tls.TLSSocket && this.socket.encrypted;
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (err) => {
      this.error = err;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async waitForData(): Promise<void> {
    if (this.error) throw this.error;
    if (this.ended) throw new Error('connection closed by server');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${this.timeoutMs} ms`)), this.timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The next line without its CRLF, as raw bytes. */
  async readLineBytes(): Promise<Buffer> {
    for (;;) {
      const at = this.buf.indexOf('\r\n');
      if (at !== -1) {
        const line = this.buf.subarray(0, at);
        this.buf = this.buf.subarray(at + 2);
        return line;
      }
      await this.waitForData();
    }
  }

  async readLine(): Promise<string> {
    return (await this.readLineBytes()).toString('utf8');
  }

  /** Sends one command line and returns the first reply line. */
  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.readLine();
  }

  /** Reads a POP3 multi-line body up to "." and undoes dot-stuffing; lines joined with CRLF. */
  async readMultiline(): Promise<Buffer> {
    const lines: Buffer[] = [];
    for (;;) {
      const line = await this.readLineBytes();
      if (line.length === 1 && line[0] === 0x2e) break;
      lines.push(line[0] === 0x2e ? line.subarray(1) : line);
    }
    return Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')]));
  }

  /** Upgrades the connection in place after a successful STLS/STARTTLS reply. */
  async startTls(options: tls.ConnectionOptions): Promise<void> {
    if (this.buf.length) throw new Error('unexpected data before TLS upgrade');
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('error');
    const secure = tls.connect({ ...options, socket: this.socket });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}
