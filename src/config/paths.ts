// Where tmail keeps things. Precedence: --config FILE > $TMAIL_CONFIG_DIR > $XDG_CONFIG_HOME/tmail
// > ~/.config/tmail, and $TMAIL_DATA_DIR > $XDG_DATA_HOME/tmail > ~/.local/share/tmail.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export interface TmailPaths {
  configFile: string;
  configDir: string;
  /** True when configDir is tmail's own directory (not the folder of a --config file). */
  ownsConfigDir: boolean;
  dataDir: string;
}

/** The part of the CLI context that locates config and data (spelled out: config/ sits below cli/). */
export interface PathContext {
  env: NodeJS.ProcessEnv;
  /** Value of --config FILE, if given. */
  configPath?: string;
}

export function paths(ctx: PathContext): TmailPaths {
  const env = ctx.env;
  const home = env.HOME || homedir();
  const dataDir = env.TMAIL_DATA_DIR ? resolve(env.TMAIL_DATA_DIR) : join(xdg(env.XDG_DATA_HOME) ?? join(home, '.local', 'share'), 'tmail');
  if (ctx.configPath) {
    const configFile = resolve(ctx.configPath);
    return { configFile, configDir: dirname(configFile), ownsConfigDir: false, dataDir };
  }
  const configDir = env.TMAIL_CONFIG_DIR ? resolve(env.TMAIL_CONFIG_DIR) : join(xdg(env.XDG_CONFIG_HOME) ?? join(home, '.config'), 'tmail');
  return { configFile: join(configDir, 'config.json'), configDir, ownsConfigDir: true, dataDir };
}

// The XDG spec says relative values are invalid and must be ignored.
function xdg(value: string | undefined): string | undefined {
  return value && isAbsolute(value) ? value : undefined;
}

/** dataDir/accounts/<safe name>: the account's caches and (POP3) local Maildir. */
export function accountDataDir(ctx: PathContext, name: string): string {
  return join(paths(ctx).dataDir, 'accounts', safeDirName(name));
}

const PLAIN_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * A directory name that is safe on every file system and never shared by two account names.
 * Plain lower-case names are used as they are; any other name becomes a slug plus `+` and a hash
 * of the exact name. Plain names cannot contain `+`, so the two kinds can never collide, and
 * lower-casing plain names only means "Work" and "work" stay apart on case-insensitive disks too.
 */
export function safeDirName(name: string): string {
  if (PLAIN_NAME.test(name)) return name;
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 40);
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 12);
  return `${slug || 'account'}+${hash}`;
}
