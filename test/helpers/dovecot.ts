// Starts a private Dovecot 2.3 for tests: generated config in a short temp dir, loopback only,
// free high ports, a per-run self-signed certificate, passwd-file users and Maildir storage.
// Only ever stops the master process it started itself (by pid), never "all dovecots".
import { spawn, execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, mkdir, writeFile, readFile, chmod, chown } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface DovecotUser {
  user: string;
  password: string;
  /** With `apop`: store this user's password hashed anyway, so APOP is offered but fails for them. */
  noApopSecret?: boolean;
}

export interface DovecotServer {
  host: string; // '127.0.0.1'
  /** imap/pop3 offer STARTTLS/STLS; imaps/pop3s are implicit TLS. */
  ports: { imap: number; imaps: number; pop3: number; pop3s: number };
  /** PEM of the per-run self-signed cert (SAN 127.0.0.1 + localhost). */
  caFile: string;
  users: DovecotUser[];
  /** Maildir root of that user (INBOX = root; folder X = root/.X). */
  maildir(user: string): string;
  /** Make files written into a Maildir by the test process readable/writable by Dovecot (chown to the mail uid when root). */
  fixOwnership(user: string): Promise<void>;
  /** Who owns the mail (what fixOwnership applies), for another process to do the same (fixMailOwnership). */
  mailOwner: MailOwner;
  logFile: string;
  /** The temp dir of this instance. */
  dir: string;
  /**
   * Stops only the process it started and waits until its ports are closed. The temp dir is removed
   * unless `keep` is set, TMAIL_KEEP_DOVECOT=1, a test in this process failed (process.exitCode set
   * by node:test), or the log shows Fatal/Panic lines (other than those matching `expectedErrors`,
   * what the test itself caused); then its path is printed to stderr.
   */
  stop(opts?: { keep?: boolean; expectedErrors?: RegExp }): Promise<void>;
  /**
   * Lets the server outlive this process (for `npm run mailserver -- --keep`): no crash cleanup,
   * no watchdog. Stop it later with `stopDovecotAt(dir)`.
   */
  detach(): void;
}

export interface StartDovecotOptions {
  users?: DovecotUser[];
  pop3UidlFormat?: string;
  /** Parent of the temp dir, e.g. /dev/shm for benchmarks; default os.tmpdir(). */
  baseDir?: string;
  /** Store passwords so that APOP works (plaintext-retrievable) and offer the APOP mechanism. */
  apop?: boolean;
  /**
   * IMAP capabilities to hide after login (Dovecot `imap_capability`), e.g. ['UIDPLUS', 'MOVE'], so
   * a test can play a server without them. A name ending in '*' hides a family ('THREAD=*').
   */
  hideImapCapabilities?: string[];
  /** `imap_capability`: the full list to announce (e.g. without SORT=DISPLAY), to test fallbacks. */
  imapCapability?: string;
  /** The personal namespace's separator and prefix, e.g. { separator: '.', prefix: 'INBOX.' } (Courier/Cyrus style). */
  namespace?: { separator: string; prefix: string };
  /**
   * Sign-in with OAuth2 access tokens (Dovecot's oauth2 passdb): Dovecot POSTs each token to
   * `introspectionUrl` (RFC 7662; put client credentials in the URL as user:secret@) and lets the
   * passwd-file user named by `username` (the introspection answer's field) in when `active` is true.
   * Passwords keep working for PLAIN/LOGIN.
   */
  oauth2?: OAuth2PassdbOptions;
}

export interface OAuth2PassdbOptions {
  introspectionUrl: string;
  /** The SASL mechanisms to offer (default both), e.g. ['xoauth2'] to play a server without OAUTHBEARER. */
  mechanisms?: ('oauthbearer' | 'xoauth2')[];
  /** Scopes of which the token must have one (Dovecot `scope`); default: any. */
  scope?: string;
  /** Offer only the OAuth2 mechanisms (no PLAIN/LOGIN), like a provider that switched passwords off. */
  only?: boolean;
}

/** What Dovecot 2.3 announces after login by default (checked against 2.3.19). */
export const DOVECOT_IMAP_CAPABILITIES = (
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS ' +
  'THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED ' +
  'I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE ' +
  'SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE'
).split(' ');

