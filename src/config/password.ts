// Where an account's password comes from: `passwordCommand` (shell, first line of stdout),
// `passwordEnv`, or a prompt with echo off. The value is never printed, logged or stored.
import { spawn } from 'node:child_process';
import { AccountError } from '../domain/index.js';
import { sanitizeLine } from '../text/sanitize.js';
import type { AccountConfig, PasswordSource } from './types.js';

/** Asks for a secret with echo off; throws an error named InputEnded when input ends. */
export type AskSecret = (question: string) => Promise<string>;
/** `askSecret` is the CLI's prompt (cli/prompt.ts `secretPrompt`), injected: config/ sits below cli/. Without it nobody can be asked. */
export interface PasswordContext {
  env: NodeJS.ProcessEnv;
  askSecret?: AskSecret;
}
type PasswordAccount = PasswordSource & Pick<AccountConfig, 'name' | 'user' | 'host'>;

/** How a passwordCommand is run; every field is optional. */
export interface PasswordCommandOptions {
  /** Stops a command that hangs (default 120 s: long enough to type a passphrase into a pinentry). */
  timeoutMs?: number;
  /** Cancels a running command (the UI's cancel key). */
  signal?: AbortSignal;
  /** true while the command runs, false when it ended: the UI shows "waiting for passwordCommand". */
  onWaiting?: (waiting: boolean) => void;
}

/** The getPassword for AccountDeps: asks once per process and reuses the value afterwards. */
export function makePasswordGetter(account: PasswordAccount, ctx: PasswordContext, options: PasswordCommandOptions = {}): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= readPassword(account, ctx, options).catch((err: unknown) => {
      pending = undefined; // a failed attempt (e.g. a typo in the command) may be retried
      throw err;
    });
    return pending;
  };
}

export async function readPassword(account: PasswordAccount, ctx: PasswordContext, options: PasswordCommandOptions = {}): Promise<string> {
  if (account.passwordCommand) {
    options.onWaiting?.(true);
    try {
      return await runSecretCommand({ account: account.name, field: 'passwordCommand', command: account.passwordCommand, secret: 'password' }, ctx, options);
    } finally {
      options.onWaiting?.(false);
    }
  }
  if (account.passwordEnv) {
    const value = ctx.env[account.passwordEnv];
    if (!value) {
      throw new AccountError('config', `account ${account.name}: environment variable ${account.passwordEnv} (passwordEnv) is not set or empty`);
    }
    return value;
  }
  if (!ctx.askSecret) throw new AccountError('config', `account ${account.name}: no password given and no way to ask; set passwordCommand or passwordEnv`);
  let password: string;
  try {
    password = await ctx.askSecret(`Password for ${sanitizeLine(account.user)} at ${sanitizeLine(account.host)}`);
  } catch (err) {
    if (err instanceof Error && err.name === 'InputEnded') {
      throw new AccountError('config', `account ${account.name}: no password given (stdin ended); set passwordCommand or passwordEnv for non-interactive use`);
    }
    throw err;
  }
  if (!password) throw new AccountError('config', `account ${account.name}: empty password`);
  return password;
}

/** More than this on stdout is not a password (a command that prints a file, a binary…). */
export const MAX_PASSWORD_OUTPUT = 64 * 1024;
export const PASSWORD_COMMAND_TIMEOUT_MS = 120_000;
const STDERR_TAIL = 200;

// What a shell's exit code says by itself, so the (possibly secret) stderr need not be shown.
const EXIT_MEANING: Record<number, string> = { 126: 'the command is not executable', 127: 'command not found' };

/** A command in the config that prints a secret on its first line (passwordCommand, tokenCommand…). */
export interface SecretCommand {
  /** Account name, for messages. */
  account: string;
  /** The config field, named in messages: "passwordCommand", "auth.tokenCommand". */
  field: string;
  command: string;
  /** What it prints, in messages: "password", "access token". */
  secret: string;
}

/**
 * Runs a secret command through the shell: stdin not shared, stdout capped, stderr hidden unless
 * TMAIL_DEBUG (it may quote the secret), stopped after a timeout or on `signal`.
 */
export function runSecretCommand(cmd: SecretCommand, ctx: PasswordContext, options: PasswordCommandOptions = {}): Promise<string> {
  const fail = (why: string) => new AccountError('config', `account ${cmd.account}: ${cmd.field} ${why}`);
  const timeoutMs = options.timeoutMs ?? PASSWORD_COMMAND_TIMEOUT_MS;
  const showStderr = ctx.env.TMAIL_DEBUG === '1' || ctx.env.TMAIL_DEBUG === 'true';
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(fail('cancelled'));
      return;
    }
    // stdin is not shared: the command must not steal the user's keystrokes (pinentry uses the tty).
    // Not detached: a command that asks on /dev/tty must stay in the terminal's foreground group.
    const child = spawn('/bin/sh', ['-c', cmd.command], { env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let stopped: string | undefined;
    const stop = (why: string) => {
      if (stopped) return;
      stopped = why;
      child.kill('SIGKILL');
      // Something the shell started in the background may still hold the pipes: do not wait for it.
      child.stdout.destroy();
      child.stderr.destroy();
      done();
      // Said once the command is really gone (its exit is prompt after SIGKILL), bounded anyway.
      const give = () => reject(fail(why));
      if (child.exitCode !== null || child.signalCode !== null) return give();
      const late = setTimeout(give, 1000);
      child.once('exit', () => {
        clearTimeout(late);
        give();
      });
    };
    const timer = setTimeout(
      () => stop(`did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped (waiting for a passphrase that never came?)`),
      timeoutMs,
    );
    const onAbort = () => stop('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.stdout.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (outBytes > MAX_PASSWORD_OUTPUT) stop(`printed more than ${MAX_PASSWORD_OUTPUT / 1024} KB; it must print only the ${cmd.secret} (on its first line)`);
      else chunks.push(d);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr = (stderr + d).slice(-4096);
    });
    child.on('error', (err) => {
      if (stopped) return;
      done();
      reject(fail(`could not be started (${(err as NodeJS.ErrnoException).code ?? err.message})`));
    });
    child.on('close', (code, signal) => {
      done();
      if (stopped) return;
      const stdout = Buffer.concat(chunks).toString('utf8');
      const password = (stdout.split('\n')[0] ?? '').replace(/\r$/, '');
      if (code !== 0) {
        const status = signal ? `was killed by ${signal}` : `failed (exit code ${code}${code !== null && EXIT_MEANING[code] ? `: ${EXIT_MEANING[code]}` : ''})`;
        // Its stderr may quote the secret (seen: "gpg: <the password> bad"): only on request.
        const tail = showStderr ? stderrTail(stderr, password) : '';
        const hint =
          showStderr || (code !== null && EXIT_MEANING[code])
            ? ''
            : `; its error output is not shown (it may contain the ${cmd.secret}): run the command in a shell to see it`;
        reject(fail(tail ? `${status}: ${tail}` : `${status}${hint}`));
        return;
      }
      if (!password) {
        reject(fail('printed nothing on its first line of output'));
        return;
      }
      resolve(password);
    });
  });
}

// With TMAIL_DEBUG the last line of stderr helps ("gpg: decryption failed: No secret key"); it is
// shortened, sanitized for the terminal, and scrubbed of anything the command printed as the password.
function stderrTail(stderr: string, password: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  let last = lines.at(-1) ?? '';
  if (password.length >= 4) last = last.split(password).join('***');
  last = sanitizeLine(last);
  return last.length > STDERR_TAIL ? `...${last.slice(-STDERR_TAIL)}` : last;
}
