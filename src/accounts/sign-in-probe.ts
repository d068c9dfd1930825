// Which SASL mechanisms a server offers before anyone signs in: IMAP CAPABILITY (AUTH=...) or
// POP3 CAPA (SASL ...), read over the account's TLS (certificates verified) without logging in.
// `tmail account add` uses it to notice a server that takes only OAuth2 and go to the OAuth2
// questions instead of asking for a password that would never work.
//
// IMAP is a few lines by hand: imapflow always signs in when it connects. POP3 uses our client.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Protocol } from '../config/types.js';
import { Pop3Client } from './pop3/client.js';
import { type SecurityConfig, tlsOptions } from './security.js';

export interface ProbeTarget extends SecurityConfig {
  protocol: Protocol;
}

const TIMEOUT_MS = 5_000;
const MAX_LINE = 8192;

/** The mechanisms offered (upper case), or undefined when the server could not be asked. */
export async function probeSaslMechanisms(target: ProbeTarget, timeoutMs = TIMEOUT_MS): Promise<string[] | undefined> {
  try {
    const found = target.protocol === 'pop3' ? await probePop3(target, timeoutMs) : await probeImap(target, timeoutMs);
    return found.map((m) => m.toUpperCase()).filter((m) => /^[A-Z0-9_-]{1,40}$/.test(m));
  } catch {
    // Advisory only: the wizard then asks as it always did.
    return undefined;
  }
}

async function probePop3(t: ProbeTarget, timeoutMs: number): Promise<string[]> {
  const client = await Pop3Client.connect({ host: t.host, port: t.port, security: t.security, tls: tlsOptions(t), limits: { timeoutMs } });
  try {
    await client.capabilities();
    const sasl = client.capabilityArgs.get('SASL');
    await client.quit().catch(() => undefined);
    return sasl ? sasl.split(/\s+/).filter(Boolean) : [];
  } finally {
    client.close();
  }
}

/** A line reader over a socket that can be swapped for its TLS upgrade. */
class Lines {
  private buf = '';
  private waiting: ((line: string) => void) | undefined;
  private failed: ((err: Error) => void) | undefined;
  private queue: string[] = [];

  constructor(public socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  attach(socket: Socket | TLSSocket): void {
    this.socket = socket;
    this.buf = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      if (this.buf.length > MAX_LINE && !this.buf.includes('\n')) return this.fail(new Error('line too long'));
      let end = this.buf.indexOf('\n');
      while (end >= 0) {
        this.queue.push(this.buf.slice(0, end).replace(/\r$/, ''));
        this.buf = this.buf.slice(end + 1);
        end = this.buf.indexOf('\n');
      }
      this.flush();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  private flush(): void {
    if (this.waiting && this.queue.length) {
      const w = this.waiting;
      this.waiting = undefined;
      this.failed = undefined;
      w(this.queue.shift()!);
    }
  }

  private fail(err: Error): void {
    const f = this.failed;
    this.waiting = undefined;
    this.failed = undefined;
    f?.(err);
  }

  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      this.flush();
    });
  }

  /** Lines up to the tagged completion of `tag`; rejects unless it is OK. */
  async untilTagged(tag: string): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.next();
      if (line.startsWith(`${tag} `)) {
        if (!/^\S+ OK\b/i.test(line)) throw new Error('refused');
        return lines;
      }
      lines.push(line);
    }
  }
}

function connected(socket: Socket | TLSSocket, secure: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once(secure ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', reject);
  });
}

function capabilitiesIn(line: string): string[] | undefined {
  const m = /^\* (?:OK \[)?CAPABILITY ([^\]]*)/i.exec(line);
  return m ? m[1]!.split(/\s+/) : undefined;
}

async function probeImap(t: ProbeTarget, timeoutMs: number): Promise<string[]> {
  const tls = tlsOptions(t);
  let socket: Socket | TLSSocket = t.security === 'tls' ? tlsConnect({ ...tls, host: t.host, port: t.port }) : netConnect({ host: t.host, port: t.port });
  const timer = setTimeout(() => socket.destroy(new Error('timeout')), timeoutMs);
  try {
    await connected(socket, t.security === 'tls');
    const lines = new Lines(socket);
    const greeting = await lines.next();
    if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) throw new Error('not an IMAP greeting');
    let caps = t.security === 'starttls' ? undefined : capabilitiesIn(greeting);
    if (t.security === 'starttls') {
      socket.write('a0 STARTTLS\r\n');
      await lines.untilTagged('a0');
      socket.removeAllListeners('data');
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      const secure = tlsConnect({ ...tls, socket });
      await connected(secure, true);
      socket = secure;
      lines.attach(secure);
    }
    if (!caps) {
      socket.write('a1 CAPABILITY\r\n');
      caps = (await lines.untilTagged('a1')).map(capabilitiesIn).find(Boolean) ?? [];
    }
    socket.write('a2 LOGOUT\r\n');
    return caps.filter((c) => /^AUTH=/i.test(c)).map((c) => c.slice(5));
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}
