// Hand-written validator for config.json. A JSON-schema validator would work, but its messages
// ("must be integer") cannot say which account is wrong in words a user recognises, so every rule
// here reports: file, account name and index, field, what was expected and what was found.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import {
  DEFAULT_PORTS,
  type AccountConfig,
  type AuthConfig,
  type IdentityConfig,
  type OAuth2Config,
  type Protocol,
  type Security,
  type SmtpConfig,
  type TmailConfig,
} from './types.js';
import { savedSearchesField } from './saved-searches.js';

const PROTOCOLS: readonly Protocol[] = ['imap', 'pop3'];
const SECURITIES: readonly Security[] = ['tls', 'starttls', 'none'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ACCOUNT_FIELDS = [
  'name',
  'protocol',
  'host',
  'port',
  'security',
  'user',
  'email',
  'passwordCommand',
  'passwordEnv',
  'ca',
  'allowInsecureAuth',
  'smtp',
  'leaveOnServer',
  'deleteAfterDays',
  'deleteOnServerWhenDeletedLocally',
  'apop',
  'checkInterval',
  'ports',
  'auth',
  'identities',
  'searches',
] as const;
const SMTP_FIELDS = ['host', 'port', 'security', 'user', 'from', 'ca', 'allowInsecureAuth', 'passwordCommand', 'passwordEnv', 'auth'] as const;
const AUTH_METHODS = ['password', 'oauth2'] as const;
/** Presets whose endpoints and scopes the OAuth2 module fills in. */
export const OAUTH2_PROVIDERS = ['google', 'microsoft'] as const;
const OAUTH2_FIELDS = [
  'method',
  'provider',
  'tokenCommand',
  'clientId',
  'clientSecretCommand',
  'authorizationEndpoint',
  'tokenEndpoint',
  'deviceAuthorizationEndpoint',
  'scope',
] as const;
const OAUTH2_ENDPOINTS = ['authorizationEndpoint', 'tokenEndpoint', 'deviceAuthorizationEndpoint'] as const;
const IDENTITY_FIELDS = ['from', 'signature', 'signatureFile'] as const;
const FROM_SHAPE = /^(?:[^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/;
const TOP_FIELDS = ['accounts', 'keys', 'addressBookCommand'] as const;

export interface ValidationResult {
  config: TmailConfig;
  /** Things that do not stop tmail (unknown keys) but that the user probably wants to know. */
  warnings: string[];
}

export interface ValidateOptions {
  /** Shown at the start of every message (the config file path). */
  file: string;
  /** Relative `ca` paths are resolved against this directory. */
  baseDir: string;
  home?: string;
}

/** Validates parsed config.json; throws one ConfigError listing every problem found. */
export function validateConfig(raw: unknown, options: ValidateOptions): ValidationResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const file = options.file;

  if (!isObject(raw)) {
    throw new ConfigError(`${file}: the top level must be a JSON object like {"accounts": [...]}, got ${describe(raw)}`);
  }
  for (const key of Object.keys(raw)) {
    if (!(TOP_FIELDS as readonly string[]).includes(key)) warnings.push(`${file}: unknown top-level key "${key}" is ignored${suggest(key, TOP_FIELDS)}`);
  }

  const accounts: AccountConfig[] = [];
  const rawAccounts = raw.accounts;
  if (rawAccounts !== undefined && !Array.isArray(rawAccounts)) {
    problems.push(`${file}: "accounts" must be a list ([...]), got ${describe(rawAccounts)}`);
  } else if (rawAccounts) {
    const seen = new Map<string, number>();
    rawAccounts.forEach((entry: unknown, index: number) => {
      const account = validateAccount(entry, index, options, problems, warnings);
      if (!account) return;
      const key = account.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push(`${where(file, account.name, index)}: name duplicates accounts[${first}]; account names must be unique (ignoring case)`);
      } else {
        seen.set(key, index);
      }
      accounts.push(account);
    });
  }

  const config: TmailConfig = { accounts };
  if (raw.keys !== undefined) {
    if (!isObject(raw.keys) || Object.values(raw.keys).some((v) => typeof v !== 'string')) {
      problems.push(`${file}: "keys" must be an object mapping action names to key strings, like {"quit": "q"}`);
    } else {
      config.keys = { ...(raw.keys as Record<string, string>) };
    }
  }

  const addressBookCommand = nonEmptyString(raw, 'addressBookCommand', (f, t) => problems.push(`${file}: ${f} ${t}`), false);
  if (addressBookCommand !== undefined) config.addressBookCommand = addressBookCommand;

  if (problems.length) throw new ConfigError(problems);
  return { config, warnings };
}

function validateAccount(entry: unknown, index: number, options: ValidateOptions, problems: string[], warnings: string[]): AccountConfig | undefined {
  const file = options.file;
  if (!isObject(entry)) {
    problems.push(`${file}: accounts[${index}] must be an object, got ${describe(entry)}`);
    return undefined;
  }
  const rawName = entry.name;
  const label = typeof rawName === 'string' && rawName.trim() ? rawName : undefined;
  const at = where(file, label, index);
  const before = problems.length;
  const problem = (field: string, text: string) => problems.push(`${at}: ${field} ${text}`);

  if (label === undefined) {
    problem('name', rawName === undefined ? 'is missing' : `must be a non-empty string, got ${describe(rawName)}`);
  } else if (hasControl(label)) {
    problem('name', 'must not contain control characters');
  }
  for (const key of Object.keys(entry)) {
    if (!(ACCOUNT_FIELDS as readonly string[]).includes(key)) warnings.push(`${at}: unknown field "${key}" is ignored${suggest(key, ACCOUNT_FIELDS)}`);
  }

  const protocol = oneOf(entry, 'protocol', PROTOCOLS, problem, true);
  const host = hostField(entry, 'host', problem);
  const security = oneOf(entry, 'security', SECURITIES, problem, false) ?? 'tls';
  const port = portField(entry, 'port', problem);
  const user = nonEmptyString(entry, 'user', problem, true);
  const email = nonEmptyString(entry, 'email', problem, false);
  if (email !== undefined && !email.includes('@')) problem('email', `must be an e-mail address, got ${JSON.stringify(email)}`);
  const passwords = passwordFields(entry, '', problem);
  const ca = pathField(entry, 'ca', problem, options);
  const allowInsecureAuth = boolField(entry, 'allowInsecureAuth', problem);
  const leaveOnServer = boolField(entry, 'leaveOnServer', problem);
  const deleteOnServerWhenDeletedLocally = boolField(entry, 'deleteOnServerWhenDeletedLocally', problem);
  const apop = boolField(entry, 'apop', problem);
  let deleteAfterDays: number | undefined;
  if (entry.deleteAfterDays !== undefined) {
    const v = entry.deleteAfterDays;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      problem('deleteAfterDays', `must be a whole number of days (1 or more), got ${describe(v)}`);
    } else if (leaveOnServer !== true) {
      problem('deleteAfterDays', 'requires "leaveOnServer": true (without it, messages are deleted from the server right after download)');
    } else {
      deleteAfterDays = v;
    }
  }
  let checkInterval: number | undefined;
  if (entry.checkInterval !== undefined) {
    const v = entry.checkInterval;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1440) {
      problem('checkInterval', `must be a whole number of minutes from 1 to 1440, or 0 for no periodic check, got ${describe(v)}`);
    } else {
      checkInterval = v;
    }
  }
  let smtp: SmtpConfig | undefined;
  if (entry.smtp !== undefined) smtp = validateSmtp(entry.smtp, at, options, problems, warnings);
  const ports = portsField(entry, problem);
  const auth = authField(entry, '', problem, (text) => warnings.push(`${at}: ${text}`));
  const identities = identitiesField(entry, at, options, problems, warnings);
  const searches = savedSearchesField(entry, at, problems, warnings);

  if (problems.length > before || !label || !protocol || !host || !user) return undefined;
  const account: AccountConfig = {
    name: label,
    protocol,
    host,
    port: port ?? DEFAULT_PORTS[protocol][security],
    security,
    user,
  };
  assignDefined(account, {
    email,
    ...passwords,
    ca,
    allowInsecureAuth,
    smtp,
    leaveOnServer,
    deleteAfterDays,
    deleteOnServerWhenDeletedLocally,
    apop,
    checkInterval,
    ports,
    auth,
    identities,
    searches,
  });
  return account;
}

