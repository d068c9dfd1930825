// A real DNS server on 127.0.0.1 (the dns2 package, UDP) answering from a small zone, so tests
// can point tmail's resolver at it (TMAIL_DNS_SERVER or an injected Resolver).
import dns2 from 'dns2';

const { Packet } = dns2;

export interface Zone {
  A?: Record<string, string[]>;
  /** `target: '.'` is RFC 6186's "service not offered". */
  SRV?: Record<string, { target: string; port: number; priority?: number; weight?: number }[]>;
  MX?: Record<string, { exchange: string; priority: number }[]>;
}

export interface TestDnsServer {
  /** "127.0.0.1:PORT", for Resolver.setServers and TMAIL_DNS_SERVER. */
  address: string;
  /** Every name asked for, in order. */
  queries: string[];
  close(): Promise<void>;
}

export async function startDnsServer(zone: Zone): Promise<TestDnsServer> {
  const queries: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      for (const q of request.questions) {
        const name = q.name.toLowerCase();
        queries.push(name);
        const answer = (record: Record<string, unknown>) =>
          response.answers.push(Packet.createResourceFromQuestion(q, { ttl: 60, class: Packet.CLASS.IN, ...record }));
        if (q.type === Packet.TYPE.A) for (const address of zone.A?.[name] ?? []) answer({ address });
        if (q.type === Packet.TYPE.SRV) {
          for (const r of zone.SRV?.[name] ?? [])
            answer({ priority: r.priority ?? 0, weight: r.weight ?? 0, port: r.port, target: r.target === '.' ? '' : r.target });
        }
        if (q.type === Packet.TYPE.MX) for (const r of zone.MX?.[name] ?? []) answer({ exchange: r.exchange, priority: r.priority });
      }
      send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = server.addresses().udp!.port;
  return { address: `127.0.0.1:${port}`, queries, close: () => server.close() };
}
