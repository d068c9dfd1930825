// Where an account's password comes from: `passwordCommand` (shell, first line of stdout),
// `passwordEnv`, or a prompt with echo off. The value is never printed, logged or stored.
import { spawn } from 'node:child_process';
import { AccountError } from '../domain/index.js';
import { sanitizeLine } from '../mime/sanitize.js';
import type { AccountConfig, PasswordSource } from './types.js';

/** Asks for a secret with echo off; throws an error named InputEnded when input ends. */
export type AskSecret = (question: string) => Promise<string>;
/** `askSecret` is the CLI's prompt (cli/prompt.ts `secretPrompt`), injected: config/ sits below cli/. Without it nobody can be asked. */
export interface PasswordContext {
  env: NodeJS.ProcessEnv;
  askSecret?: AskSecret;
}
type PasswordAccount = PasswordSource & Pick<AccountConfig, 'name' | 'user' | 'host'>;

/** The getPassword for AccountDeps: asks once per process and reuses the value afterwards. */
export function makePasswordGetter(account: PasswordAccount, ctx: PasswordContext): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= readPassword(account, ctx).catch((err: unknown) => {
      pending = undefined; // a failed attempt (e.g. a typo in the command) may be retried
      throw err;
    });
    return pending;
  };
}

export async function readPassword(account: PasswordAccount, ctx: PasswordContext): Promise<string> {
  if (account.passwordCommand) return runPasswordCommand(account, ctx);
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

const MAX_STDOUT = 64 * 1024;
const STDERR_TAIL = 200;

function runPasswordCommand(account: PasswordAccount, ctx: PasswordContext): Promise<string> {
  const fail = (why: string) => new AccountError('config', `account ${account.name}: passwordCommand ${why}`);
  return new Promise((resolve, reject) => {
    // stdin is not shared: the command must not steal the user's keystrokes (pinentry uses the tty).
    const child = spawn('/bin/sh', ['-c', account.passwordCommand!], { env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (stdout.length < MAX_STDOUT) stdout += d;
    });
    child.stderr.on('data', (d: string) => {
      stderr = (stderr + d).slice(-4096);
    });
    child.on('error', (err) => reject(fail(`could not be started (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
    child.on('close', (code, signal) => {
      const password = (stdout.split('\n')[0] ?? '').replace(/\r$/, '');
      if (code !== 0) {
        const status = signal ? `was killed by ${signal}` : `failed (exit code ${code})`;
        const tail = stderrTail(stderr, password);
        reject(fail(tail ? `${status}: ${tail}` : status));
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

// The last line of stderr helps ("gpg: decryption failed: No secret key"), but is shortened,
// sanitized for the terminal, and scrubbed of anything the command printed as the password.
function stderrTail(stderr: string, password: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  let last = lines.at(-1) ?? '';
  if (password.length >= 4) last = last.split(password).join('***');
  last = sanitizeLine(last);
  return last.length > STDERR_TAIL ? `...${last.slice(-STDERR_TAIL)}` : last;
}
