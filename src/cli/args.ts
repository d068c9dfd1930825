// Command-line parsing shared by the commands: node:util parseArgs with its error texts turned
// into one-line usage errors (exit 2), and a --help that every command understands.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed<T> {
  values: T;
  positionals: string[];
  help: boolean;
}

/** Parses `args` for a command; unknown options and missing values become UsageErrors. */
export function parseCommand<T extends object>(args: string[], options: Options, usage: string, maxPositionals = 0): Parsed<T> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(cleanParseError(err), usage);
  }
  const { help, ...values } = parsed.values as Record<string, unknown>;
  if (!help && parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument "${parsed.positionals[maxPositionals]}"`, usage);
  }
  return { values: values as T, positionals: parsed.positionals, help: help === true };
}

// parseArgs messages are long and mention "positional"/"strict"; keep the first sentence.
function cleanParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /Option '([^']+)' argument missing/.exec(message);
  if (missing) return `option ${missing[1]!.replace(/^-\w, /, '')} needs a value`;
  return message.split('. ')[0]!.replace(/\.$/, '');
}

/** A positive integer option (e.g. --limit, --port) or a usage error naming the option. */
export function intOption(value: string | undefined, name: string, min: number, max: number, usage?: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`, usage);
  }
  return Number(value);
}
