// The one TCP proxy of the tests, on 127.0.0.1: forwards to a target and lets a test
// - cut one connection at a chosen point (a given command, after N bytes) or re-chunk/rewrite what
//   the server sends (split a POP3 terminator across packets, strip STARTTLS as an attacker would,
//   add a POP3 LOGIN-DELAY the server does not have);
// - drop every live connection at once (cutAll), or stop forwarding on them (freezeAll: a hung
//   server or a silent network path), or hold the reply to one command (stall-reply);
// - watch cleartext traffic (commands, everything the client sent, IMAP `* n FETCH` responses).
// Command matching needs a plaintext protocol; with TLS it can still cut by byte counts.
// Stops only the sockets and server it created.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ProxyConnection {
  id: number;
  /** Complete command lines the client sent so far (CRLF stripped). */
  commands: string[];
  /** The last complete client line (the command the server is answering). */
  lastCommand: string;
  clientBytes: number;
  serverBytes: number;
  /** Destroys both sides at once (the client sees a reset/close, the server too). */
  cut(): void;
}

export interface ProxyHooks {
  /**
   * Client→server, called per complete line: 'cut' drops the connection without forwarding the
   * line; 'forward-then-cut' forwards it and drops only the client side at once, so the server acts
   * on the command but the client never sees the reply (e.g. a QUIT the server committed);
   * 'forward' passes it on; 'cut-before-reply' (IMAP) forwards it and cuts the connection when
   * the server's tagged reply to it arrives, without delivering that reply: the server has done
   * the command, the client cannot know; 'stall-reply' (IMAP) forwards it and, when the server's
   * tagged reply arrives, holds that reply and everything after it on this connection (a server
   * or network that went silent after doing the command).
   */
  onClientLine?: (line: string, conn: ProxyConnection) => 'forward' | 'cut' | 'forward-then-cut' | 'cut-before-reply' | 'stall-reply';
  /**
   * Client→server, called per complete line before onClientLine: a promise holds the line (and
   * every later one) back until it settles, then forwards it (e.g. another client acts first).
   */
  holdClientLine?: (line: string, conn: ProxyConnection) => Promise<void> | undefined;
  /** Server→client: return the pieces to send (each written in its own tick), or 'cut'. */
  onServerData?: (chunk: Buffer, conn: ProxyConnection) => Buffer[] | 'cut';
}

export interface TcpProxy {
  host: string;
  port: number;
  hooks: ProxyHooks;
  /** Connections accepted so far. */
  connections: number;
  /** Connections cut by a hook so far. */
  cuts: number;
  /** Untagged `* n FETCH` responses the server sent (IMAP, cleartext sessions only). */
  fetchResponses: number;
  /** Everything clients sent, concatenated (only meaningful for cleartext sessions). */
  clientText(): string;
  /** Destroys every live connection in both directions, as a network drop would. */
  cutAll(): void;
  /** Stops forwarding on the connections open now (a hung server or a silent network path). */
  freezeAll(): void;
  /** Cuts what is live and stops listening (new connections are refused). */
  stop(): Promise<void>;
}

/** Rewrites each server chunk (e.g. to strip a capability); a ready-made `onServerData`. */
export function rewriteServer(rewrite: (chunk: Buffer) => Buffer): NonNullable<ProxyHooks['onServerData']> {
  return (chunk) => [rewrite(chunk)];
}

/**
 * POP3 (cleartext): the server's bytes as whole replies, each with the command it answers (replies
 * come in the order of the commands, also when the client pipelines them, RFC 2449; the last
 * command sent is then not the one answered). `rewrite` returns what to send instead of a reply
 * (latin1), or 'cut'; an incomplete reply is held until its end arrives. The greeting's command
 * is ''.
 */
export function pop3ByReply(rewrite: (reply: string, command: string, conn: ProxyConnection) => string | 'cut'): NonNullable<ProxyHooks['onServerData']> {
  const sessions = new WeakMap<ProxyConnection, { greeted: boolean; answered: number; pending: string }>();
  return (chunk, conn) => {
    let session = sessions.get(conn);
    if (!session) sessions.set(conn, (session = { greeted: false, answered: 0, pending: '' }));
    session.pending += chunk.toString('latin1');
    let out = '';
    for (;;) {
      const command = session.greeted ? conn.commands[session.answered] : '';
      if (command === undefined) break;
      const text = session.pending;
      const statusEnd = text.indexOf('\r\n');
      if (statusEnd < 0) break;
      const multiline = text.startsWith('+OK') && /^(CAPA|LIST|UIDL|RETR \S+|TOP \S+ \S+)$/i.test(command);
      const bodyEnd = multiline ? text.indexOf('\r\n.\r\n', statusEnd) : statusEnd;
      if (bodyEnd < 0) break;
      const end = multiline ? bodyEnd + 5 : statusEnd + 2;
      session.pending = text.slice(end);
      const reply = rewrite(text.slice(0, end), command, conn);
      if (reply === 'cut') return 'cut';
      out += reply;
      if (session.greeted) session.answered++;
      session.greeted = true;
    }
    return out ? [Buffer.from(out, 'latin1')] : [];
  };
}

/**
 * POP3 (cleartext): adds `LOGIN-DELAY <seconds>` to every CAPA reply, so the real Dovecot (which
 * has no LOGIN-DELAY) plays a server that allows one login per `seconds` (RFC 2449). The line goes
 * before the reply's terminating ".".
 */
export function pop3LoginDelay(seconds: number): NonNullable<ProxyHooks['onServerData']> {
  return pop3ByReply((reply, command) => {
    if (command.toUpperCase() !== 'CAPA' || !reply.startsWith('+OK') || /^LOGIN-DELAY/m.test(reply)) return reply;
    return `${reply.slice(0, -5)}\r\nLOGIN-DELAY ${seconds}\r\n.\r\n`;
  });
}

