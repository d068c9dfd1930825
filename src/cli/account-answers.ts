// Checks shared by the account commands (add, edit): each turns an answer into a value or throws a
// UsageError whose message says what is wrong, and askValid asks again after one.
import { accessSync, constants, statSync } from 'node:fs';
import { ConfigError } from '../config/errors.js';
import { paths, type PathContext } from '../config/paths.js';
import type { Protocol, Security } from '../config/types.js';
import { resolveUserPath } from '../config/validate.js';
import { sanitizeLine } from '../text/sanitize.js';
import { intOption, UsageError } from './args.js';
import type { Asker } from './prompt.js';

export const PROTOCOLS: readonly Protocol[] = ['imap', 'pop3'];
export const SECURITIES: readonly Security[] = ['tls', 'starttls', 'none'];

const MAX_TRIES = 5;

type Out = { write(text: string): unknown };

/** Asks until `check` accepts the answer (saying why not); a required question never accepts an empty answer. */
export async function askValid<T>(
  asker: Asker,
  out: Out,
  question: string,
  defaultValue: string | undefined,
  check: (answer: string) => T,
  optional = false,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const answer = await asker.ask(question, defaultValue);
    try {
      if (!answer && !optional) throw new UsageError('an answer is required');
      return check(answer);
    } catch (err) {
      if (!(err instanceof UsageError || err instanceof ConfigError) || attempt >= MAX_TRIES) throw err;
      out.write(`  ${sanitizeLine(err.message)}\n`);
    }
  }
}

export function choice<T extends string>(value: string, allowed: readonly T[], what: string, usage?: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${what} must be one of ${allowed.join(', ')}, got "${value}"`, usage);
}

export function yesNo(answer: string): boolean {
  const a = answer.toLowerCase();
  if (a === 'y' || a === 'yes') return true;
  if (a === 'n' || a === 'no') return false;
  throw new UsageError('answer yes or no');
}

export function isAddress(s: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(s);
}

export function checkAddress(a: string): string {
  if (!isAddress(a)) throw new UsageError(`"${a}" is not an e-mail address`);
  return a;
}

export function checkHost(a: string): string {
  if (/[\s/\\@]|[\u0000-\u001f\u007f]/.test(a)) throw new UsageError(`"${a}" is not a host name`);
  return a;
}

export function checkPort(a: string): number {
  return intOption(a, 'port', 1, 65535)!;
}

export function checkEnvName(a: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(a)) throw new UsageError(`"${a}" is not an environment variable name`);
  return a;
}

/** A name no other account has (ignoring case), free of control characters. */
export function checkName(name: string, existing: readonly string[], ctx: PathContext): string {
  if (!name.trim() || /[\u0000-\u001f\u007f-\u009f]/.test(name)) throw new UsageError(`"${sanitizeLine(name)}" cannot be used as an account name`);
  const clash = existing.find((n) => n.toLowerCase() === name.toLowerCase());
  if (clash) throw new ConfigError(`an account named "${clash}" already exists in ${paths(ctx).configFile}; choose another name`);
  return name;
}

export function checkCaFile(file: string, ctx: PathContext, usage?: string): string {
  const path = resolveUserPath(file, process.cwd(), ctx.env.HOME || undefined);
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    accessSync(path, constants.R_OK);
  } catch {
    throw new UsageError(`CA file ${path} does not exist or cannot be read`, usage);
  }
  return path;
}

/** imap.<domain> / pop.<domain> / smtp.<domain>: the most common naming; the user confirms or corrects it. */
export function guessHost(protocol: Protocol | 'smtp', email: string): string {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return `${protocol === 'pop3' ? 'pop' : protocol}.${domain}`;
}
