// Reading and writing config.json: read with our own parser (line:column on syntax errors,
// json-error.ts), validated by validate.ts (precise, per-field messages), written atomically,
// durably and mode 0600 (writeFileAtomic, see writeRaw).
// add/update/remove/rename edit the file as written by the user, so hand-made details (relative
// `ca` paths, unknown keys, layout) survive; only the touched account entry changes.
import { chmodSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { applyEdits, modify, type Edit } from 'jsonc-parser';
import type { Writable } from 'node:stream';
import { writeFileAtomic } from '../store/atomic-file.js';
import { errorCode, fsReason } from '../store/local-error.js';
import { ConfigError } from './errors.js';
import { describeJsonSyntaxError } from './json-error.js';
import { paths, type PathContext, type TmailPaths } from './paths.js';
import type { AccountConfig, TmailConfig } from './types.js';
import { validateConfig } from './validate.js';

type ConfigContext = PathContext & { stderr?: Writable };
type RawConfig = Record<string, unknown> & { accounts?: unknown[] };

/** Loads and validates config.json (a missing file is an empty config). Warnings go to ctx.stderr. */
export async function loadConfig(ctx: ConfigContext): Promise<TmailConfig> {
  const p = paths(ctx);
  const raw = readRaw(p, ctx);
  // The data dir holds mail (POP3 cache) and is created 0700 by the backends; an older, looser
  // one is tightened here because every entry point (CLI, UI) loads the config first.
  const dataWarnings: string[] = [];
  tighten(p.dataDir, 0o700, dataWarnings);
  for (const w of dataWarnings) warn(ctx, w);
  const { config, warnings } = validateConfig(raw, validateOptions(p, ctx));
  for (const w of warnings) warn(ctx, w);
  return config;
}

/** Validates and writes the whole config (mode 0600, directory 0700). */
export async function saveConfig(ctx: ConfigContext, config: TmailConfig): Promise<void> {
  const p = paths(ctx);
  await writeRaw(p, config as unknown as RawConfig, ctx);
}

/** Appends an account; refuses a name that is already taken (ignoring case). */
export async function addAccount(ctx: ConfigContext, account: AccountConfig): Promise<void> {
  const p = paths(ctx);
  const raw = readRaw(p, ctx);
  validateConfig(raw, validateOptions(p, ctx));
  const accounts = Array.isArray(raw.accounts) ? raw.accounts : [];
  const clash = accounts.find((a) => nameOf(a)?.toLowerCase() === account.name.toLowerCase());
  if (clash) throw new ConfigError(`${p.configFile}: an account named ${JSON.stringify(nameOf(clash))} already exists`);
  await writeEdited(p, ctx, (text) =>
    Array.isArray(raw.accounts)
      ? modify(text, ['accounts', accounts.length], stripUndefined(account), { isArrayInsertion: true, formattingOptions: FORMAT })
      : modify(text, ['accounts'], [stripUndefined(account)], { formattingOptions: FORMAT }),
  );
}

/**
 * Changes fields of one account (e.g. `{ protocol: 'pop3', port: 995 }`). A field set to
 * `undefined` in the patch is removed. Returns the account as validated after the change.
 */
export async function updateAccount(ctx: ConfigContext, name: string, patch: Partial<AccountConfig>): Promise<AccountConfig> {
  return editAccount(
    ctx,
    name,
    Object.entries(patch).map(([key, value]) => [[key], value]),
  );
}

/**
 * Sets fields of one account by path (`[['smtp', 'port'], 587]`); `undefined` removes the field.
 * The result is validated before anything is written. Returns the account as validated after it.
 */
export async function editAccount(ctx: ConfigContext, name: string, changes: [string[], unknown][]): Promise<AccountConfig> {
  const p = paths(ctx);
  const { index } = findRaw(p, ctx, name);
  const next = await writeEdited(p, ctx, (text) =>
    changes.reduce((t, [path, value]) => applyEdits(t, modify(t, ['accounts', index, ...path], value, { formattingOptions: FORMAT })), text),
  );
  return next.accounts[index]!;
}

/** Removes the account called `name` (exact name); returns it as it was. */
export async function removeAccount(ctx: ConfigContext, name: string): Promise<AccountConfig> {
  const p = paths(ctx);
  const { index, config } = findRaw(p, ctx, name);
  await writeEdited(p, ctx, (text) => modify(text, ['accounts', index], undefined, { formattingOptions: FORMAT }));
  return config.accounts[index]!;
}

/** Renames an account; refuses a new name another account has (ignoring case). */
export async function renameAccount(ctx: ConfigContext, from: string, to: string): Promise<void> {
  const p = paths(ctx);
  const { index, config } = findRaw(p, ctx, from);
  const clash = config.accounts.find((a, i) => i !== index && a.name.toLowerCase() === to.toLowerCase());
  if (clash) throw new ConfigError(`${p.configFile}: an account named ${JSON.stringify(clash.name)} already exists`);
  await writeEdited(p, ctx, (text) => modify(text, ['accounts', index, 'name'], to, { formattingOptions: FORMAT }));
}

function findRaw(p: TmailPaths, ctx: ConfigContext, name: string): { index: number; config: TmailConfig } {
  const raw = readRaw(p, ctx);
  const { config } = validateConfig(raw, validateOptions(p, ctx));
  const accounts = Array.isArray(raw.accounts) ? raw.accounts : [];
  const index = accounts.findIndex((a) => nameOf(a) === name);
  if (index < 0) throw new ConfigError(`${p.configFile}: no account named ${JSON.stringify(name)}`);
  return { index, config };
}

/** The account called `name`, or the first account when no name is given. */
export function findAccount(config: TmailConfig, name: string | undefined, ctx: ConfigContext): AccountConfig {
  const file = paths(ctx).configFile;
  if (!config.accounts.length) {
    throw new ConfigError(`no accounts configured in ${file}; add one with: tmail account add`);
  }
  if (name === undefined) return config.accounts[0]!;
  const found = config.accounts.find((a) => a.name === name) ?? config.accounts.find((a) => a.name.toLowerCase() === name.toLowerCase());
  if (!found) {
    const names = config.accounts.map((a) => JSON.stringify(a.name)).join(', ');
    throw new ConfigError(`no account named ${JSON.stringify(name)} in ${file} (accounts: ${names})`);
  }
  return found;
}

function validateOptions(p: TmailPaths, ctx: ConfigContext) {
  return { file: p.configFile, baseDir: p.configDir, home: ctx.env.HOME || undefined };
}

function nameOf(entry: unknown): string | undefined {
  return typeof entry === 'object' && entry !== null && typeof (entry as { name?: unknown }).name === 'string' ? (entry as { name: string }).name : undefined;
}

function warn(ctx: ConfigContext, text: string): void {
  ctx.stderr?.write(`tmail: warning: ${text}\n`);
}

function readRaw(p: TmailPaths, ctx: ConfigContext): RawConfig {
  ensurePrivate(p, ctx);
  let text: string;
  try {
    text = readFileSync(p.configFile, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return {};
    throw asConfigError(err, p);
  }
  return parseConfigText(text, p.configFile);
}

async function writeRaw(p: TmailPaths, raw: RawConfig, ctx: ConfigContext): Promise<void> {
  validateConfig(raw, validateOptions(p, ctx));
  ensurePrivate(p, ctx);
  await writeText(p, `${JSON.stringify(raw, null, 2)}\n`);
}

// Account edits change only the touched part of the file (jsonc-parser's modify): the user's
// layout, key order and unknown keys stay byte for byte. Returns the validated result.
const FORMAT = { insertSpaces: true, tabSize: 2, eol: '\n' };

async function writeEdited(p: TmailPaths, ctx: ConfigContext, edit: (text: string) => Edit[] | string): Promise<TmailConfig> {
  ensurePrivate(p, ctx);
  let text = '{}\n';
  try {
    text = readFileSync(p.configFile, 'utf8');
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw asConfigError(err, p);
  }
  if (!text.trim()) text = '{}\n';
  const edited = edit(text);
  const next = typeof edited === 'string' ? edited : applyEdits(text, edited);
  const { config } = validateConfig(parseConfigText(next, p.configFile), validateOptions(p, ctx));
  await writeText(p, next.endsWith('\n') ? next : `${next}\n`);
  return config;
}

async function writeText(p: TmailPaths, text: string): Promise<void> {
  // writeFileAtomic awaits its temp file's cleanup after a failure (no config.json.tmp-… left on a
  // full disk) and fsyncs the rename. A symlinked config.json (dotfile repos) is written through.
  let target = p.configFile;
  try {
    target = realpathSync(p.configFile);
  } catch {
    /* not there yet: create it */
  }
  try {
    await writeFileAtomic(target, text);
    // A new file gets 0600 from writeFileAtomic; this keeps it so whatever umask or old file was there.
    chmodSync(target, 0o600);
  } catch (err) {
    throw asConfigError(errorCode(err) ? err : ((err as { cause?: unknown }).cause ?? err), p, 'cannot write');
  }
}

function parseConfigText(text: string, file: string): RawConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: invalid JSON: ${describeJsonSyntaxError(text, (err as Error).message)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${file}: the top level must be a JSON object like {"accounts": [...]}`);
  }
  return value as RawConfig;
}

function asConfigError(err: unknown, p: TmailPaths, verb = 'cannot read'): Error {
  if (err instanceof ConfigError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code) return new ConfigError(`${p.configFile}: ${verb} the config file: ${fsReason(code) ?? code}`, { cause: err });
  return err as Error;
}

/**
 * Creates the config directory 0700 and tightens a config dir/file that others can read.
 * A --config file's directory is the user's own folder: it is created 0700 but never chmod-ed.
 */
function ensurePrivate(p: TmailPaths, ctx: ConfigContext): void {
  const warnings: string[] = [];
  try {
    mkdirSync(p.configDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`${p.configDir}: cannot create the config directory: ${fsReason(code) ?? code}`, { cause: err });
  }
  if (p.ownsConfigDir) tighten(p.configDir, 0o700, warnings);
  tighten(p.configFile, 0o600, warnings);
  for (const w of warnings) warn(ctx, w);
}

function tighten(path: string, mode: number, warnings: string[]): void {
  let current: number;
  try {
    current = statSync(path).mode & 0o777;
  } catch {
    return;
  }
  if ((current & 0o077) === 0) return;
  const octal = (m: number) => `0${m.toString(8)}`;
  try {
    chmodSync(path, mode);
    warnings.push(`${path} was accessible by other users (mode ${octal(current)}); changed it to ${octal(mode)}`);
  } catch {
    warnings.push(`${path} is accessible by other users (mode ${octal(current)}); run: chmod ${octal(mode)} ${path}`);
  }
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
