// The demo's POP3 server (RFC 1939 + CAPA/UIDL/TOP, APOP) over the shared DemoMailStore's INBOX.
// It shows the POP3 model: the client downloads (RETR), marks (DELE), and only at QUIT are the
// messages removed — from the same store the IMAP server shows, so the IMAP INBOX empties.
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { listenOnLoopback, type LoopbackListener } from './loopback-listener.js';
import type { DemoCredentials } from './imap-server.js';
import type { DemoMailStore, StoredMessage } from './mail-store.js';

const MAX_LINE = 1024;

function dotStuff(raw: Buffer): Buffer {
  let text = raw.toString('latin1');
  if (!text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(text.replace(/^\./gm, '..'), 'latin1');
}

class Pop3Session {
  private buf = '';
  private user: string | undefined;
  private drop: StoredMessage[] | undefined;
  private readonly deleted = new Set<number>();
  private readonly timestamp = `<${process.pid}.${randomBytes(6).toString('hex')}@tmail-demo>`;

  constructor(
    private readonly socket: Socket,
    private readonly store: DemoMailStore,
    private readonly creds: DemoCredentials,
  ) {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    this.send(`+OK tmail demo POP3 server ready ${this.timestamp}`);
    socket.on('data', (chunk: Buffer) => {
      this.buf += chunk.toString('utf8');
      let nl;
      while ((nl = this.buf.indexOf('\r\n')) !== -1) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 2);
        this.handle(line);
      }
      if (this.buf.length > MAX_LINE) {
        this.send('-ERR line too long');
        socket.destroy();
      }
    });
  }

  private send(line: string): void {
    if (!this.socket.destroyed) this.socket.write(`${line}\r\n`);
  }

  private msg(arg: string | undefined): { n: number; m: StoredMessage } | undefined {
    const n = Number(arg);
    const m = Number.isInteger(n) && n >= 1 ? this.drop?.[n - 1] : undefined;
    if (!m || this.deleted.has(n)) {
      this.send(`-ERR no such message${this.deleted.has(n) ? ' (deleted)' : ''}`);
      return undefined;
    }
    return { n, m };
  }

  private uidl(m: StoredMessage): string {
    return `${this.store.folder('INBOX')!.uidValidity}-${m.uid}`;
  }

  private enter(): void {
    // The maildrop as it is at login; the session works on this snapshot until QUIT (RFC 1939).
    this.drop = [...this.store.folder('INBOX')!.messages];
    const size = this.drop.reduce((s, m) => s + m.raw.length, 0);
    this.send(`+OK maildrop has ${this.drop.length} messages (${size} octets)`);
  }

  private handle(line: string): void {
    const [word = '', ...rest] = line.split(' ');
    const cmd = word.toUpperCase();
    const arg = rest[0];
    if (cmd === 'QUIT') return this.quit();
    if (cmd === 'CAPA') {
      this.send('+OK capability list follows');
      for (const c of ['TOP', 'UIDL', 'USER', 'RESP-CODES', 'PIPELINING', 'IMPLEMENTATION tmail-demo']) this.send(c);
      return this.send('.');
    }
    if (!this.drop) {
      switch (cmd) {
        case 'USER':
          this.user = arg;
          return this.send('+OK send PASS');
        case 'PASS':
          if (this.user === this.creds.user && rest.join(' ') === this.creds.password) return this.enter();
          this.user = undefined;
          return this.send('-ERR [AUTH] wrong user name or password');
        case 'APOP': {
          const digest = createHash('md5')
            .update(this.timestamp + this.creds.password)
            .digest('hex');
          if (arg === this.creds.user && rest[1] === digest) return this.enter();
          return this.send('-ERR [AUTH] wrong user name or digest');
        }
        case 'STLS':
          return this.send('-ERR the demo server runs on loopback only, without TLS');
        default:
          return this.send('-ERR log in first (USER/PASS or APOP)');
      }
    }
    const live = () => this.drop!.map((m, i) => ({ n: i + 1, m })).filter((x) => !this.deleted.has(x.n));
    switch (cmd) {
      case 'STAT': {
        const l = live();
        return this.send(`+OK ${l.length} ${l.reduce((s, x) => s + x.m.raw.length, 0)}`);
      }
      case 'LIST':
      case 'UIDL': {
        const value = (x: { n: number; m: StoredMessage }) => (cmd === 'LIST' ? String(x.m.raw.length) : this.uidl(x.m));
        if (arg !== undefined) {
          const x = this.msg(arg);
          return x && this.send(`+OK ${x.n} ${value(x)}`);
        }
        this.send(`+OK ${live().length} messages`);
        for (const x of live()) this.send(`${x.n} ${value(x)}`);
        return this.send('.');
      }
      case 'RETR':
      case 'TOP': {
        const x = this.msg(arg);
        if (!x) return;
        let data = x.m.raw;
        if (cmd === 'TOP') {
          const lines = Number(rest[1]);
          if (!Number.isInteger(lines) || lines < 0) return this.send('-ERR TOP needs a line count');
          const end = data.indexOf('\r\n\r\n');
          const head = end === -1 ? data : data.subarray(0, end + 4);
          const body =
            end === -1
              ? ''
              : data
                  .subarray(end + 4)
                  .toString('latin1')
                  .split('\r\n')
                  .slice(0, lines)
                  .join('\r\n');
          data = Buffer.concat([head, Buffer.from(body, 'latin1')]);
        }
        this.send(`+OK ${cmd === 'RETR' ? `${data.length} octets` : 'top of message follows'}`);
        this.socket.write(dotStuff(data));
        return this.send('.');
      }
      case 'DELE': {
        const x = this.msg(arg);
        if (!x) return;
        this.deleted.add(x.n);
        return this.send(`+OK message ${x.n} deleted`);
      }
      case 'RSET':
        this.deleted.clear();
        return this.send('+OK');
      case 'NOOP':
        return this.send('+OK');
      default:
        return this.send('-ERR unknown command');
    }
  }

  private quit(): void {
    if (this.drop && this.deleted.size) {
      // The UPDATE state: only now do DELEs take effect.
      this.store.remove(
        'INBOX',
        [...this.deleted].map((n) => this.drop![n - 1]!.uid),
      );
    }
    this.send(`+OK bye${this.drop ? ` (${this.deleted.size} messages removed)` : ''}`);
    this.socket.end();
  }
}

export type DemoPop3Server = LoopbackListener;

export async function startDemoPop3Server(store: DemoMailStore, creds: DemoCredentials, host = '127.0.0.1'): Promise<DemoPop3Server> {
  return listenOnLoopback(host, (socket) => new Pop3Session(socket, store, creds));
}
