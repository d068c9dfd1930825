// Finding an address's mail servers, best source first: tmail's table of large providers, then
// Thunderbird-format autoconfig over HTTPS, RFC 6186 SRV records, and the MX records of domains
// hosted by a known provider. A table hit needs no network; otherwise every lookup runs in
// parallel under one short deadline, and only DNS queries and HTTPS GETs are sent.
import type { LookupFunction } from 'node:net';
import { parseAutoconfig } from './autoconfig-xml.js';
import { lookupMx, lookupSrv, type DnsResolver } from './dns-records.js';
import { httpsGet } from './https-get.js';
import { providerFinding, providerForDomain, providerForMx } from './providers.js';
import type { DiscoveryResult, Finding } from './types.js';

export interface DiscoveryDeps {
  resolver: DnsResolver;
  /** How HTTPS host names are resolved (default: the system's). */
  lookup?: LookupFunction;
  /** Extra CA (PEM) trusted for autoconfig servers. */
  ca?: string;
  /** Port for the autoconfig URLs (a test hook; 443 otherwise). */
  httpsPort?: number;
  /** Per lookup; the whole discovery is bounded by the same figure plus a little. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 4000;

export function domainOf(email: string): string {
  return email
    .slice(email.lastIndexOf('@') + 1)
    .toLowerCase()
    .replace(/\.$/, '');
}

export async function discover(email: string, deps: DiscoveryDeps): Promise<DiscoveryResult> {
  const domain = domainOf(email);
  const problems: string[] = [];
  const known = providerForDomain(domain);
  if (known) return { findings: [providerFinding(known, 'table', `tmail's table of large providers (${known.name})`, email)], problems };
  const ascii = new URL(`http://${domain}/`).hostname;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const [autoconfig, srv, mx] = await Promise.all([
    deadline(autoconfigFindings(ascii, email, deps, timeoutMs, problems), timeoutMs + 500, [], () => problems.push('autoconfig lookup timed out')),
    deadline(srvFinding(ascii, deps.resolver, problems), timeoutMs + 500, [], () => problems.push('SRV lookup timed out')),
    deadline(mxFinding(ascii, email, deps.resolver, problems), timeoutMs + 500, [], () => problems.push('MX lookup timed out')),
  ]);
  return { findings: [...autoconfig, ...srv, ...mx], problems };
}

export function autoconfigUrls(domain: string): string[] {
  return [`https://autoconfig.${domain}/mail/config-v1.1.xml`, `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`];
}

async function autoconfigFindings(domain: string, email: string, deps: DiscoveryDeps, timeoutMs: number, problems: string[]): Promise<Finding[]> {
  const results = await Promise.all(
    autoconfigUrls(domain).map(async (url): Promise<Finding | undefined> => {
      let xml: string;
      try {
        xml = await httpsGet(url, {
          timeoutMs,
          ...(deps.ca ? { ca: deps.ca } : {}),
          ...(deps.lookup ? { lookup: deps.lookup } : {}),
          ...(deps.httpsPort ? { port: deps.httpsPort } : {}),
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        // No such host or nothing listening is the usual "no autoconfig here"; a bad certificate is not.
        if (!['ENOTFOUND', 'ECONNREFUSED', 'ENODATA', 'EAI_AGAIN'].includes(e.code ?? '') && !/^HTTP 404$/.test(e.message)) {
          problems.push(`${url}: ${e.message.split('\n')[0]}`);
        }
        return undefined;
      }
      try {
        const servers = parseAutoconfig(xml, email);
        const { oauth2Only, ...found } = servers;
        if (!found.imap && !found.pop3 && !found.smtp) return undefined;
        return { kind: 'autoconfig', source: url, ...found, ...(oauth2Only ? { note: 'This provider lists only OAuth2 sign-in.' } : {}) };
      } catch (err) {
        problems.push(`${url}: ${(err as Error).message}`);
        return undefined;
      }
    }),
  );
  return results.filter((f): f is Finding => f !== undefined);
}

async function srvFinding(domain: string, resolver: DnsResolver, problems: string[]): Promise<Finding[]> {
  const found = await lookupSrv(resolver, domain, problems);
  if (!found.imap && !found.pop3 && !found.smtp) return [];
  return [{ kind: 'srv', source: `DNS SRV records of ${domain} (RFC 6186)`, ...found }];
}

async function mxFinding(domain: string, email: string, resolver: DnsResolver, problems: string[]): Promise<Finding[]> {
  for (const host of await lookupMx(resolver, domain, problems)) {
    const provider = providerForMx(host);
    if (provider) return [providerFinding(provider, 'mx', `the MX record of ${domain} (${host}, hosted by ${provider.name})`, email)];
  }
  return [];
}

async function deadline<T>(work: Promise<T>, ms: number, fallback: T, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve(fallback);
    }, ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
