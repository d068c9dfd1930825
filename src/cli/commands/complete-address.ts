// `tmail complete-address TEXT`: the address completion of the To/Cc/Bcc prompts for editors and
// scripts — bind it in vim or emacs to complete the draft's header block. Prints one
// `Name <address>` per line, best first (`--tsv`: aerc's `address<TAB>name`, so tmail can itself
// serve as another program's address book). Exit 1 when nothing matched, like grep.
import { AddressCompleter } from '../../compose/address-completion.js';
import { identityOf } from '../../compose/identity.js';
import { formatAddress } from '../../compose/draft.js';
import { loadConfig } from '../../config/config.js';
import { paths } from '../../config/paths.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { intOption, parseCommand, UsageError } from '../args.js';
import type { CommandRun } from '../context.js';

const USAGE = `Usage: tmail complete-address [--tsv] [--limit N] TEXT

Addresses starting with TEXT (address or a word of the name): the ones tmail has seen in mail you
read and sent, most used and newest first, then what "addressBookCommand" in config.json finds.`;

export const run: CommandRun = async (args, ctx) => {
  const { values, positionals, help } = parseCommand<{ tsv?: boolean; limit?: string }>(
    args,
    { tsv: { type: 'boolean' }, limit: { type: 'string', short: 'n' } },
    USAGE,
    1,
  );
  if (help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const text = positionals[0];
  if (!text?.trim()) throw new UsageError('give the start of a name or address to complete', USAGE);
  const limit = intOption(values.limit, '--limit', 1, 1000, USAGE) ?? 20;
  const config = await loadConfig(ctx);
  const completer = new AddressCompleter({
    dataDir: paths(ctx).dataDir,
    env: ctx.env,
    limit,
    own: config.accounts.flatMap((a) => identityOf(a).addresses),
    ...(config.addressBookCommand ? { addressBookCommand: config.addressBookCommand } : {}),
  });
  try {
    const found = await completer.complete(text);
    if (found.warning) ctx.stderr.write(`tmail: ${sanitizeLine(found.warning)}\n`);
    const lines = found.candidates.map((a) => (values.tsv ? `${a.address}\t${a.name}` : formatAddress(a)));
    if (lines.length) ctx.stdout.write(`${lines.join('\n')}\n`);
    return lines.length ? 0 : 1;
  } finally {
    await completer.close();
  }
};
