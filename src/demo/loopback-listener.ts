// Both demo servers listen the same way: a random free port on loopback, one session per
// connection, and a close() that also ends open sessions (a client in IDLE would keep the
// server alive otherwise).
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface LoopbackListener {
  port: number;
  close(): Promise<void>;
}

export async function listenOnLoopback(host: string, onConnection: (socket: Socket) => void): Promise<LoopbackListener> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