/** `identities: [{ "from": "Name <a@b>", "signature": "…" | "signatureFile": "~/.sig" }]`. */
function identitiesField(o: Obj, at: string, options: ValidateOptions, problems: string[], warnings: string[]): IdentityConfig[] | undefined {
  const v = o.identities;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0) {
    problems.push(`${at}: identities must be a non-empty list like [{ "from": "You <you@example.org>" }], got ${describe(v)}`);
    return undefined;
  }
  const out: IdentityConfig[] = [];
  const seen = new Set<string>();
  v.forEach((entry: unknown, i: number) => {
    const problem = (field: string, text: string) => problems.push(`${at}: identities[${i}].${field} ${text}`);
    if (!isObject(entry)) {
      problems.push(`${at}: identities[${i}] must be an object like { "from": "You <you@example.org>" }, got ${describe(entry)}`);
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!(IDENTITY_FIELDS as readonly string[]).includes(key))
        warnings.push(`${at}: unknown field "identities[${i}].${key}" is ignored${suggest(key, IDENTITY_FIELDS)}`);
    }
    const from = nonEmptyString(entry, 'from', problem, true);
    if (from !== undefined && (!FROM_SHAPE.test(from.trim()) || hasControl(from))) {
      problem('from', `must be an address like "Your Name <you@example.org>" or "you@example.org", got ${JSON.stringify(from)}`);
      return;
    }
    const signature = typeof entry.signature === 'string' ? entry.signature : undefined;
    if (entry.signature !== undefined && signature === undefined) problem('signature', `must be a string, got ${describe(entry.signature)}`);
    const signatureFile = pathField(entry, 'signatureFile', problem, options);
    if (signature !== undefined && signatureFile !== undefined) problem('signature', 'and signatureFile are both set; keep only one of them');
    if (from === undefined) return;
    const key = (/<([^<>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
    if (seen.has(key)) problem('from', `repeats the address ${key}; each identity needs its own address`);
    seen.add(key);
    const identity: IdentityConfig = { from: from.trim() };
    assignDefined(identity, { signature, signatureFile });
    out.push(identity);
  });
  return out;
}

function validateSmtp(raw: unknown, at: string, options: ValidateOptions, problems: string[], warnings: string[]): SmtpConfig | undefined {
  if (!isObject(raw)) {
    problems.push(`${at}: smtp must be an object, got ${describe(raw)}`);
    return undefined;
  }
  const before = problems.length;
  const problem = (field: string, text: string) => problems.push(`${at}: smtp.${field} ${text}`);
  for (const key of Object.keys(raw)) {
    if (!(SMTP_FIELDS as readonly string[]).includes(key)) warnings.push(`${at}: unknown field "smtp.${key}" is ignored${suggest(key, SMTP_FIELDS)}`);
  }
  const host = hostField(raw, 'host', problem);
  const security = oneOf(raw, 'security', SECURITIES, problem, false) ?? 'tls';
  const port = portField(raw, 'port', problem);
  const user = nonEmptyString(raw, 'user', problem, false);
  const from = nonEmptyString(raw, 'from', problem, false);
  if (from !== undefined && !FROM_SHAPE.test(from.trim())) {
    problem('from', `must be an address like "Your Name <you@example.org>" or "you@example.org", got ${JSON.stringify(from)}`);
  }
  if (from !== undefined && hasControl(from)) problem('from', 'must not contain control characters');
  const passwords = passwordFields(raw, 'smtp.', (f, t) => problems.push(`${at}: ${f} ${t}`));
  const ca = pathField(raw, 'ca', problem, options);
  const allowInsecureAuth = boolField(raw, 'allowInsecureAuth', problem);
  const auth = authField(
    raw,
    'smtp.',
    (f, t) => problems.push(`${at}: ${f} ${t}`),
    (text) => warnings.push(`${at}: ${text}`),
  );
  if (problems.length > before || !host) return undefined;
  const smtp: SmtpConfig = { host, port: port ?? (security === 'tls' ? 465 : 587), security };
  assignDefined(smtp, { user, from, ...passwords, ca, allowInsecureAuth, auth });
  return smtp;
}

type Problem = (field: string, text: string) => void;
type Obj = Record<string, unknown>;

function oneOf<T extends string>(o: Obj, field: string, allowed: readonly T[], problem: Problem, required: boolean): T | undefined {
  const v = o[field];
  const list = allowed
    .map((a) => `"${a}"`)
    .join(', ')
    .replace(/, ([^,]*)$/, ' or $1');
  if (v === undefined) {
    if (required) problem(field, `is missing (one of ${list})`);
    return undefined;
  }
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  problem(field, `must be ${list}, got ${describe(v)}`);
  return undefined;
}

function hostField(o: Obj, field: string, problem: Problem): string | undefined {
  const host = nonEmptyString(o, field, problem, true);
  if (host !== undefined && /[\s/\\@]|[\u0000-\u001f\u007f]/.test(host)) {
    problem(field, `must be a host name or IP address, got ${JSON.stringify(host)}`);
    return undefined;
  }
  return host;
}

function portField(o: Obj, field: string, problem: Problem): number | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535) return v;
  const hint = typeof v === 'string' && /^\d+$/.test(v) ? ' (write the number without quotes)' : '';
  problem(field, `must be an integer 1-65535, got ${describe(v)}${hint}`);
  return undefined;
}