/**
 * POP3 (cleartext): answers a successful PASS with `-ERR [LOGIN-DELAY] …` (RFC 2449), as a server
 * does to a login too soon after the last one. (Dovecot did log the user in; the client's QUIT
 * then ends that session without changes.)
 */
export function pop3RefuseLoginAsTooSoon(): NonNullable<ProxyHooks['onServerData']> {
  return pop3ByReply((reply, command) => (/^PASS /i.test(command) && reply.startsWith('+OK') ? '-ERR [LOGIN-DELAY] Wait before logging in again\r\n' : reply));
}

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

const FETCH_LINE = /^\* \d+ FETCH /;

/** `target` is a port on 127.0.0.1 or a host and port. */
export async function startTcpProxy(target: number | { host: string; port: number }, hooks: ProxyHooks = {}): Promise<TcpProxy> {
  const to = typeof target === 'number' ? { host: '127.0.0.1', port: target } : target;
  const sockets = new Set<Socket>();
  const frozen = new WeakSet<Socket>();
  const sent: Buffer[] = [];
  let nextId = 1;
  const proxy: TcpProxy = {
    host: '127.0.0.1',
    port: 0,
    hooks,
    connections: 0,
    cuts: 0,
    fetchResponses: 0,
    clientText: () => Buffer.concat(sent).toString('latin1'),
    cutAll: () => {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    freezeAll: () => {
      for (const s of sockets) frozen.add(s);
    },
    stop: async () => undefined,
  };

  const server: Server = createServer((client) => {
    proxy.connections++;
    const upstream = connect({ host: to.host, port: to.port });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    let dead = false;
    const conn: ProxyConnection = {
      id: nextId++,
      commands: [],
      lastCommand: '',
      clientBytes: 0,
      serverBytes: 0,
      cut() {
        if (dead) return;
        dead = true;
        proxy.cuts++;
        client.destroy();
        upstream.destroy();
      },
    };
    const close = () => {
      dead = true;
      client.destroy();
      upstream.end();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);

    let partial = '';
    /** The tag whose reply is to be swallowed (cut-before-reply). */
    let cutAtReplyTo: string | undefined;
    /** The tag whose reply starts the silence (stall-reply). */
    let stallAtReplyTo: string | undefined;
    /** A line held back by holdClientLine: later lines wait behind it. */
    let held = false;
    const drain = () => {
      let at: number;
      while (!held && (at = partial.indexOf('\n')) !== -1) {
        const raw = partial.slice(0, at + 1);
        partial = partial.slice(at + 1);
        const line = raw.replace(/\r?\n$/, '');
        conn.commands.push(line);
        conn.lastCommand = line;
        const hold = proxy.hooks.holdClientLine?.(line, conn);
        if (hold) {
          held = true;
          void hold.then(() => {
            held = false;
            if (!dead) upstream.write(Buffer.from(raw, 'latin1'));
            drain();
          });
          return;
        }
        const verdict = proxy.hooks.onClientLine?.(line, conn) ?? 'forward';
        if (verdict === 'cut') return conn.cut();
        if (verdict === 'cut-before-reply') cutAtReplyTo = line.split(' ')[0];
        if (verdict === 'stall-reply') stallAtReplyTo = line.split(' ')[0];
        if (!dead) upstream.write(Buffer.from(raw, 'latin1'));
        if (verdict === 'forward-then-cut') {
          dead = true;
          proxy.cuts++;
          client.destroy();
          // Let the server finish on its own (it closes after QUIT); never leave it dangling.
          upstream.setTimeout(5000, () => upstream.destroy());
          upstream.on('data', () => undefined);
          return;
        }
      }
    };
    client.on('data', (chunk: Buffer) => {
      if (frozen.has(client)) return;
      sent.push(chunk);
      conn.clientBytes += chunk.length;
      partial += chunk.toString('latin1');
      drain();
    });

    // Server→client writes go through one chain so re-chunked pieces keep their order.
    let chain = Promise.resolve();
    let serverPartial = '';
    upstream.on('data', (chunk: Buffer) => {
      if (frozen.has(upstream)) return;
      conn.serverBytes += chunk.length;
      const lines = (serverPartial + chunk.toString('latin1')).split('\r\n');
      serverPartial = lines.pop() ?? '';
      for (const line of lines) if (FETCH_LINE.test(line)) proxy.fetchResponses++;
      if (cutAtReplyTo !== undefined && lines.some((line) => line.startsWith(`${cutAtReplyTo} `))) return conn.cut();
      if (stallAtReplyTo !== undefined && lines.some((line) => line.startsWith(`${stallAtReplyTo} `))) {
        frozen.add(upstream);
        frozen.add(client);
        return;
      }
      const verdict = proxy.hooks.onServerData?.(chunk, conn) ?? [chunk];
      if (verdict === 'cut') return conn.cut();
      chain = chain.then(async () => {
        for (const [i, piece] of verdict.entries()) {
          if (dead || frozen.has(client)) return;
          if (i > 0) await tick();
          client.write(piece);
        }
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      proxy.cutAll();
      server.close(() => resolve());
    });
  return proxy;
}

/** Splits `chunk` so that every POP3 terminator (CRLF . CRLF) arrives in two pieces: "…\r\n." and "\r\n". */
export function splitTerminators(chunk: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  let at = chunk.indexOf('\r\n.\r\n');
  while (at !== -1) {
    pieces.push(chunk.subarray(from, at + 3));
    from = at + 3;
    at = chunk.indexOf('\r\n.\r\n', from);
  }
  pieces.push(chunk.subarray(from));
  return pieces.filter((p) => p.length > 0);
}
