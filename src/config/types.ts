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

/**
 * How an account signs in. Absent or `{ method: 'password' }`: a password from
 * passwordCommand / passwordEnv / a prompt. `oauth2`: a bearer token, from `tokenCommand` or from
 * tokens obtained by `tmail account login NAME` (device grant or authorization code + PKCE) and
 * stored 0600 in the account's data dir.
 */
export type AuthConfig = { method: 'password' } | OAuth2Config;

export interface OAuth2Config {
  method: 'oauth2';
  /** Preset filling in endpoints and scope: 'google' | 'microsoft'. */
  provider?: string;
  /** Run through the shell; the first line of stdout is an access token. Run again when the server rejects it. */
  tokenCommand?: string;
  clientId?: string;
  /** Run through the shell; the first line of stdout is the client secret (some providers need one). */
  clientSecretCommand?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
  scope?: string;
}

export interface SmtpConfig extends PasswordSource {
  /** Defaults to the account's auth. */
  auth?: AuthConfig;
  host: string;
  port: number;
  security: Security;
  user?: string;
  /** `Name <address>` or a bare address. */
  from?: string;
  ca?: string;
  allowInsecureAuth?: boolean;
}

/** One From address of an account (an alias), with its own signature. */
export interface IdentityConfig {
  /** `Name <address>` or a bare address. */
  from: string;
  /** Signature text (without the `-- ` line, which tmail adds). */
  signature?: string;
  /** File holding the signature; resolved like `ca` (`~/`, relative to the config file). */
  signatureFile?: string;
}

export interface AccountConfig extends PasswordSource {
  name: string;
  protocol: Protocol;
  host: string;
  port: number;
  security: Security;
  user: string;
  /** How to sign in; default password. */
  auth?: AuthConfig;
  /** The user's address, for display and as a default From. */
  email?: string;
  /** Path to a PEM file with a CA or self-signed certificate to trust for this server. */
  ca?: string;
  /** Allow sending a password over an unencrypted connection. Default false. */
  allowInsecureAuth?: boolean;
  smtp?: SmtpConfig;
  /**
   * The From addresses this account sends as; the first is used for new mail (else smtp.from,
   * email, user). A reply goes out from the one the original was sent to.
   */
  identities?: IdentityConfig[];
  /**
   * The port each protocol uses on this server, remembered for switching model (IMAP <-> POP3):
   * a switch takes the target protocol's port from here and records the port it leaves.
   */
  ports?: { imap?: number; pop3?: number };
  /** Saved searches, shown as virtual folders under the account (see saved-searches.ts). */
  searches?: SavedSearchConfig[];

  // POP3 options (ignored for IMAP, kept so switching model back and forth keeps them).
  /** Keep downloaded messages on the server. Default false. */
  leaveOnServer?: boolean;
  /** With leaveOnServer: delete from the server once a message has been kept this many days. */
  deleteAfterDays?: number;
  /** Delete from the server when the user deletes the local copy. Default false. */
  deleteOnServerWhenDeletedLocally?: boolean;
  /** Use APOP when the server offers it (weak: MD5). Default false. */
  apop?: boolean;
  /** Minutes between checks for new mail while tmail runs (POP3 has no push); 0 = only at start and `$`. Default 5. */
  checkInterval?: number;
}

/** Like mutt's mail_check (Thunderbird: 10 minutes); a server's LOGIN-DELAY can make it longer. */
export const DEFAULT_CHECK_INTERVAL_MINUTES = 5;

/** The account's periodic check interval in ms (0 = off). */
export function checkIntervalMs(account: Pick<AccountConfig, 'checkInterval'>): number {
  return (account.checkInterval ?? DEFAULT_CHECK_INTERVAL_MINUTES) * 60_000;
}

/** A saved search: `query` in the search language, run in `folder` (default INBOX). */
export interface SavedSearchConfig {
  name: string;
  query: string;
  folder?: string;
}

export interface TmailConfig {
  accounts: AccountConfig[];
  /** User key bindings: action name -> key spec (see src/ui keys). */
  keys?: Record<string, string>;
  /**
   * Address completion from the user's address book (aerc's contract): run through the shell with
   * the typed text as an argument (`%s`, else appended); prints `address<TAB>name` lines.
   */
  addressBookCommand?: string;
}

export const DEFAULT_PORTS: Record<Protocol, Record<Security, number>> = {
  imap: { tls: 993, starttls: 143, none: 143 },
  pop3: { tls: 995, starttls: 110, none: 110 },
};
