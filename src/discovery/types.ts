// What server discovery hands the account wizard: per protocol a host, port and security, plus
// where the answer came from so the user can judge it before confirming.
import type { Security } from '../config/types.js';

export interface ServerSetting {
  host: string;
  port: number;
  security: Security;
  /** The login name the source suggests (templates like %EMAILLOCALPART% already filled in). */
  user?: string;
}

export type FindingKind = 'table' | 'autoconfig' | 'srv' | 'mx';

export interface Finding {
  kind: FindingKind;
  /** In words, for the user: "tmail's table of large providers (Gmail)", "https://autoconfig.example.org/...". */
  source: string;
  imap?: ServerSetting;
  pop3?: ServerSetting;
  smtp?: ServerSetting;
  /** Something the user should know about this provider (app passwords, OAuth2). */
  note?: string;
  /** Provider preset for OAuth2 sign-in ('google' | 'microsoft'), when the provider wants it. */
  oauthProvider?: string;
}

export interface DiscoveryResult {
  /** Best first: table, autoconfig, SRV, MX. */
  findings: Finding[];
  /** Lookups that failed for a reason worth telling (a timeout, a bad file); "nothing there" is not one. */
  problems: string[];
}
