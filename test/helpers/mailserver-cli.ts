// `npm run mailserver`: a private Dovecot full of realistic mail plus a ready tmail config, for
// trying tmail by hand. Runs until Ctrl-C (then stops Dovecot), or with --keep leaves it running.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AccountConfig, TmailConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate.js';
import { shellQuote } from '../../src/domain/shell-quote.js';
import { startDovecot, stopDovecotAt, type DovecotServer } from './dovecot.js';
import { generateMaildir } from './maildir-generator.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const USAGE = `Usage: npm run mailserver -- [options]

Starts a private Dovecot on 127.0.0.1 with generated mail and writes a tmail config for it.

  --count N        messages in alice's INBOX (default 5000); her other folders get a few hundred
  --bob-count N    messages in bob's INBOX, for POP3 (default 25)
  --seed N         generator seed (default 1)
  --base-dir DIR   where the server's temp dir goes (default: the OS temp dir; /dev/shm is fastest)
  --apop           also allow APOP logins
  --hide CAPS      IMAP capabilities to hide, comma-separated (e.g. UIDPLUS,MOVE), to try fallbacks
  --keep           start, print, and exit leaving the server running
  --stop DIR       stop a server left running with --keep and delete its dir
  -h, --help       this text
`;

/** alice's other folders: [name, message count, Maildir subdir]. */
const FOLDERS: [string, number, 'new' | 'cur'][] = [
  ['Archive', 300, 'cur'],
  ['Sent', 40, 'cur'],
  ['Drafts', 3, 'cur'],
  ['Trash', 12, 'cur'],
  ['Work', 120, 'cur'],
];
/** The newest INBOX messages stay unread, like a real inbox. */
const UNREAD_IN_INBOX = 25;

function count(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 2_000_000) throw new UsageError(`${flag} needs a whole number from 0 to 2000000, got "${value}"`);
  return n;
}

class UsageError extends Error {}

async function fillMail(server: DovecotServer, opts: { count: number; bobCount: number; seed: number }): Promise<void> {
  const alice = server.maildir('alice');
  const read = Math.max(0, opts.count - UNREAD_IN_INBOX);
  await generateMaildir(alice, { count: read, seed: opts.seed, into: 'cur', mixedFlags: true });
  await generateMaildir(alice, { count: opts.count - read, seed: opts.seed, firstIndex: read });
  let seed = opts.seed * 100;
  for (const [folder, n, into] of FOLDERS) {
    await generateMaildir(alice, { count: n, folder, seed: ++seed, into, mixedFlags: true });
  }
  await generateMaildir(server.maildir('bob'), { count: opts.bobCount, seed: opts.seed + 7 });
  await subscribeAll(alice, ['INBOX', ...FOLDERS.map(([f]) => f)]);
  await subscribeAll(server.maildir('bob'), ['INBOX']);
  await server.fixOwnership('alice');
  await server.fixOwnership('bob');
}

/**
 * Subscribes the folders the way a real mail account has them, so tmail's `-` mark for an
 * unsubscribed folder shows only where it is true. Dovecot reads a Maildir's `subscriptions` file,
 * one name per line (its version-1 format, still accepted by 2.3).
 */
async function subscribeAll(maildir: string, folders: string[]): Promise<void> {
  await writeFile(path.join(maildir, 'subscriptions'), `${folders.join('\n')}\n`, { mode: 0o600 });
}

function tmailConfig(server: DovecotServer, smtp?: SmtpSink): TmailConfig {
  const pw = (user: string) => server.users.find((u) => u.user === user)?.password ?? '';
  const alice: AccountConfig = {
    name: 'alice (IMAP)',
    protocol: 'imap',
    host: server.host,
    port: server.ports.imap,
    security: 'starttls',
    user: 'alice',
    email: 'alice@example.test',
    passwordCommand: `printf %s ${shellQuote(pw('alice'))}`,
    ca: server.caFile,
    // `M` switches model on the same security: STARTTLS IMAP <-> STLS POP3.
    ports: { imap: server.ports.imap, pop3: server.ports.pop3 },
    ...(smtp ? { smtp: smtpBlock(smtp, 'Alice Example <alice@example.test>') } : {}),
  };
  const bob: AccountConfig = {
    name: 'bob (POP3)',
    protocol: 'pop3',
    host: server.host,
    port: server.ports.pop3s,
    security: 'tls',
    user: 'bob',
    email: 'bob@example.org',
    passwordCommand: `printf %s ${shellQuote(pw('bob'))}`,
    ca: server.caFile,
    leaveOnServer: true,
    // `M` switches model on the same security: POP3S <-> IMAPS.
    ports: { imap: server.ports.imaps, pop3: server.ports.pop3s },
    ...(smtp ? { smtp: smtpBlock(smtp, 'Bob <bob@example.org>') } : {}),
  };
  return { accounts: [alice, bob] };
}

/** The submission server: STARTTLS, AUTH required; it accepts mail and delivers it nowhere. */
function smtpBlock(smtp: SmtpSink, from: string): NonNullable<AccountConfig['smtp']> {
  return {
    host: smtp.host,
    port: smtp.port,
    security: 'starttls',
    user: smtp.user,
    from,
    ca: smtp.caFile,
    passwordCommand: `printf %s ${shellQuote(smtp.password)}`,
  };
}

async function writeTmailConfig(server: DovecotServer, smtp?: SmtpSink): Promise<{ configDir: string; configFile: string; dataDir: string }> {
  const configDir = path.join(server.dir, 'tmail');
  const dataDir = path.join(configDir, 'data');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const configFile = path.join(configDir, 'config.json');
  const config = tmailConfig(server, smtp);
  // Catch drift between this file and the config schema now rather than when someone tries it.
  validateConfig(JSON.parse(JSON.stringify(config)), { file: configFile, baseDir: configDir });
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return { configDir, configFile, dataDir };
}

function banner(
  server: DovecotServer,
  files: { configDir: string; configFile: string; dataDir: string },
  info: { count: number; bobCount: number; ms: number; keep: boolean },
  smtp?: SmtpSink,
): string {
  const tmail = path.relative(process.cwd(), path.join(repoRoot, 'bin', 'tmail.js')) || 'bin/tmail.js';
  const env = `TMAIL_CONFIG_DIR=${shellQuote(files.configDir)} TMAIL_DATA_DIR=${shellQuote(files.dataDir)}`;
  const p = server.ports;
  const folders = FOLDERS.map(([f, n]) => `${f} ${n}`).join(', ');
  return `
