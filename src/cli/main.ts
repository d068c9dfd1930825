// Entry point of the `tmail` command. Only light modules are imported here: every command (and
// the UI) is loaded with import() when chosen, so `tmail --version` and `--help` never pay for
// ink/react or the mail libraries.
import { readFileSync } from 'node:fs';
import { AccountError } from '../domain/index.js';
import { ConfigError } from '../config/errors.js';
import { sanitizeLine } from '../text/sanitize.js';
import { UsageError } from './args.js';
import type { CliContext, CommandRun } from './context.js';
import { InputEnded, PromptCancelled, releaseInput } from './prompt.js';

interface CommandEntry {
  summary: string;
  load: () => Promise<{ run: CommandRun }>;
}

/** Adding a command is one line here plus a module in ./commands exporting `run`. */
export const COMMANDS: Record<string, CommandEntry> = {
  folders: { summary: 'list folders with total and unread counts', load: () => import('./commands/folders.js') },
  list: { summary: 'list the newest messages of a folder', load: () => import('./commands/list.js') },
  'account add': { summary: 'add an account: finds its servers, asks, tests the login first', load: () => import('./commands/account-add.js') },
  'account edit': { summary: 'change an account (asks, or takes field=value)', load: () => import('./commands/account-edit.js') },
  'account list': { summary: 'list configured accounts (no secrets)', load: () => import('./commands/account-list.js') },
  'account login': {
    summary: 'sign in to an OAuth2 account (Gmail, Microsoft 365...) and store its tokens',
    load: () => import('./commands/account-login.js'),
  },
  'account logout': { summary: 'delete the stored OAuth2 tokens of an account', load: () => import('./commands/account-logout.js') },
  'account mode': { summary: 'switch an account between pop3 and imap (explains what happens first)', load: () => import('./commands/account-mode.js') },
  'account remove': { summary: 'remove an account (says what happens to its local mail first)', load: () => import('./commands/account-remove.js') },
  'account rename': { summary: 'rename an account and move its local data along', load: () => import('./commands/account-rename.js') },
  'complete-address': { summary: 'complete a name or address (for editors: the To/Cc/Bcc completion)', load: () => import('./commands/complete-address.js') },
  sync: { summary: 'download new mail of POP3 accounts into the local Maildir', load: () => import('./commands/sync.js') },
};

type RunUi = (ctx: CliContext, options?: { traceFile?: string; onDemo?: () => Promise<number> }) => Promise<number>;
/** `tmail` without a command opens the UI (loaded only then: it pulls in ink and react). */
const UI: { load?: () => Promise<{ runUi: RunUi }> } = { load: () => import('../ui/run.js') };

