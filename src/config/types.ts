// Shape of config.json. Validation (with precise per-account, per-field errors) lives in
// validate.ts; this file only names things so every module agrees on them.

export type Protocol = 'imap' | 'pop3';
/** tls = implicit TLS (993/995/465); starttls = upgrade on the plain port (143/110/587). */
export type Security = 'tls' | 'starttls' | 'none';

/** Where a password comes from. Never stored in config.json itself. */
export interface PasswordSource {
  /** Run through the shell; the first line of stdout is the password. */
  passwordCommand?: string;
  /** Name of an environment variable holding the password. */
  passwordEnv?: string;
}

export interface SmtpConfig extends PasswordSource {
  host: string;
  port: number;
  security: Security;
  user?: string;
  /** `Name <address>` or a bare address. */
  from?: string;
  ca?: string;
  allowInsecureAuth?: boolean;
}

export interface AccountConfig extends PasswordSource {
  name: string;
  protocol: Protocol;
  host: string;
  port: number;
  security: Security;
  user: string;
  /** The user's address, for display and as a default From. */
  email?: string;
  /** Path to a PEM file with a CA or self-signed certificate to trust for this server. */
  ca?: string;
  /** Allow sending a password over an unencrypted connection. Default false. */
  allowInsecureAuth?: boolean;
  smtp?: SmtpConfig;
  /**
   * The port each protocol uses on this server, remembered for switching model (IMAP <-> POP3):
   * a switch takes the target protocol's port from here and records the port it leaves.
   */
  ports?: { imap?: number; pop3?: number };

  // POP3 options (ignored for IMAP, kept so switching model back and forth keeps them).
  /** Keep downloaded messages on the server. Default false. */
  leaveOnServer?: boolean;
  /** With leaveOnServer: delete from the server once a message has been kept this many days. */
  deleteAfterDays?: number;
  /** Delete from the server when the user deletes the local copy. Default false. */
  deleteOnServerWhenDeletedLocally?: boolean;
  /** Use APOP when the server offers it (weak: MD5). Default false. */
  apop?: boolean;
}

export interface TmailConfig {
  accounts: AccountConfig[];
  /** User key bindings: action name -> key spec (see src/ui keys). */
  keys?: Record<string, string>;
}

export const DEFAULT_PORTS: Record<Protocol, Record<Security, number>> = {
  imap: { tls: 993, starttls: 143, none: 143 },
  pop3: { tls: 995, starttls: 110, none: 110 },
};