Test mail server running (Dovecot, private instance) — mail generated in ${(info.ms / 1000).toFixed(1)} s

  host      ${server.host}
  IMAP      ${p.imap} (STARTTLS)    IMAPS ${p.imaps} (implicit TLS)
  POP3      ${p.pop3} (STLS)        POP3S ${p.pop3s} (implicit TLS)
  CA cert   ${server.caFile}
  SMTP      ${smtp ? `${smtp.port} (STARTTLS, login required; accepts mail and delivers it nowhere; CA ${smtp.caFile})` : 'none with --keep (it runs inside this process): compose needs the server running in the foreground'}
  users     ${server.users.map((u) => `${u.user} / ${u.password}`).join('    ')}
  mail      alice: INBOX ${info.count} (newest ${Math.min(UNREAD_IN_INBOX, info.count)} unread, and about one in five older ones), ${folders}
            bob:   INBOX ${info.bobCount} (for POP3)
  log       ${server.logFile}

tmail config (accounts "alice (IMAP)" on STARTTLS, "bob (POP3)" on POP3S):
  ${files.configFile}

Try:
  ${env} node ${tmail}
  TMAIL_DATA_DIR=${shellQuote(files.dataDir)} node ${tmail} --config ${shellQuote(files.configFile)} folders --account 'alice (IMAP)'
  TMAIL_DATA_DIR=${shellQuote(files.dataDir)} node ${tmail} --config ${shellQuote(files.configFile)} list --account 'alice (IMAP)' --limit 20
(bin/tmail.js runs the build in dist/: run \`npm run build\` first if you changed sources.)
${
  info.keep
    ? `
Left running. Stop it with:
  npm run mailserver -- --stop ${shellQuote(server.dir)}
`
    : `
Press Ctrl-C to stop the server (its directory is removed).
`
}`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string' },
      'bob-count': { type: 'string' },
      seed: { type: 'string' },
      'base-dir': { type: 'string' },
      apop: { type: 'boolean', default: false },
      hide: { type: 'string' },
      keep: { type: 'boolean', default: false },
      stop: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.stop) {
    await stopDovecotAt(path.resolve(values.stop));
    process.stdout.write(`stopped and removed ${values.stop}\n`);
    return 0;
  }
  const opts = {
    count: count(values.count, 5000, '--count'),
    bobCount: count(values['bob-count'], 25, '--bob-count'),
    seed: count(values.seed, 1, '--seed'),
  };

  const hideImapCapabilities = values.hide
    ? values.hide
        .split(',')
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean)
    : undefined;
  const server = await startDovecot({ baseDir: values['base-dir'], apop: values.apop, ...(hideImapCapabilities ? { hideImapCapabilities } : {}) });
  let smtp: SmtpSink | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping Dovecot…\n');
    await smtp?.stop();
    await server.stop();
    process.exit(code);
  };
  // Registered before generating mail, so Ctrl-C during a long --count still cleans up.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void stop(0));
  try {
    const t0 = Date.now();
    await fillMail(server, opts);
    const keep = values.keep;
    if (!keep) smtp = await startSmtpSink({ user: 'submit', password: `submit-${process.pid}` });
    const files = await writeTmailConfig(server, smtp);
    process.stdout.write(banner(server, files, { ...opts, ms: Date.now() - t0, keep }, smtp));
    if (keep) {
      server.detach();
      return 0;
    }
    if (stopping) return new Promise<number>(() => undefined);
  } catch (err) {
    await smtp?.stop();
    await server.stop();
    throw err;
  }
  // Keep the event loop alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
  return new Promise<number>(() => undefined);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`mailserver: ${message}\n`);
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) process.stderr.write(USAGE);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