function imapCapabilityLine(hide: readonly string[] | undefined): string {
  if (!hide || hide.length === 0) return '';
  const hidden = (cap: string) => hide.some((h) => (h.endsWith('*') ? cap.startsWith(h.slice(0, -1)) : cap === h));
  return `imap_capability = ${DOVECOT_IMAP_CAPABILITIES.filter((c) => !hidden(c)).join(' ')}\n`;
}

export const DEFAULT_USERS: DovecotUser[] = [
  { user: 'alice', password: 'alice-pw' },
  { user: 'bob', password: 'bob-pw' },
];

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const MAIL_USER = 'vmail';

/** Master pids of instances that are running, for the crash cleanup below. */
const running = new Map<number, { dir: string; logFile: string }>();

export function dovecotBinary(): string | undefined {
  for (const p of ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot']) if (existsSync(p)) return p;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(path.join(dir, 'dovecot'))) return path.join(dir, 'dovecot');
  }
  return undefined;
}

/** dovecot-core alone has neither protocol: both dovecot-imapd and dovecot-pop3d are needed. */
function protocolsInstalled(): boolean {
  const dirs = ['/usr/lib/dovecot', '/usr/libexec/dovecot'];
  return ['imap', 'pop3'].every((p) => dirs.some((d) => existsSync(path.join(d, p))));
}

/** For node:test: `test('x', dovecotTestOptions(), ...)`. Missing Dovecot is a skip locally, a failure in CI. */
export function dovecotTestOptions(
  env: NodeJS.ProcessEnv = process.env,
  installed: boolean = dovecotBinary() !== undefined && protocolsInstalled(),
): { skip?: string } {
  if (installed) return {};
  const what = 'dovecot (with IMAP and POP3) is not installed: apt-get install dovecot-imapd dovecot-pop3d';
  if (env.CI === 'true' || env.CI === '1') throw new Error(`CI=${env.CI} and ${what}`);
  return { skip: what };
}

/** Asks the OS for `n` distinct free loopback ports (bind to 0, read, close). */
async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, HOST, () => resolve());
      });
      ports.push((s.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port });
    sock.setTimeout(1000);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A daemon is reparented; if nobody reaps it yet, a zombie still answers kill(0).
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The uid/gid mail processes run as. Dovecot refuses uid 0, so as root we use a system user. */
/** The owner Dovecot needs on mail files; `chown`: whether this process may (and must) change it. */
export interface MailOwner {
  uid: number;
  gid: number;
  chown: boolean;
}

/** Makes the files under a user's home the mail user's private data: dirs 0700, files 0600, owned by the mail uid. */
export async function fixMailOwnership(home: string, owner: MailOwner): Promise<void> {
  await execFileAsync('chmod', ['-R', 'u+rwX,go-rwx', home]);
  if (owner.chown) await execFileAsync('chown', ['-R', `${owner.uid}:${owner.gid}`, home]);
  else await chown(home, owner.uid, owner.gid).catch(() => undefined);
}

interface MailIdentity {
  uid: number;
  gid: number;
  name: string;
  /** Group name; used as default_internal_group when not root. */
  group: string;
  isRoot: boolean;
}

async function mailIdentity(): Promise<MailIdentity> {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    const info = os.userInfo();
    const { stdout: group } = await execFileAsync('id', ['-gn']);
    return { uid: info.uid, gid: info.gid, name: info.username, group: group.trim(), isRoot };
  }
  const lookup = async () => {
    const { stdout: uid } = await execFileAsync('id', ['-u', MAIL_USER]);
    const { stdout: gid } = await execFileAsync('id', ['-g', MAIL_USER]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()), name: MAIL_USER, group: MAIL_USER, isRoot };
  };
  try {
    return await lookup();
  } catch {
    try {
      await execFileAsync('useradd', ['-r', '-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', MAIL_USER]);
    } catch {
      // A parallel test process may have created it at the same moment; the lookup decides.
    }
    return lookup();
  }
}

function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function makeCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  // EC P-256 keeps generation fast (RSA-2048 costs ~0.1-1 s on a busy machine).
  await execFileAsync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '7',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  ]);
  await chmod(key, 0o600);
  await chmod(cert, 0o644);
  return { cert, key };
}

/** Salted SHA-256 as Dovecot's {SSHA256} scheme expects: base64(sha256(pw + salt) + salt). */
function ssha256(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha256').update(password).update(salt).digest();
  return `{SSHA256}${Buffer.concat([digest, salt]).toString('base64')}`;
}

