// One refresh at a time per account, across tmail processes. Providers that rotate refresh tokens
// treat a refresh token used twice as stolen and revoke the whole grant (OAuth 2.0 Security BCP,
// RFC 9700 §4.14.2), so two processes must never both spend the same one. The lock is a file next
// to oauth2-tokens.json created with O_EXCL; it names its holder (pid, host, time) so a lock left
// by a crashed process is recognised: on this host when that pid is gone, anywhere when it is older
// than STALE_MS (longer than any refresh: the token request gives up after 30 s).
//
// Hand-written rather than proper-lockfile: that package, on import, patches process.emit and
// process.reallyExit (signal-exit 3) and fs.close (graceful-fs) for the whole program, and its
// default reaction to a lost lock is an exception thrown from a timer; tmail runs child processes
// and a terminal UI whose signal handling must stay its own. O_EXCL plus a pid check is ~80 lines.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AccountError } from '../../domain/index.js';
import { tokenFilePath } from './token-store.js';

/** A lock older than this is a leftover, whoever holds it. */
export const STALE_MS = 120_000;
/** How long a process waits for another one's refresh before giving up. */
export const MAX_WAIT_MS = 60_000;
const POLL_MS = 100;

export interface RefreshLockOptions {
  /** For tests: how long to wait, and how often to look. */
  maxWaitMs?: number;
  pollMs?: number;
  now?: () => number;
}

interface Holder {
  pid: number;
  host: string;
  time: number;
  nonce: string;
}

export function refreshLockPath(accountDataDir: string): string {
  return `${tokenFilePath(accountDataDir)}.lock`;
}

/** Takes the account's refresh lock (waiting while another live process holds it); resolves to its release. */
export async function acquireRefreshLock(accountDataDir: string, opts: RefreshLockOptions = {}): Promise<() => Promise<void>> {
  const path = refreshLockPath(accountDataDir);
  const now = opts.now ?? Date.now;
  const me: Holder = { pid: process.pid, host: hostname(), time: now(), nonce: randomBytes(8).toString('hex') };
  const mine = JSON.stringify(me);
  await mkdir(accountDataDir, { recursive: true, mode: 0o700 });
  const deadline = now() + (opts.maxWaitMs ?? MAX_WAIT_MS);
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(mine);
      } finally {
        await handle.close();
      }
      return async () => {
        // Only our own lock: a stale-lock breaker may have replaced it.
        if ((await readFile(path, 'utf8').catch(() => '')) === mine) await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AccountError('local', `cannot create the lock file ${path}: ${(err as Error).message}`, { cause: err });
      }
    }
    const held = await readFile(path, 'utf8').catch(() => undefined);
    if (held === undefined) continue; // released meanwhile
    if (await isStale(path, held, now())) {
      // Remove it only if it is still the same leftover (another waiter may have replaced it).
      if ((await readFile(path, 'utf8').catch(() => undefined)) === held) await unlink(path).catch(() => undefined);
      continue;
    }
    if (now() >= deadline) {
      throw new AccountError(
        'auth',
        `another tmail process has been refreshing the OAuth2 token for over ${Math.round((opts.maxWaitMs ?? MAX_WAIT_MS) / 1000)} s (lock file ${path}); if no other tmail is running, delete that file`,
      );
    }
    await sleep(opts.pollMs ?? POLL_MS);
  }
}

async function isStale(path: string, held: string, now: number): Promise<boolean> {
  let holder: Partial<Holder> | undefined;
  try {
    holder = JSON.parse(held) as Partial<Holder>;
  } catch {
    holder = undefined; // being written right now, or garbage: judged by age alone
  }
  if (holder && typeof holder.pid === 'number' && holder.host === hostname() && !processAlive(holder.pid)) return true;
  const since =
    typeof holder?.time === 'number'
      ? holder.time
      : await stat(path).then(
          (s) => s.mtimeMs,
          () => now,
        );
  return now - since > STALE_MS;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
