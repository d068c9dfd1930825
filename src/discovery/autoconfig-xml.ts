// Thunderbird's autoconfig format (clientConfig version 1.1): the first usable IMAP, POP3 and
// SMTP server of the file. Parsed with fast-xml-parser: pure JS, typed, widely used and kept up,
// and with entity processing off it expands nothing a hostile file declares.
import { XMLParser } from 'fast-xml-parser';
import type { Security } from '../config/types.js';
import type { ServerSetting } from './types.js';

export interface AutoconfigServers {
  imap?: ServerSetting;
  pop3?: ServerSetting;
  smtp?: ServerSetting;
  /** True when the file offers only OAuth2 for a server it lists. */
  oauth2Only?: boolean;
}

const LISTS = new Set(['emailProvider', 'incomingServer', 'outgoingServer', 'authentication']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => LISTS.has(name),
});

/** Throws an Error with a short reason when `xml` is not an autoconfig file. */
export function parseAutoconfig(xml: string, email: string): AutoconfigServers {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`not valid XML (${(err as Error).message.split('\n')[0]})`);
  }
  const root = obj(doc.clientConfig);
  const providers = root ? arr(root.emailProvider) : [];
  if (!root || providers.length === 0) throw new Error('not an autoconfig file (no clientConfig/emailProvider)');
  const out: AutoconfigServers = {};
  let oauthOnly = false;
  for (const provider of providers.map(obj)) {
    if (!provider) continue;
    const servers = [...arr(provider.incomingServer), ...arr(provider.outgoingServer)].map(obj);
    for (const server of servers) {
      if (!server) continue;
      const type = str(server['@type']);
      const key = type === 'imap' ? 'imap' : type === 'pop3' ? 'pop3' : type === 'smtp' ? 'smtp' : undefined;
      if (!key || out[key]) continue;
      const auths = arr(server.authentication).map(str);
      if (auths.length > 0 && auths.every((a) => a === 'OAuth2')) oauthOnly = true;
      const setting = serverSetting(server, email);
      if (setting) out[key] = setting;
    }
  }
  if (oauthOnly) out.oauth2Only = true;
  return out;
}

function serverSetting(server: Record<string, unknown>, email: string): ServerSetting | undefined {
  const host = fill(str(server.hostname), email)?.toLowerCase();
  const port = Number(str(server.port));
  const security = SOCKET_TYPES[str(server.socketType)?.toUpperCase() ?? ''];
  if (!host || !isHostName(host) || !Number.isInteger(port) || port < 1 || port > 65535 || !security) return undefined;
  const setting: ServerSetting = { host, port, security };
  const user = fill(str(server.username), email);
  if (user && !/[\u0000-\u001f\u007f]/.test(user)) setting.user = user;
  return setting;
}

const SOCKET_TYPES: Record<string, Security> = { SSL: 'tls', TLS: 'tls', STARTTLS: 'starttls', PLAIN: 'none' };

/** Fills in %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN%. */
export function fill(template: string | undefined, email: string): string | undefined {
  if (template === undefined) return undefined;
  const at = email.lastIndexOf('@');
  const values: Record<string, string> = {
    EMAILADDRESS: email,
    EMAILLOCALPART: email.slice(0, at),
    EMAILDOMAIN: email.slice(at + 1),
  };
  return template.replace(/%([A-Z]+)%/g, (whole, name: string) => values[name] ?? whole);
}

export function isHostName(host: string): boolean {
  return host.length <= 253 && /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host);
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  const o = obj(v);
  return o && typeof o['#text'] === 'string' ? o['#text'].trim() : undefined;
}
