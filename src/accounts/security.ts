// Connection security policy shared by every protocol backend (IMAP, POP3, later SMTP): which
// certificates are trusted and when a password may cross the wire. Kept in one place so the
// backends cannot drift apart on the rules that protect the user's credentials.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { AccountError } from '../domain/index.js';
import type { Security } from '../config/types.js';

/** The part of an account (or SMTP block) the policy looks at. */
export interface SecurityConfig {
  name?: string;
  host: string;
  port: number;
  security: Security;
  ca?: string;
  allowInsecureAuth?: boolean;
}

/**
 * Node TLS options for this server: certificates are always verified; `ca` (a PEM file) adds a
 * trusted CA or self-signed certificate *in addition to* the system store.
 */
export function tlsOptions(config: SecurityConfig): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: true, minVersion: 'TLSv1.2' };
  // SNI must not carry an IP literal (RFC 6066); Node still checks the IP against the cert SANs.
  if (!isIP(config.host)) options.servername = config.host;
  if (config.ca) options.ca = readCa(config);
  return options;
}

function readCa(config: SecurityConfig): string {
  let pem: string;
  try {
    pem = readFileSync(config.ca!, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read it';
    throw new AccountError('config', `${who(config)}: the \`ca\` file ${config.ca} is unusable (${reason})`, { cause: err });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AccountError('config', `${who(config)}: the \`ca\` file ${config.ca} holds no PEM certificate`);
  }
  return pem;
}

/** True when the transport itself will be encrypted before any credential is sent. */
export function isEncrypted(security: Security): boolean {
  return security === 'tls' || security === 'starttls';
}

/**
 * Call before the password (or an access token: `secret`) is asked for or sent: refuses to send it over a cleartext connection
 * unless the user opted in with `allowInsecureAuth`.
 */
export function assertPasswordMayBeSent(config: SecurityConfig, encrypted: boolean, secret = 'password'): void {
  if (encrypted || config.allowInsecureAuth) return;
  throw new AccountError(
    'insecure',
    `${who(config)}: refusing to send the ${secret} to ${config.host}:${config.port} without TLS ` +
      '(use security "tls" or "starttls", or set allowInsecureAuth: true if you accept the risk)',
  );
}

function who(config: SecurityConfig): string {
  return config.name ? `account ${config.name}` : `${config.host}:${config.port}`;
}