function passwdLine(u: DovecotUser, apop: boolean): string {
  if (/[:\n]/.test(u.user) || /\n/.test(u.password)) throw new Error(`invalid test user ${JSON.stringify(u.user)}`);
  // APOP needs the plaintext password on the server side; otherwise store a hash like a real server.
  const pw = apop && !u.noApopSecret ? `{PLAIN}${u.password}` : ssha256(u.password);
  return `${u.user}:${pw}::::::\n`;
}

interface ConfigInput {
  dir: string;
  instanceName: string;
  ports: DovecotServer['ports'];
  cert: string;
  key: string;
  uidlFormat: string;
  apop: boolean;
  ident: MailIdentity;
  imapCapability: string;
  namespace?: { separator: string; prefix: string };
  oauth2?: OAuth2PassdbOptions;
}

function internalUserName(ident: ConfigInput['ident']): string {
  return ident.isRoot && userExists('dovecot') ? 'dovecot' : ident.name;
}

function buildConfig(c: ConfigInput): string {
  const { dir, ports, ident } = c;
  const loginUser = ident.isRoot && userExists('dovenull') ? 'dovenull' : ident.name;
  const internalUser = internalUserName(ident);
  const dh = '/usr/share/dovecot/dh.pem';
  // Without root, Dovecot cannot chroot its login and anvil processes.
  const chroot = ident.isRoot ? '' : '  chroot =\n';
  const listener = (name: string, port: number, ssl: boolean) =>
    `  inet_listener ${name} {\n    address = ${HOST}\n    port = ${port}\n${ssl ? '    ssl = yes\n' : ''}  }\n`;
  return `# Generated by test/helpers/dovecot.ts for one test run.
instance_name = ${c.instanceName}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
debug_log_path = ${dir}/dovecot.log
protocols = imap pop3
listen = ${HOST}
shutdown_clients = yes
# Without this, login processes linger ~5 s after stop waiting for the (dead) stats service.
stats_writer_socket_path =

ssl = yes
ssl_cert = <${c.cert}
ssl_key = <${c.key}
${existsSync(dh) ? `ssl_dh = <${dh}\n` : ''}ssl_min_protocol = TLSv1.2

# The client must refuse to send a password in clear text; the server allows it so tests can check that.
disable_plaintext_auth = no
auth_mechanisms = ${c.oauth2?.only ? '' : `plain login${c.apop ? ' apop' : ''}`}${c.oauth2 ? ` ${(c.oauth2.mechanisms ?? ['oauthbearer', 'xoauth2']).join(' ')}` : ''}
auth_failure_delay = 0 secs
auth_verbose = yes

default_login_user = ${loginUser}
default_internal_user = ${internalUser}
${ident.isRoot ? '' : `default_internal_group = ${ident.group}\n`}${ident.isRoot ? `mail_uid = ${ident.uid}\nmail_gid = ${ident.gid}\n` : ''}first_valid_uid = ${ident.uid}
first_valid_gid = ${ident.gid}

mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = 1000
pop3_uidl_format = ${c.uidlFormat}
${c.imapCapability}
namespace inbox {
  inbox = yes
  separator = ${c.namespace?.separator ?? '/'}
${c.namespace?.prefix ? `  prefix = ${c.namespace.prefix}\n` : ''}  mailbox Drafts {
    special_use = \\Drafts
  }
  mailbox Sent {
    special_use = \\Sent
  }
  mailbox Trash {
    special_use = \\Trash
  }
  mailbox Junk {
    special_use = \\Junk
  }
  mailbox Archive {
    special_use = \\Archive
  }
}

${
  c.oauth2
    ? `passdb {
  driver = oauth2
  mechanisms = ${(c.oauth2.mechanisms ?? ['oauthbearer', 'xoauth2']).join(' ')}
  args = ${dir}/oauth2.conf.ext
}
`
    : ''
}passdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
  default_fields = uid=${ident.uid} gid=${ident.gid} home=${dir}/home/%u
}

service imap-login {
${chroot}${listener('imap', ports.imap, false)}${listener('imaps', ports.imaps, true)}}
service pop3-login {
${chroot}${listener('pop3', ports.pop3, false)}${listener('pop3s', ports.pop3s, true)}}
# A 1,000,000-message mailbox needs more than the 256M default address space per process (the
# index and its maps): imap and pop3 get 2G, so a big mailbox fails in tmail's tests, not in Dovecot.
service imap {
  vsz_limit = 2G
}
service pop3 {
  vsz_limit = 2G
}
# No auth penalty: after a failed login anvil delays every later login from the same IP by 2-15 s,
# which would make one wrong-password test slow down all the tests after it.
service anvil {
${chroot}  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service doveadm {
  inet_listener {
    port = 0
  }
}
`;
}