/** `ports: { "imap": 993, "pop3": 995 }`: per-protocol ports kept for model switches. */
function portsField(o: Obj, problem: Problem): AccountConfig['ports'] {
  const v = o.ports;
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    problem('ports', `must be an object like { "imap": 993, "pop3": 995 }, got ${describe(v)}`);
    return undefined;
  }
  const ports: NonNullable<AccountConfig['ports']> = {};
  for (const key of Object.keys(v)) {
    if (!(PROTOCOLS as readonly string[]).includes(key)) {
      problem('ports', `has an unknown protocol "${key}" (known: ${PROTOCOLS.join(', ')})`);
      continue;
    }
    const p = portField(v, key, (field, text) => problem(`ports.${field}`, text));
    if (p !== undefined) ports[key as Protocol] = p;
  }
  return ports;
}

function nonEmptyString(o: Obj, field: string, problem: Problem, required: boolean): string | undefined {
  const v = o[field];
  if (v === undefined) {
    if (required) problem(field, 'is missing');
    return undefined;
  }
  if (typeof v !== 'string' || !v.trim()) {
    problem(field, `must be a non-empty string, got ${describe(v)}`);
    return undefined;
  }
  return v;
}

function boolField(o: Obj, field: string, problem: Problem): boolean | undefined {
  const v = o[field];
  if (v === undefined || typeof v === 'boolean') return v;
  problem(field, `must be true or false, got ${describe(v)}`);
  return undefined;
}

