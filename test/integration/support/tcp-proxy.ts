// A loopback TCP proxy for tests: forwards to a target port, can cut every live connection (to
// simulate a dropped network), and watches the cleartext traffic — how many connections were made,
// what the client sent, and how many untagged FETCH responses the server sent back.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Everything clients sent, concatenated (only meaningful for cleartext sessions). */
  clientBytes(): string;
  /** Untagged `* n FETCH` responses the server sent (cleartext sessions only). */
  fetchResponses: number;
  /** Destroys every live connection in both directions, as a network drop would. */
  cutAll(): void;
  /** Stops forwarding on the connections open now (a hung server or a silent network path). */
  freezeAll(): void;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  /** Rewrites what the server sends before the client sees it (e.g. to strip STARTTLS, as an attacker would). */
  rewriteServer?: (chunk: Buffer) => Buffer;
}

export async function startTcpProxy(targetPort: number, opts: TcpProxyOptions = {}): Promise<TcpProxy> {
  const targetHost = '127.0.0.1';
  const live = new Set<net.Socket>();
  const frozen = new WeakSet<net.Socket>();
  const sent: Buffer[] = [];
  const FETCH_LINE = /^\* \d+ FETCH /;
  const proxy: TcpProxy = {
    port: 0,
    connections: 0,
    fetchResponses: 0,
    clientBytes: () => Buffer.concat(sent).toString('latin1'),
    freezeAll: () => {
      for (const s of live) frozen.add(s);
    },
    cutAll: () => {
      for (const s of live) s.destroy();
      live.clear();
    },
    close: async () => {
      proxy.cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = net.createServer((client) => {
    proxy.connections++;
    const upstream = net.connect(targetPort, targetHost);
    live.add(client);
    live.add(upstream);
    let partial = '';
    client.on('data', (chunk: Buffer) => {
      if (frozen.has(client)) return;
      sent.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (frozen.has(upstream)) return;
      const text = partial + chunk.toString('latin1');
      const lines = text.split('\r\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (FETCH_LINE.test(line)) proxy.fetchResponses++;
      client.write(opts.rewriteServer ? opts.rewriteServer(chunk) : chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as net.AddressInfo).port;
  return proxy;
}
