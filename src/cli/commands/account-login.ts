// `tmail account login NAME`: signs an OAuth2 account in (device grant or browser + PKCE) and
// stores its tokens in the account's data dir. The flows live in auth/oauth2; this is the terminal.
import { findAccount, loadConfig } from '../../config/config.js';
import { ConfigError } from '../../config/errors.js';
import { accountDataDir } from '../../config/paths.js';
import type { AccountConfig } from '../../config/types.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { parseCommand, UsageError } from '../args.js';
import type { CliContext, CommandRun } from '../context.js';
import { inputReader, PromptCancelled } from '../prompt.js';

const USAGE = `Usage: tmail account login NAME [--device | --browser]

Signs in to an account that uses OAuth2 ("auth": {"method": "oauth2", ...} in config.json) and
stores its tokens (readable only by you) in the account's data directory.
  --device    the device flow: an address and a code to enter on any device (good over SSH)
  --browser   a browser on this computer (or paste the address it ended on)
Default: the device flow when the provider offers one, else the browser.`;

export const run: CommandRun = async (args, ctx) => {
  const { values, positionals, help } = parseCommand<{ device?: boolean; browser?: boolean }>(
    args,
    { device: { type: 'boolean' }, browser: { type: 'boolean' } },
    USAGE,
    1,
  );
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [name] = positionals;
  if (!name) throw new UsageError('give the name of the account to sign in to', USAGE);
  if (values.device && values.browser) throw new UsageError('give --device or --browser, not both', USAGE);
  const account = findAccount(await loadConfig(ctx), name, ctx);
  const flow = values.device ? 'device' : values.browser ? 'browser' : undefined;
  await signIn(ctx, account, flow);
  return 0;
};

/** Runs the sign-in for `account` (also used by `account add`); Ctrl-C cancels with nothing stored. */
export async function signIn(ctx: CliContext, account: AccountConfig, flow?: 'device' | 'browser'): Promise<void> {
  const { login, oauth2Of } = await import('../../auth/oauth2/login.js');
  const label = sanitizeLine(account.name);
  const auth = oauth2Of(account);
  if (!auth)
    throw new ConfigError(
      `account ${label} signs in with a password; OAuth2 needs "auth": {"method": "oauth2", ...} in its config (see README "Signing in with OAuth2")`,
    );
  if (auth.tokenCommand && !auth.clientId) {
    ctx.stdout.write(`Account ${label} gets its tokens from auth.tokenCommand; there is nothing to sign in to here.\n`);
    return;
  }
  const controller = new AbortController();
  const onInterrupt = () => controller.abort(new PromptCancelled());
  process.on('SIGINT', onInterrupt);
  const reader = inputReader(ctx.stdin);
  try {
    const result = await login({
      account,
      auth,
      dataDir: accountDataDir(ctx, account.name),
      ...(flow ? { flow } : {}),
      print: (line) => ctx.stdout.write(`${line}\n`),
      signal: controller.signal,
      env: ctx.env,
      readLine: () => reader.readLine(),
      // --trace: the token requests, redacted (auth/oauth2/token-trace.ts).
      ...(ctx.trace ? { trace: { sink: ctx.trace, account: account.name } } : {}),
    });
    ctx.stdout.write(`Signed in to account ${label}. The tokens are stored in ${result.tokenFile} (readable only by you).\n`);
    if (result.notGranted.length > 0)
      ctx.stdout.write(`Warning: the server did not grant ${result.notGranted.map(sanitizeLine).join(', ')}; signing in to the mail server may fail.\n`);
    if (!result.refreshable) ctx.stdout.write('The server gave no refresh token: you will have to sign in again when the access token expires.\n');
  } catch (err) {
    if (controller.signal.aborted) {
      ctx.stderr.write('Sign-in cancelled; nothing was stored.\n');
      throw new PromptCancelled();
    }
    throw err;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
