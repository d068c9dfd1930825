// A tiny scripted POP3 server on 127.0.0.1 for unit tests of the protocol layer: what Dovecot will
// not do on demand (no UIDL, hostile replies, replies split at chosen bytes). Messages are given
// in wire form (CRLF); the server dot-stuffs them like a real one.
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

export interface FakePop3Options {
  messages: Buffer[];
  user?: string;
  password?: string;
  uidls?: string[] | null; // null = UIDL unsupported
  /** Greeting text after "+OK " (include a <ts@host> for APOP). */
  greeting?: string;
  capa?: string[];
  /** Splits each outgoing write into pieces sent in separate ticks (e.g. byte by byte). */
  split?: (data: Buffer) => Buffer[];
  /** QUIT commits the DELEs, then the connection drops before the +OK reaches the client. */
  loseQuitReply?: boolean;
  /** Overrides the reply to a command line (return raw bytes to send), or undefined for the default. */
  override?: (line: string) => Buffer | string | undefined;
}

export interface FakePop3Server {
  port: number;
  /** Message numbers (1-based) deleted by a completed QUIT. */
  deleted: Set<number>;
  commands: string[];
  stop(): Promise<void>;
}

export function dotStuff(wire: Buffer): Buffer {
  const text = wire.toString('latin1');
  const stuffed = text.replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(stuffed.endsWith('\r\n') || stuffed.length === 0 ? stuffed : `${stuffed}\r\n`, 'latin1');
}

export async function startFakePop3(opts: FakePop3Options): Promise<FakePop3Server> {
  const deleted = new Set<number>();
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const user = opts.user ?? 'alice';
  const password = opts.password ?? 'secret';
  const greeting = opts.greeting ?? 'fake POP3 ready';

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const marked = new Set<number>();
    let queue = Promise.resolve();
    const send = (data: Buffer | string) => {
      const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      const pieces = opts.split ? opts.split(buf) : [buf];
      queue = queue.then(async () => {
        for (const piece of pieces) {
          if (socket.destroyed) return;
          socket.write(piece);
          if (pieces.length > 1) await new Promise((r) => setTimeout(r, 1));
        }
      });
    };
    const exists = (n: number) => n >= 1 && n <= opts.messages.length && !marked.has(n) && !deleted.has(n);
    send(`+OK ${greeting}\r\n`);
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      let i;
      while ((i = pending.indexOf('\r\n')) !== -1) {
        const line = pending.slice(0, i);
        pending = pending.slice(i + 2);
        commands.push(line);
        const custom = opts.override?.(line);
        if (custom !== undefined) {
          send(custom);
          continue;
        }
        const [cmd = '', a, b] = line.split(' ');
        const n = Number(a);
        switch (cmd.toUpperCase()) {
          case 'CAPA':
            send(`+OK\r\n${(opts.capa ?? ['USER', 'TOP', ...(opts.uidls === null ? [] : ['UIDL'])]).join('\r\n')}\r\n.\r\n`);
            break;
          case 'USER':
            send(a === user ? '+OK\r\n' : '-ERR no such user\r\n');
            break;
          case 'PASS':
            send(line.slice(5) === password ? '+OK logged in\r\n' : '-ERR [AUTH] Authentication failed.\r\n');
            break;
          case 'APOP': {
            const ts = /<[^>]+>/.exec(greeting)?.[0] ?? '';
            const ok =
              a === user &&
              b ===
                createHash('md5')
                  .update(ts + password)
                  .digest('hex');
            send(ok ? '+OK logged in\r\n' : '-ERR [AUTH] Authentication failed.\r\n');
            break;
          }
          case 'STAT': {
            const live = opts.messages.map((m, j) => [j + 1, m.length] as const).filter(([k]) => exists(k));
            send(`+OK ${live.length} ${live.reduce((s, [, l]) => s + l, 0)}\r\n`);
            break;
          }
          case 'LIST':
            send(`+OK\r\n${opts.messages.map((m, j) => (exists(j + 1) ? `${j + 1} ${m.length}\r\n` : '')).join('')}.\r\n`);
            break;
          case 'UIDL':
            if (opts.uidls === null) send('-ERR UIDL not supported\r\n');
            else send(`+OK\r\n${opts.messages.map((_, j) => (exists(j + 1) ? `${j + 1} ${opts.uidls?.[j] ?? `uid-${j + 1}`}\r\n` : '')).join('')}.\r\n`);
            break;
          case 'RETR':
          case 'TOP': {
            if (!exists(n)) {
              send('-ERR no such message\r\n');
              break;
            }
            let body = opts.messages[n - 1]!;
            if (cmd.toUpperCase() === 'TOP') {
              const end = body.indexOf('\r\n\r\n');
              body = end === -1 ? body : body.subarray(0, end + 4);
            }
            send(Buffer.concat([Buffer.from(`+OK ${body.length} octets\r\n`), dotStuff(body), Buffer.from('.\r\n')]));
            break;
          }
          case 'DELE':
            if (!exists(n)) send('-ERR no such message\r\n');
            else {
              marked.add(n);
              send('+OK\r\n');
            }
            break;
          case 'RSET':
            marked.clear();
            send('+OK\r\n');
            break;
          case 'NOOP':
            send('+OK\r\n');
            break;
          case 'QUIT':
            for (const m of marked) deleted.add(m);
            if (opts.loseQuitReply) {
              queue = queue.then(() => void socket.destroy());
              break;
            }
            send('+OK bye\r\n');
            queue = queue.then(() => void socket.end());
            break;
          default:
            send('-ERR unknown command\r\n');
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    deleted,
    commands,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