function passwordFields(o: Obj, prefix: string, problem: Problem): { passwordCommand?: string; passwordEnv?: string } {
  const passwordCommand = nonEmptyString(o, 'passwordCommand', (f, t) => problem(prefix + f, t), false);
  const passwordEnv = nonEmptyString(o, 'passwordEnv', (f, t) => problem(prefix + f, t), false);
  if (passwordEnv !== undefined && !ENV_NAME.test(passwordEnv)) {
    problem(`${prefix}passwordEnv`, `must be an environment variable name (letters, digits, _), got ${JSON.stringify(passwordEnv)}`);
  }
  if (passwordCommand !== undefined && passwordEnv !== undefined) {
    problem(`${prefix}passwordCommand`, `and ${prefix}passwordEnv are both set; keep only one of them`);
  }
  return { passwordCommand, passwordEnv };
}

/**
 * `"auth": {"method": "password"}` (the default) or `{"method": "oauth2", ...}` with a way to a
 * token: a tokenCommand, or a clientId plus a provider preset or a tokenEndpoint (for `tmail
 * account login`). Endpoint names and scopes of the presets are the OAuth2 module's business.
 */
function authField(o: Obj, prefix: string, problem: Problem, warn: (text: string) => void): AuthConfig | undefined {
  const raw = o.auth;
  if (raw === undefined) return undefined;
  const field = `${prefix}auth`;
  if (!isObject(raw)) {
    problem(field, `must be an object like {"method": "oauth2", "tokenCommand": "..."}, got ${describe(raw)}`);
    return undefined;
  }
  const sub: Problem = (f, t) => problem(`${field}.${f}`, t);
  const method = oneOf(raw, 'method', AUTH_METHODS, sub, true);
  if (method === undefined) return undefined;
  if (method === 'password') {
    for (const key of Object.keys(raw)) if (key !== 'method') warn(`field "${field}.${key}" is ignored with "method": "password"`);
    return { method };
  }
  for (const key of Object.keys(raw)) {
    if (!(OAUTH2_FIELDS as readonly string[]).includes(key)) warn(`unknown field "${field}.${key}" is ignored${suggest(key, OAUTH2_FIELDS)}`);
  }
  if (o.passwordCommand !== undefined || o.passwordEnv !== undefined) {
    warn(`${prefix}passwordCommand/${prefix}passwordEnv are not used to sign in with "${field}.method": "oauth2"`);
  }
  const failures = { count: 0 };
  const counted: Problem = (f, t) => {
    failures.count++;
    sub(f, t);
  };
  const auth: OAuth2Config = { method };
  const provider = nonEmptyString(raw, 'provider', counted, false);
  if (provider !== undefined && !(OAUTH2_PROVIDERS as readonly string[]).includes(provider)) {
    const list = OAUTH2_PROVIDERS.map((p) => `"${p}"`).join(' or ');
    counted('provider', `must be ${list} (or leave it out and give the endpoints), got ${describe(provider)}${suggest(provider, OAUTH2_PROVIDERS)}`);
  }
  const strings = {
    tokenCommand: nonEmptyString(raw, 'tokenCommand', counted, false),
    clientId: nonEmptyString(raw, 'clientId', counted, false),
    clientSecretCommand: nonEmptyString(raw, 'clientSecretCommand', counted, false),
    scope: nonEmptyString(raw, 'scope', counted, false),
  };
  const endpoints: Partial<Record<(typeof OAUTH2_ENDPOINTS)[number], string>> = {};
  for (const name of OAUTH2_ENDPOINTS) {
    const url = nonEmptyString(raw, name, counted, false);
    if (url === undefined) continue;
    if (!isOAuthEndpoint(url)) counted(name, `must be an https:// address (http:// only on 127.0.0.1, ::1 or localhost), got ${describe(url)}`);
    else endpoints[name] = url;
  }
  if (failures.count > 0) return undefined;
  if (!strings.tokenCommand && !strings.clientId) {
    sub(
      'tokenCommand',
      'or clientId is needed with "method": "oauth2": a tokenCommand that prints an access token (oama, mutt_oauth2.py…), or a clientId for `tmail account login`',
    );
    return undefined;
  }
  if (!strings.tokenCommand && !provider && !endpoints.tokenEndpoint) {
    sub(
      'provider',
      `is needed with clientId: ${OAUTH2_PROVIDERS.map((p) => `"${p}"`).join(' or ')}, or give tokenEndpoint (and deviceAuthorizationEndpoint or authorizationEndpoint)`,
    );
    return undefined;
  }
  assignDefined(auth, { provider, ...strings, ...endpoints });
  return auth;
}

function isOAuthEndpoint(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
}

function pathField(o: Obj, field: string, problem: Problem, options: ValidateOptions): string | undefined {
  const v = nonEmptyString(o, field, problem, false);
  if (v === undefined) return undefined;
  // Existence is checked when the file is used, so one missing file does not block other accounts.
  return resolveUserPath(v, options.baseDir, options.home);
}

/** `~/x` is the home directory; relative paths are relative to the config file's directory. */
export function resolveUserPath(p: string, baseDir: string, home = homedir()): string {
  if (p === '~' || p.startsWith('~/')) return join(home, p.slice(1));
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

function where(file: string, name: string | undefined, index: number): string {
  return name === undefined ? `${file}: accounts[${index}]` : `${file}: account ${JSON.stringify(name)} (accounts[${index}])`;
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasControl(s: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f]/.test(s);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

function assignDefined<T extends object>(target: T, values: Partial<T>): void {
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined) (target as Record<string, unknown>)[k] = v;
  }
}

// Points at the likely intended key for typos such as "pasword" or "Port".
function suggest(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best && bestDistance <= Math.max(1, Math.floor(best.length / 4)) ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
