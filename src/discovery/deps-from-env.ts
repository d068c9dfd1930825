// The resolver and HTTPS settings discovery uses. Normally the system's DNS servers and trust
// store; TMAIL_DNS_SERVER=HOST:PORT sends every DNS query (host names of autoconfig servers too)
// to one server, and TMAIL_AUTOCONFIG_CA / TMAIL_AUTOCONFIG_PORT add a trusted CA and change the
// HTTPS port: test hooks, so tests can run DNS and autoconfig servers on 127.0.0.1.
import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { DEFAULT_TIMEOUT_MS, type DiscoveryDeps } from './discover.js';
import type { DnsResolver } from './dns-records.js';

export function discoveryDepsFromEnv(env: NodeJS.ProcessEnv): DiscoveryDeps {
  const resolver = new Resolver({ timeout: DEFAULT_TIMEOUT_MS / 2, tries: 2 });
  const deps: DiscoveryDeps = { resolver };
  const server = env.TMAIL_DNS_SERVER?.trim();
  if (server) {
    resolver.setServers([server]);
    deps.lookup = lookupVia(resolver);
  }
  if (env.TMAIL_AUTOCONFIG_CA) deps.ca = readFileSync(env.TMAIL_AUTOCONFIG_CA, 'utf8');
  const port = Number(env.TMAIL_AUTOCONFIG_PORT);
  if (Number.isInteger(port) && port > 0 && port < 65536) deps.httpsPort = port;
  return deps;
}

/** A `lookup` for sockets that asks `resolver` (IPv4) instead of the system's resolver. */
export function lookupVia(resolver: DnsResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolver.resolve4(hostname).then(
      (addresses) => {
        const address = addresses[0];
        if (!address) {
          callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
          return;
        }
        if (options.all)
          (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(
            null,
            addresses.map((a) => ({ address: a, family: 4 })),
          );
        else callback(null, address, 4);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    );
  };
}
