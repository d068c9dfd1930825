// `tmail sync [--account NAME]`: downloads new mail of the accounts whose model downloads mail
// (POP3) into their local store, for cron and scripts — through the backend registry and the
// account's `sync`, like the UI. A progress line (redrawn with \r) only on a TTY; one summary line
// per account; exit 1 when any account failed (the others still run).
import type { SyncProgress } from '../../accounts/account.js';
import { backendFor, createAccount } from '../../accounts/index.js';
import { AccountError } from '../../domain/index.js';
import { findAccount, loadConfig } from '../../config/config.js';
import { cliCredentials } from '../credentials.js';
import { accountDataDir } from '../../config/paths.js';
import type { AccountConfig } from '../../config/types.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { UsageError, parseCommand } from '../args.js';
import { tmailCommand } from '../../domain/shell-quote.js';
import type { CliContext, CommandRun } from '../context.js';
import type { MailAccount } from '../../accounts/account.js';

const USAGE = `Usage: tmail sync [--account NAME]

Downloads new mail of POP3 accounts into their local Maildir (every POP3 account when no
--account is given). Each message is stored safely on disk before it is deleted from the server;
with "leaveOnServer": true it stays on the server (until "deleteAfterDays", if set).
Exit status: 0 when every account synced, 1 when one failed.`;

export const run: CommandRun = async (args, ctx) => {
  const { values, help } = parseCommand<{ account?: string }>(args, { account: { type: 'string', short: 'a' } }, USAGE);
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = await loadConfig(ctx);
  let accounts: AccountConfig[];
  // What a model can do comes from the registry, before anything connects.
  const downloads = (a: AccountConfig) => backendFor(a.protocol).capabilities.downloadsMail;
  if (values.account !== undefined) {
    const account = findAccount(config, values.account, ctx);
    if (!downloads(account)) {
      const label = backendFor(account.protocol).label;
      throw new UsageError(
        `account ${account.name} uses ${label}: its mail stays on the server, there is nothing to download (tmail shows it live; to download it instead: ${tmailCommand('account', 'mode', account.name, 'pop3')})`,
      );
    }
    accounts = [account];
  } else {
    accounts = config.accounts.filter(downloads);
    if (accounts.length === 0) {
      ctx.stdout.write('No POP3 accounts to sync (IMAP accounts keep their mail on the server).\n');
      return 0;
    }
  }
  let failed = 0;
  for (const account of accounts) {
    if (!(await syncOne(account, ctx))) failed++;
  }
  return failed ? 1 : 0;
};

async function syncOne(account: AccountConfig, ctx: CliContext): Promise<boolean> {
  const name = sanitizeLine(account.name);
  const progress = new ProgressLine(ctx, name);
  const started = Date.now();
  let mail: MailAccount | undefined;
  try {
    const dataDir = accountDataDir(ctx, account.name);
    mail = await createAccount(account, {
      credentials: cliCredentials(ctx, account, dataDir),
      dataDir,
      ...(ctx.trace ? { trace: ctx.trace } : {}),
    });
    if (!mail.sync) throw new AccountError('config', `account ${account.name} has nothing to download`);
    await mail.connect();
    const result = await mail.sync((p) => progress.update(p));
    progress.clear();
    const seconds = (Date.now() - started) / 1000;
    const parts = [
      `${result.downloaded} new (${formatBytes(result.bytes)})`,
      `${result.deletedOnServer} deleted on the server`,
      `${result.keptOnServer} kept on the server`,
    ];
    if (result.skippedTooLarge) parts.push(`${result.skippedTooLarge} too large, left on the server`);
    let line = `${name}: ${parts.join(', ')} in ${seconds.toFixed(1)} s`;
    if (result.usedHeaderHashFallback) line += ' (the server has no UIDL: messages matched by a header hash, which is less reliable)';
    if (result.authMethod === 'apop') line += ' (logged in with APOP, a weak MD5 scheme)';
    ctx.stdout.write(`${line}\n`);
    return true;
  } catch (err) {
    progress.clear();
    const message = err instanceof AccountError ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
    ctx.stderr.write(`tmail: ${name}: sync failed: ${sanitizeLine(message)}\n`);
    if (!(err instanceof AccountError) && (ctx.env.TMAIL_DEBUG === '1' || ctx.env.TMAIL_DEBUG === 'true') && err instanceof Error) {
      ctx.stderr.write(`${err.stack ?? ''}\n`);
    }
    return false;
  } finally {
    await mail?.close().catch(() => undefined);
  }
}

/** "name: 1200/10000 messages, 3.4 MB, 850 msg/s" redrawn in place, at most 10 times a second. */
class ProgressLine {
  private readonly started = Date.now();
  private last = 0;
  private shown = false;
  constructor(
    private readonly ctx: CliContext,
    private readonly name: string,
  ) {}

  update(p: SyncProgress): void {
    if (!this.ctx.stdout.isTTY) return;
    const now = Date.now();
    if (now - this.last < 100 && p.done < p.total) return;
    this.last = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = p.done / seconds;
    let text = `${this.name}: ${p.done}/${p.total} messages, ${formatBytes(p.bytes)}, ${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} msg/s`;
    const columns = this.ctx.stdout.columns;
    if (columns && text.length > columns - 1) text = text.slice(0, columns - 1);
    this.ctx.stdout.write(`\r\u001b[K${text}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.ctx.stdout.write('\r\u001b[K');
    this.shown = false;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}
