// `tmail --demo`: no network, no config. Starts the embedded demo server, writes a throw-away
// config with the two demo accounts into a temp dir (or --demo-dir), and opens the normal UI on
// it. The temp dir is removed at exit; with --demo-dir it is kept (and reused) instead.
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliContext } from '../cli/context.js';
import { DEMO_PASSWORD_ENV, startDemoServer } from './demo-server.js';

/** The guide line above the demo's screen; the first message of the INBOX explains more. */
export const DEMO_HINT = 'Try: Enter reads · t trace · Demo (POP3) INBOX: $ downloads · M switches model';

/**
 * Where the throw-away demo dir goes: a RAM-backed tmpfs (/dev/shm on Linux) when there is one,
 * so the demo's local cache and header cache stay in memory and never reach a disk; else the
 * system temp dir. The account layer needs real files (Maildir, SQLite), which a tmpfs gives
 * without a second, in-memory implementation of the store.
 */
export function demoScratchRoot(memoryBacked: string[] = ['/dev/shm']): string {
  for (const dir of memoryBacked) {
    try {
      if (!statSync(dir).isDirectory()) continue;
      accessSync(dir, constants.W_OK | constants.X_OK);
      return dir;
    } catch {
      // not there or not writable: try the next one
    }
  }
  return tmpdir();
}

export interface DemoOptions {
  dir?: string;
  traceFile?: string;
}

export async function runDemo(ctx: CliContext, opts: DemoOptions): Promise<number> {
  const keep = opts.dir !== undefined;
  const dir = keep ? resolve(opts.dir!) : mkdtempSync(join(demoScratchRoot(), 'tmail-demo-'));
  const cleanup = () => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  // SIGTERM/SIGHUP end the UI with process.exit: the temp dir still goes.
  process.once('exit', cleanup);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  } catch (err) {
    ctx.stderr.write(`tmail: cannot use the demo directory ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return 2;
  }
  // A preset TMAIL_DEMO_PASSWORD is used (tests check that it never shows); else a random one.
  const server = await startDemoServer({ password: ctx.env[DEMO_PASSWORD_ENV] });
  try {
    const configPath = join(dir, 'config.json');
    writeFileSync(configPath, `${JSON.stringify({ accounts: server.accounts() }, null, 2)}\n`, { mode: 0o600 });
    const { runUi } = await import('../ui/run.js');
    return await runUi(
      {
        ...ctx,
        configPath,
        // The password travels to the accounts through the environment of this process only.
        env: { ...ctx.env, TMAIL_DATA_DIR: join(dir, 'data'), [DEMO_PASSWORD_ENV]: server.credentials.password },
      },
      { ...(opts.traceFile ? { traceFile: opts.traceFile } : {}), hint: DEMO_HINT, syncOnConnect: false },
    );
  } finally {
    await server.close();
    cleanup();
    process.off('exit', cleanup);
  }
}