/** The oauth2 passdb's settings (Dovecot 2.3 dovecot-oauth2.conf.ext): RFC 7662 introspection by POST. */
function oauth2Config(o: OAuth2PassdbOptions): string {
  return `introspection_mode = post
introspection_url = ${o.introspectionUrl}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
${o.scope ? `scope = ${o.scope}\n` : ''}`;
}

/** Kills a forgotten instance when the test process dies without calling stop() (even by SIGKILL). */
function startWatchdog(masterPid: number): number | undefined {
  const script =
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
    'grep -q dovecot "/proc/$2/comm" 2>/dev/null && kill -TERM "$2" $(ps -o pid= --ppid "$2" 2>/dev/null) 2>/dev/null; exit 0';
  const child = spawn('/bin/sh', ['-c', script, 'dovecot-watchdog', String(process.pid), String(masterPid)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child.pid;
}

let cleanupRegistered = false;
function registerCrashCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  const killAll = (why: 'exit' | NodeJS.Signals) => {
    for (const [pid, info] of running) {
      // Children too: they would otherwise linger while the master waits for them.
      const children = childPids(pid);
      kill(pid, 'SIGTERM');
      for (const c of children) kill(c.pid, 'SIGTERM');
      if (why === 'exit') process.stderr.write(`dovecot test instance was not stopped; killed it. Log: ${info.logFile}\n`);
    }
    running.clear();
  };
  process.on('exit', () => killAll('exit'));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const handler = () => {
      killAll(sig);
      // Only restore the default "die on signal" when nobody else handles this signal.
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, handler);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, handler);
  }
}

/** Connects and resolves with the first bytes the server sends (the greeting), or '' on failure. */
function readGreeting(port: number): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port });
    const done = (text: string) => {
      sock.destroy();
      resolve(text);
    };
    sock.setTimeout(2000, () => done(''));
    sock.once('data', (d: Buffer) => done(d.toString('latin1')));
    sock.once('error', () => done(''));
    sock.once('end', () => done(''));
  });
}

/**
 * Ready means the login processes answer, not just that the master holds the sockets: a login
 * process that cannot start still leaves the port accepting connections.
 */
async function waitUntilReady(ports: DovecotServer['ports'], deadline: number, isUp: () => boolean): Promise<boolean> {
  for (;;) {
    const [imap, pop3, imaps, pop3s] = await Promise.all([
      readGreeting(ports.imap),
      readGreeting(ports.pop3),
      canConnect(ports.imaps),
      canConnect(ports.pop3s),
    ]);
    if (imap.startsWith('* OK') && pop3.startsWith('+OK') && imaps && pop3s) return true;
    if (Date.now() > deadline || !isUp()) return false;
    await sleep(50);
  }
}

async function readMasterPid(baseDir: string, deadline: number): Promise<number | undefined> {
  const file = path.join(baseDir, 'master.pid');
  for (;;) {
    try {
      const pid = Number((await readFile(file, 'utf8')).trim());
      if (pid > 0) return pid;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) return undefined;
    await sleep(25);
  }
}

