// The user's address book program (config "addressBookCommand"), on aerc's contract: the command
// gets the typed text and prints one `address<TAB>name` line per match — khard, abook,
// `notmuch address`, any script. The text is handed over as a positional argument ("$1"), never
// spliced into the command line, so a typed `'; rm -rf ~` stays text: `%s` (bare or quoted, as in
// aerc's examples) becomes "$1"; a command without `%s` gets it appended.
// Limits as for passwordCommand: a timeout, an output cap, stderr not shown.
import { spawn } from 'node:child_process';
import { sanitizeLine } from '../text/sanitize.js';
import type { MailAddress } from './draft.js';

export const ADDRESS_BOOK_TIMEOUT_MS = 5_000;
export const MAX_ADDRESS_BOOK_OUTPUT = 1024 * 1024;
const MAX_RESULTS = 200;

export class AddressBookCommandError extends Error {
  override name = 'AddressBookCommandError';
}

export interface AddressBookCommandOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  maxOutput?: number;
}

/** The shell text that runs `command` with the typed text as $1. */
export function commandLine(command: string): string {
  if (!command.includes('%s')) return `${command} "$1"`;
  return command.replace(/'%s'|"%s"|%s/g, '"$1"');
}

/** Runs the command for `text`; resolves to the addresses it printed (bad lines skipped). */
export function queryAddressBook(command: string, text: string, opts: AddressBookCommandOptions): Promise<MailAddress[]> {
  const timeoutMs = opts.timeoutMs ?? ADDRESS_BOOK_TIMEOUT_MS;
  const cap = opts.maxOutput ?? MAX_ADDRESS_BOOK_OUTPUT;
  const fail = (why: string) => new AddressBookCommandError(`addressBookCommand ${why}`);
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', commandLine(command), 'tmail-address-book', text], {
      env: opts.env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        child.kill('SIGKILL');
        child.stdout.destroy();
        reject(err);
        return;
      }
      resolve(parseAddressBookOutput(Buffer.concat(chunks).toString('utf8')));
    };
    const timer = setTimeout(() => finish(fail(`did not answer within ${Math.round(timeoutMs / 1000)} s and was stopped`)), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > cap) finish(fail(`printed more than ${Math.round(cap / 1024)} KB and was stopped`));
      else chunks.push(d);
    });
    child.on('error', (err) => finish(fail(`could not be started (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
    child.on('close', (code, signal) => {
      // grep-like tools exit 1 for "no match": only a shell error is worth reporting.
      if (code === 127) return finish(fail('was not found (exit code 127)'));
      if (code === 126) return finish(fail('is not executable (exit code 126)'));
      if (signal) return finish(fail(`was killed by ${signal}`));
      finish();
    });
  });
}

/** `address<TAB>name` lines; a line without a tab is a bare address. Sanitized, deduped. */
export function parseAddressBookOutput(text: string): MailAddress[] {
  const out: MailAddress[] = [];
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const [rawAddress = '', rawName = ''] = line.split('\t');
    const address = sanitizeLine(rawAddress).trim();
    if (!/^[^\s@<>",;]+@[^\s@<>",;]+$/.test(address)) continue;
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ address, name: sanitizeLine(rawName).trim().slice(0, 200) });
    if (out.length >= MAX_RESULTS) break;
  }
  return out;
}
