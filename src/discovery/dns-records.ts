// RFC 6186 SRV records and MX records of an address's domain.
import type { MxRecord, SrvRecord } from 'node:dns';
import type { Security } from '../config/types.js';
import { isHostName } from './autoconfig-xml.js';
import type { ServerSetting } from './types.js';

/** The part of `dns.promises.Resolver` discovery uses (injectable: tests point it at a local server). */
export interface DnsResolver {
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolveMx(name: string): Promise<MxRecord[]>;
  resolve4(name: string): Promise<string[]>;
}

type Service = { label: string; protocol: 'imap' | 'pop3' | 'smtp'; security: Security };

// Implicit TLS first (RFC 8314 prefers it); the STARTTLS service is used when it is the only one.
const SERVICES: readonly Service[] = [
  { label: '_imaps._tcp', protocol: 'imap', security: 'tls' },
  { label: '_imap._tcp', protocol: 'imap', security: 'starttls' },
  { label: '_pop3s._tcp', protocol: 'pop3', security: 'tls' },
  { label: '_pop3._tcp', protocol: 'pop3', security: 'starttls' },
  { label: '_submissions._tcp', protocol: 'smtp', security: 'tls' },
  { label: '_submission._tcp', protocol: 'smtp', security: 'starttls' },
];

export interface SrvServers {
  imap?: ServerSetting;
  pop3?: ServerSetting;
  smtp?: ServerSetting;
}

/** Looks up every RFC 6186 service in parallel; `problems` gets lookups that failed (not "no record"). */
export async function lookupSrv(resolver: DnsResolver, domain: string, problems: string[]): Promise<SrvServers> {
  const answers = await Promise.all(
    SERVICES.map(async (s) => ({
      service: s,
      records: await records(() => resolver.resolveSrv(`${s.label}.${domain}`), `${s.label}.${domain} SRV`, problems),
    })),
  );
  const out: SrvServers = {};
  for (const { service, records: found } of answers) {
    if (out[service.protocol]) continue;
    const best = pickSrv(found);
    if (best) out[service.protocol] = { host: best.name, port: best.port, security: service.security };
  }
  return out;
}

/**
 * The record to use: lowest priority, then highest weight (a deterministic stand-in for RFC 2782's
 * weighted random pick: the wizard shows one server). A lone "." target means "not offered".
 */
export function pickSrv(found: readonly SrvRecord[]): SrvRecord | undefined {
  const usable = found
    .map((r) => ({ ...r, name: r.name.replace(/\.$/, '').toLowerCase() }))
    .filter((r) => r.name !== '' && r.name !== '.' && r.port > 0 && isHostName(r.name));
  usable.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  return usable[0];
}

/** MX host names, most preferred first. */
export async function lookupMx(resolver: DnsResolver, domain: string, problems: string[]): Promise<string[]> {
  const found = await records(() => resolver.resolveMx(domain), `${domain} MX`, problems);
  return [...found]
    .sort((a, b) => a.priority - b.priority)
    .map((r) => r.exchange.replace(/\.$/, '').toLowerCase())
    .filter(Boolean);
}

// "No such name" and "no such record" are ordinary answers; anything else (a timeout, a refused
// query) is worth a line, because then the absence of a result means nothing.
const NOTHING = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN', 'ENONAME']);

async function records<T>(query: () => Promise<T[]>, what: string, problems: string[]): Promise<T[]> {
  try {
    return await query();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    if (!NOTHING.has(code)) problems.push(`DNS lookup of ${what} failed (${code === 'ETIMEOUT' ? 'timeout' : code})`);
    return [];
  }
}