export function version(): string {
  // ../../package.json from both src/cli (tsx) and dist/cli (built).
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function helpText(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const commands = names.map((n) => `  ${n.padEnd(width)}${COMMANDS[n]!.summary}`).join('\n');
  return `tmail ${version()} - a terminal mail client for IMAP and POP3

Usage:
  tmail [--config FILE]                     open the mail UI
  tmail [--config FILE] <command> [options]

Commands:
${commands}

Options:
  --config FILE   use FILE instead of the default config.json
  --demo          try tmail with no setup: a built-in mail server with an IMAP and a POP3
                  account on one sample mailbox (nothing leaves this computer)
  --demo-dir DIR  keep the demo's config and local data in DIR (default: removed at exit)
  --trace FILE    append the protocol trace (passwords hidden) to FILE (UI and commands)
  -h, --help      show this help; "tmail <command> --help" shows a command's options
  -V, --version   print the version

Environment:
  TMAIL_CONFIG_DIR   directory of config.json (default: $XDG_CONFIG_HOME/tmail or ~/.config/tmail)
  TMAIL_DATA_DIR     local data (default: $XDG_DATA_HOME/tmail or ~/.local/share/tmail)
  TMAIL_DEBUG=1      print details (stack traces) of unexpected errors
`;
}

/** `tmail account`: the subcommands of a group with their summaries. */
export function groupHelp(group: string): string {
  const names = Object.keys(COMMANDS).filter((c) => c.startsWith(`${group} `));
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = names.map((n) => `  tmail ${n.padEnd(width)}${COMMANDS[n]!.summary}`).join('\n');
  return `Usage: tmail ${group} <command> [options]\n\n${lines}\n\n"tmail ${group} <command> --help" shows a command's options.\n`;
}

interface Invocation {
  configPath?: string;
  version: boolean;
  help: boolean;
  command?: string;
  args: string[];
  demo?: boolean;
  demoDir?: string;
  traceFile?: string;
}

/** Splits argv into global options, the command words and the command's own arguments. */
export function parseInvocation(argv: string[]): Invocation {
  const inv: Invocation = { version: false, help: false, args: [] };
  let i = 0;
  const takeConfig = (arg: string): boolean => {
    if (arg === '--config') {
      const value = argv[++i];
      if (value === undefined || value === '') throw new UsageError('--config needs a file name');
      inv.configPath = value;
      return true;
    }
    if (arg.startsWith('--config=')) {
      inv.configPath = arg.slice('--config='.length);
      if (!inv.configPath) throw new UsageError('--config needs a file name');
      return true;
    }
    return false;
  };
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const arg = argv[i]!;
    if (takeConfig(arg)) continue;
    const valued = /^--(demo-dir|trace)(?:=(.*))?$/.exec(arg);
    if (valued) {
      const value = valued[2] ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${valued[1]} needs a ${valued[1] === 'trace' ? 'file' : 'directory'} name`);
      if (valued[1] === 'trace') inv.traceFile = value;
      else inv.demoDir = value;
      continue;
    }
    if (arg === '--demo') inv.demo = true;
    else if (arg === '--version' || arg === '-V') inv.version = true;
    else if (arg === '--help' || arg === '-h') inv.help = true;
    else throw new UsageError(`unknown option ${arg}`);
  }
  if (i < argv.length) {
    const first = argv[i++]!;
    const second = argv[i];
    if (second !== undefined && COMMANDS[`${first} ${second}`]) {
      inv.command = `${first} ${second}`;
      i++;
    } else {
      inv.command = first;
    }
  }
  // --config and --trace may also follow the command ("tmail list --config x.json"); everything else is the command's.
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      inv.args.push(...argv.slice(i));
      break;
    }
    if (takeConfig(arg)) continue;
    // --trace is global too: "tmail sync --trace FILE" reads naturally.
    const trace = /^--trace(?:=(.*))?$/.exec(arg);
    if (trace) {
      const value = trace[1] ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError('--trace needs a file name');
      inv.traceFile = value;
      continue;
    }
    inv.args.push(arg);
  }
  return inv;
}

/** Runs tmail with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  try {
    const inv = parseInvocation(argv);
    if (inv.configPath !== undefined) ctx = { ...ctx, configPath: inv.configPath };
    if (inv.version) {
      ctx.stdout.write(`${version()}\n`);
      return 0;
    }
    if (inv.command && (inv.demo || inv.demoDir !== undefined)) {
      throw new UsageError('--demo and --demo-dir go with the mail UI ("tmail --demo"), not with a command');
    }
    if (!inv.command && !inv.help && (inv.demo || inv.demoDir !== undefined)) {
      const { runDemo } = await import('../demo/run-demo.js');
      return await runDemo(ctx, { ...(inv.demoDir !== undefined ? { dir: inv.demoDir } : {}), ...(inv.traceFile ? { traceFile: inv.traceFile } : {}) });
    }
    if (!inv.command) {
      if (inv.help) {
        ctx.stdout.write(helpText());
        return 0;
      }
      if (!UI.load) {
        ctx.stderr.write('tmail: the terminal UI is not built yet; use one of the commands below.\n');
        ctx.stdout.write(helpText());
        return 1;
      }
      const traceFile = inv.traceFile ? { traceFile: inv.traceFile } : {};
      // No account yet: the first-run screen offers the demo (d) as well as `tmail account add`.
      const onDemo = async () => (await import('../demo/run-demo.js')).runDemo(ctx, traceFile);
      return await (await UI.load()).runUi(ctx, { ...traceFile, onDemo });
    }
    const entry = COMMANDS[inv.command];
    if (!entry) {
      const group = inv.command.split(' ')[0]!;
      // Derived from the table so a new subcommand shows up in the hint without another edit.
      const subs = Object.keys(COMMANDS)
        .filter((c) => c.startsWith(`${group} `))
        .map((c) => c.slice(group.length + 1));
      // "tmail account" alone (or with --help): the group's commands.
      if (subs.length > 0 && inv.command === group && inv.args.every((a) => a === '--help' || a === '-h')) {
        ctx.stdout.write(groupHelp(group));
        return 0;
      }
      const words = subs.length > 0 ? ` (${group} commands: ${subs.join(', ')})` : '';
      const typed = subs.length > 0 && inv.command === group && inv.args[0] && !inv.args[0].startsWith('-') ? `${group} ${inv.args[0]}` : inv.command;
      throw new UsageError(`unknown command "${typed}"${words}`);
    }
    const { run } = await entry.load();
    if (inv.traceFile === undefined || inv.help) return await run(inv.help ? [...inv.args, '--help'] : inv.args, ctx);
    // `tmail sync --trace FILE`: the same redacted lines as the UI's trace, for every command.
    const [{ TraceBuffer }, { openTraceFile, TraceFileError }] = await Promise.all([import('../trace/buffer.js'), import('../trace/file-sink.js')]);
    const trace = new TraceBuffer();
    let file;
    try {
      file = openTraceFile(inv.traceFile, trace);
    } catch (err) {
      if (!(err instanceof TraceFileError)) throw err;
      ctx.stderr.write(`tmail: ${sanitizeLine(err.message)}\n`);
      return 2;
    }
    try {
      return await run(inv.args, { ...ctx, trace });
    } finally {
      file.close();
    }
  } catch (err) {
    return report(err, ctx);
  } finally {
    releaseInput(ctx.stdin);
  }
}

function report(err: unknown, ctx: CliContext): number {
  const debug = ctx.env.TMAIL_DEBUG === '1' || ctx.env.TMAIL_DEBUG === 'true';
  const line = (text: string) => ctx.stderr.write(`tmail: ${sanitizeLine(text)}\n`);
  const details = () => {
    if (debug && err instanceof Error) ctx.stderr.write(`${err.stack ?? ''}\n${causeChain(err)}`);
  };
  if (err instanceof ConfigError) {
    err.problems.forEach(line);
    details();
    return 2;
  }
  if (err instanceof UsageError) {
    line(err.message);
    ctx.stderr.write(err.usage ? `${err.usage.split('\n')[0]}\n` : 'Run "tmail --help" for usage.\n');
    return 2;
  }
  if (err instanceof AccountError) {
    line(err.message);
    details();
    return 1;
  }
  if (err instanceof PromptCancelled) {
    line('cancelled');
    return 130;
  }
  if (err instanceof InputEnded) {
    line(err.message);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  line(`unexpected error: ${message.split('\n')[0]}`);
  if (debug) details();
  else ctx.stderr.write('tmail: run with TMAIL_DEBUG=1 for details\n');
  return 1;
}

function causeChain(err: Error): string {
  let out = '';
  for (let cause = err.cause; cause instanceof Error; cause = cause.cause) out += `caused by: ${cause.stack ?? cause.message}\n`;
  return out;
}

/** Used by bin/tmail.js: real process streams, exit code, and a quiet exit on a closed pipe. */
export async function runCli(argv = process.argv.slice(2)): Promise<never> {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // `tmail list | head` closes the pipe early: that is not an error worth a message.
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
  const code = await main(argv, { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  // Exit explicitly: a backend's lingering timer or socket must not keep a finished command alive.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
