// Before anything is drawn: config.json and the key map, each mistake one `tmail:` line.
import type { CliContext } from '../../cli/context.js';
import type { TmailConfig } from '../../config/types.js';
import { loadConfig } from '../../config/config.js';
import { ConfigError } from '../../config/errors.js';
import { buildKeyTable, KeyConfigError, type KeyTable } from '../keys/bindings.js';

export function line(ctx: CliContext, text: string): void {
  ctx.stderr.write(`tmail: ${text}\n`);
}

export interface Settings {
  config: TmailConfig;
  keys: KeyTable;
}

/** The config and key table, or the exit code after saying what is wrong. */
export async function loadSettings(ctx: CliContext): Promise<Settings | number> {
  try {
    const config = await loadConfig(ctx);
    return { config, keys: buildKeyTable(config.keys) };
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) line(ctx, p);
      return 2;
    }
    if (err instanceof KeyConfigError) {
      line(ctx, err.message);
      return 2;
    }
    throw err;
  }
}