async function launch(conf: string, dir: string, logFile: string): Promise<{ code: number | null; output: string }> {
  const outFile = path.join(dir, 'dovecot.stdout');
  // A file, not a pipe: the daemonized master keeps stderr open, so a pipe would never reach EOF.
  const fd = openSync(outFile, 'a');
  try {
    const child = spawn(dovecotBinary() ?? 'dovecot', ['-c', conf], { stdio: ['ignore', fd, fd] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
    let output = '';
    try {
      output = readFileSync(outFile, 'utf8');
    } catch {
      // nothing written
    }
    return { code, output: output + (code === 0 ? '' : `\n${logTail(logFile)}`) };
  } finally {
    closeSync(fd);
  }
}

export async function startDovecot(opts: StartDovecotOptions = {}): Promise<DovecotServer> {
  if (!dovecotBinary()) throw new Error('dovecot is not installed: apt-get install dovecot-imapd dovecot-pop3d');
  const users = opts.users ?? DEFAULT_USERS;
  const apop = opts.apop ?? false;
  const baseDir = opts.baseDir ?? os.tmpdir();
  const ident = await mailIdentity();

  // Short path: unix sockets under base_dir are capped at 107 bytes.
  const dir = await mkdtemp(path.join(baseDir, 'dc-'));
  // Mail and login processes do not run as us: the dir must be searchable by them.
  await chmod(dir, 0o755);
  const runDir = path.join(dir, 'run');
  await mkdir(runDir, { mode: 0o755 });
  await mkdir(path.join(dir, 'state'), { mode: 0o755 });
  await mkdir(path.join(dir, 'home'), { mode: 0o755 });
  for (const u of users) {
    const home = path.join(dir, 'home', u.user);
    await mkdir(path.join(home, 'Maildir'), { recursive: true, mode: 0o700 });
    for (const sub of ['tmp', 'new', 'cur']) await mkdir(path.join(home, 'Maildir', sub), { mode: 0o700 });
    if (ident.isRoot) await execFileAsync('chown', ['-R', `${ident.uid}:${ident.gid}`, home]);
  }
  const usersFile = path.join(dir, 'users');
  await writeFile(usersFile, users.map((u) => passwdLine(u, apop)).join(''), { mode: 0o600 });
  // The auth worker runs as default_internal_user and must read the (0600) passwd file.
  if (ident.isRoot) await execFileAsync('chown', [internalUserName(ident), usersFile]);
  const { cert, key } = await makeCertificate(dir);
  if (opts.oauth2) await writeFile(path.join(dir, 'oauth2.conf.ext'), oauth2Config(opts.oauth2), { mode: 0o644 });
  const logFile = path.join(dir, 'dovecot.log');
  const conf = path.join(dir, 'dovecot.conf');
  const instanceName = `tmail-test-${path.basename(dir).slice(3)}-${process.pid}`;

  let ports: DovecotServer['ports'] | undefined;
  let masterPid: number | undefined;
  let lastError = '';
  // Another process can grab a port between our probe and Dovecot's bind: retry with fresh ports.
  for (let attempt = 0; attempt < 3 && masterPid === undefined; attempt++) {
    const [imap, imaps, pop3, pop3s] = (await freePorts(4)) as [number, number, number, number];
    ports = { imap, imaps, pop3, pop3s };
    await writeFile(
      conf,
      buildConfig({
        dir,
        instanceName,
        ports,
        cert,
        key,
        uidlFormat: opts.pop3UidlFormat ?? '%08Xu%08Xv',
        apop,
        ident,
        imapCapability: opts.imapCapability ? `imap_capability = ${opts.imapCapability}\n` : imapCapabilityLine(opts.hideImapCapabilities),
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
        ...(opts.oauth2 ? { oauth2: opts.oauth2 } : {}),
      }),
      { mode: 0o644 },
    );
    // A failed attempt's "Fatal:" lines must not make stop() think the server broke later.
    await writeFile(logFile, '', { mode: 0o644 });
    const { code, output } = await launch(conf, dir, logFile);
    if (code !== 0) {
      lastError = `dovecot exited with ${code}:\n${output.trim()}`;
      if (/address already in use/i.test(output)) continue;
      break;
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    const pid = await readMasterPid(runDir, deadline);
    if (pid === undefined) {
      lastError = `dovecot did not write ${runDir}/master.pid within ${START_TIMEOUT_MS} ms`;
      break;
    }
    running.set(pid, { dir, logFile });
    registerCrashCleanup();
    const up = await waitUntilReady(ports, deadline, () => isAlive(pid));
    if (up) {
      masterPid = pid;
      break;
    }
    lastError = isAlive(pid)
      ? `dovecot did not greet on ${Object.values(ports).join(', ')} within ${START_TIMEOUT_MS} ms`
      : 'dovecot exited right after starting';
    await terminate(pid);
    running.delete(pid);
    if (!/address already in use/i.test(logTail(logFile, 50))) break;
  }
  if (masterPid === undefined || !ports) {
    throw new Error(`could not start test dovecot: ${lastError}\nlog: ${logFile} (dir kept: ${dir})\n${logTail(logFile)}`);
  }

  const pid = masterPid;
  const watchdogPid = startWatchdog(pid);
  const finalPorts = ports;
  let stopped = false;

  const maildir = (user: string) => path.join(dir, 'home', user, 'Maildir');

  return {
    host: HOST,
    ports: finalPorts,
    caFile: cert,
    users,
    maildir,
    logFile,
    dir,
    mailOwner: { uid: ident.uid, gid: ident.gid, chown: ident.isRoot },
    async fixOwnership(user: string) {
      await fixMailOwnership(path.join(dir, 'home', user), { uid: ident.uid, gid: ident.gid, chown: ident.isRoot });
    },
    detach() {
      if (watchdogPid) kill(watchdogPid, 'SIGKILL');
      running.delete(pid);
      stopped = true;
    },
    async stop(stopOpts: { keep?: boolean; expectedErrors?: RegExp } = {}) {
      if (stopped) return;
      stopped = true;
      if (watchdogPid) kill(watchdogPid, 'SIGKILL');
      // Only what the server logged before we stopped it counts: killing it logs "Fatal: … signal 15".
      const serverErrors = readFileOr(logFile)
        .split('\n')
        .some((line) => /\b(Panic|Fatal):/.test(line) && !stopOpts.expectedErrors?.test(line));
      await terminate(pid);
      running.delete(pid);
      // Login processes hold the listening sockets; wait until all have closed.
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while ((await Promise.all(Object.values(finalPorts).map(canConnect))).some(Boolean) && Date.now() < deadline) {
        await sleep(50);
      }
      // node:test sets process.exitCode once a test in this file has failed: keep the evidence.
      const testFailed = typeof process.exitCode === 'number' && process.exitCode !== 0;
      if (stopOpts.keep || process.env.TMAIL_KEEP_DOVECOT === '1' || serverErrors || testFailed) {
        const why = serverErrors ? 'server logged errors' : testFailed ? 'a test failed' : 'keep requested';
        process.stderr.write(`test dovecot kept (${why}): ${dir} (log ${logFile})\n`);
        return;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Stops an instance started earlier (possibly by another process, e.g. a detached
 * `npm run mailserver -- --keep`) and removes its dir. Refuses dirs that are not a harness instance.
 */
export async function stopDovecotAt(dir: string): Promise<void> {
  const conf = readFileOr(path.join(dir, 'dovecot.conf'));
  if (!conf.startsWith('# Generated by test/helpers/dovecot.ts')) {
    throw new Error(`${dir} is not a test Dovecot directory (no generated dovecot.conf)`);
  }
  const pid = Number(readFileOr(path.join(dir, 'run', 'master.pid')).trim());
  if (pid > 0 && isAlive(pid) && readFileOr(`/proc/${pid}/comm`).trim() === 'dovecot') await terminate(pid);
  rmSync(dir, { recursive: true, force: true });
}

function readFileOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Pids whose parent is `pid` (Dovecot's service processes are children of its master). */
export function childPids(pid: number): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') {
        out.push({ pid: Number(e), comm: stat.slice(stat.indexOf('(') + 1, close) });
      }
    } catch {
      // exited while we looked
    }
  }
  return out;
}

function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * SIGTERM our master and its service processes, and wait until all are gone. The children are
 * signalled directly because login/auth/anvil processes otherwise linger (seconds) while clients
 * are connected, and the master sleeps until they are gone. SIGKILL is the last resort.
 */
async function terminate(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  const seen = new Map<number, string>();
  kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  for (;;) {
    for (const c of childPids(pid)) {
      if (!seen.has(c.pid)) {
        seen.set(c.pid, c.comm);
        kill(c.pid, 'SIGTERM');
      }
    }
    const left = [...seen.keys()].filter(isAlive);
    if (!isAlive(pid) && left.length === 0) return;
    if (Date.now() > deadline) {
      kill(pid, 'SIGKILL');
      for (const p of left) kill(p, 'SIGKILL');
      return;
    }
    await sleep(20);
  }
}

/**
 * The address-space limit (RLIMIT_AS, bytes; Infinity when unlimited) Dovecot applied to a running
 * process of `service` ('imap', 'pop3') of this instance: what `vsz_limit` became, read from
 * /proc/PID/limits, so a setting Dovecot ignored or overrode is noticed. Undefined while no such
 * process runs (log in first and keep the connection open).
 */
export function serviceAddressSpaceLimit(server: DovecotServer, service: string): number | undefined {
  const master = Number(readFileOr(path.join(server.dir, 'run', 'master.pid')).trim());
  if (!master) return undefined;
  const proc = childPids(master).find((p) => p.comm === service);
  if (!proc) return undefined;
  const line = readFileOr(`/proc/${proc.pid}/limits`)
    .split('\n')
    .find((l) => l.startsWith('Max address space'));
  const soft = line?.slice('Max address space'.length).trim().split(/\s+/)[0];
  if (soft === undefined) return undefined;
  return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}
