// After a greeting timeout: connect once more and read the first line the server sends, to tell
// "silent server" from "a server of another protocol on this port" (a POP3 greeting "+OK" is not
// what an IMAP library waits for, so it only ever reports a timeout).
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

const MAX_LINE = 512;

/** The server's first line, or undefined (nothing within `timeoutMs`, or the connection failed). */
export function probeGreeting(host: string, port: number, tls: ConnectionOptions | undefined, timeoutMs = 3_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tls ? tlsConnect({ ...tls, host, port }) : netConnect({ host, port });
    let buf = '';
    let settled = false;
    const finish = (line: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(line);
    };
    const timer = setTimeout(() => finish(buf || undefined), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      buf += d;
      const end = buf.indexOf('\n');
      if (end >= 0 || buf.length > MAX_LINE) finish(buf.slice(0, end >= 0 ? end : MAX_LINE).replace(/\r$/, ''));
    });
    socket.on('error', () => finish(buf || undefined));
    socket.on('close', () => finish(buf || undefined));
  });
}
