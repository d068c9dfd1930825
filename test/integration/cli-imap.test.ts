// The CLI end to end against the private Dovecot: `account add` (flags, and interactive through a
// real process with piped stdin) tests the login before saving; `folders` and `list` print what
// the server has; every failure is one line on stderr with a non-zero exit and no stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { sanitizeLine } from '../../src/text/sanitize.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir, type GeneratedMessage } from '../helpers/maildir-generator.js';
import { testContext } from '../unit/cli-context.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('tmail CLI against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let inbox: GeneratedMessage[];
  let work: GeneratedMessage[];
  let root: string;
  let n = 0;

  before(async () => {
    server = await startDovecot();
    const maildir = server.maildir('alice');
    inbox = (await generateMaildir(maildir, { count: 30, seed: 7 })).messages!;
    work = (await generateMaildir(maildir, { count: 4, folder: 'Work', seed: 8 })).messages!;
    await server.fixOwnership('alice');
    root = mkdtempSync(join(tmpdir(), 'tmail-cli-it-'));
  });

  after(async () => {
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function freshEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const dir = join(root, `case${++n}`);
    return { PATH: process.env.PATH, HOME: join(dir, 'home'), TMAIL_CONFIG_DIR: join(dir, 'config'), TMAIL_DATA_DIR: join(dir, 'data'), ...extra };
  }
  const configFile = (env: NodeJS.ProcessEnv) => join(env.TMAIL_CONFIG_DIR!, 'config.json');
  const saved = (env: NodeJS.ProcessEnv) =>
    existsSync(configFile(env)) ? (JSON.parse(readFileSync(configFile(env), 'utf8')) as { accounts: Record<string, unknown>[] }).accounts : [];

  async function tmail(argv: string[], env: NodeJS.ProcessEnv, input?: string) {
    const t = testContext(env, input === undefined ? {} : { input });
    const code = await main(argv, t.ctx);
    return { code, stdout: t.stdout(), stderr: t.stderr() };
  }

  /** A config with one account, written directly (as a user would edit it). */
  function configWith(account: Record<string, unknown>, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const env = freshEnv(extra);
    mkdirSync(env.TMAIL_CONFIG_DIR!, { recursive: true, mode: 0o700 });
    const base = {
      name: 'alice',
      protocol: 'imap',
      host: server.host,
      port: server.ports.imap,
      security: 'starttls',
      user: 'alice',
      ca: server.caFile,
      passwordEnv: 'PW',
    };
    writeFileSync(configFile(env), JSON.stringify({ accounts: [{ ...base, ...account }] }), { mode: 0o600 });
    return env;
  }

  /** One line on stderr, non-zero exit, no stack frames, no password. */
  function assertOneLineFailure(r: { code: number; stderr: string }, pattern: RegExp) {
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^tmail: [^\n]+\n$/, `not a single line: ${JSON.stringify(r.stderr)}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at |alice-pw|wrong-pw/);
  }

  async function closedPort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return port;
  }

  test('account add with flags (STARTTLS + ca, passwordEnv): tests the login, then saves', async () => {
    const env = freshEnv({ ALICE_PW: 'alice-pw' });
    const r = await tmail(
      [
        'account',
        'add',
        '--name',
        'alice',
        '--host',
        server.host,
        '--port',
        String(server.ports.imap),
        '--security',
        'starttls',
        '--user',
        'alice',
        '--email',
        'alice@example.test',
        '--password-env',
        'ALICE_PW',
        '--ca',
        server.caFile,
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Login OK\.\nSaved account "alice"/);
    assert.deepEqual(saved(env), [
      {
        name: 'alice',
        protocol: 'imap',
        host: server.host,
        port: server.ports.imap,
        security: 'starttls',
        user: 'alice',
        email: 'alice@example.test',
        passwordEnv: 'ALICE_PW',
        ca: server.caFile,
      },
    ]);
    assert.doesNotMatch(readFileSync(configFile(env), 'utf8'), /alice-pw/);
  });

  test('account add with a wrong password: reason printed, exit 1, nothing saved', async () => {
    const env = freshEnv({ ALICE_PW: 'wrong-pw' });
    const r = await tmail(
      [
        'account',
        'add',
        '--name',
        'alice',
        '--host',
        server.host,
        '--port',
        String(server.ports.imaps),
        '--user',
        'alice',
        '--password-env',
        'ALICE_PW',
        '--ca',
        server.caFile,
      ],
      env,
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tmail: login test failed: [^\n]*\ntmail: nothing was saved\n$/);
    assert.match(r.stderr, /password|authentication|login/i);
    assert.doesNotMatch(r.stderr, /wrong-pw|\n\s+at /);
    assert.deepEqual(saved(env), []);
    assert.equal(existsSync(configFile(env)), false);
  });

  test('account add over implicit TLS with a password command', async () => {
    const env = freshEnv();
    const r = await tmail(
      [
        'account',
        'add',
        '--name',
        'tls',
        '--host',
        server.host,
        '--port',
        String(server.ports.imaps),
        '--user',
        'bob',
        '--password-command',
        'echo bob-pw',
        '--ca',
        server.caFile,
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(saved(env)[0]!.security, 'tls');
  });

  test('interactive account add through a real tmail process with piped stdin (password asked)', async () => {
    const env = freshEnv();
    const answers = [
      'alice@example.test',
      'imap',
      server.host,
      'tls',
      String(server.ports.imaps),
      'alice',
      '3', // ask for the password each time
      server.caFile,
      'no',
      'piped',
      'alice-pw', // the password, read by the login test
    ];
    const main = pathToFileURL(join(repo, 'src/cli/main.ts')).href;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(main)}); await m.runCli(['account', 'add', '--no-lookup']);`],
      { cwd: repo, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(`${answers.join('\n')}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, `stdout:\n${stdout}\nstderr:\n${stderr}`);
    assert.match(stdout, /Server host name \[imap\.example\.test\]: /);
    assert.match(stdout, /Port \[993\]: /);
    assert.match(stderr, /Password for alice at 127\.0\.0\.1: /);
    assert.doesNotMatch(stdout + stderr, /alice-pw/);
    assert.deepEqual(saved(env), [
      {
        name: 'piped',
        protocol: 'imap',
        host: server.host,
        port: server.ports.imaps,
        security: 'tls',
        user: 'alice',
        email: 'alice@example.test',
        ca: server.caFile,
      },
    ]);
  });

  test('account add for POP3 (POP3S + ca): login tested, wrong password saves nothing', async () => {
    const args = (pw: string) => [
      'account',
      'add',
      '--protocol',
      'pop3',
      '--name',
      'pop',
      '--host',
      server.host,
      '--port',
      String(server.ports.pop3s),
      '--user',
      'bob',
      '--password-command',
      `echo ${pw}`,
      '--ca',
      server.caFile,
    ];
    const bad = freshEnv();
    const r1 = await tmail(args('wrong-pw'), bad);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /^tmail: login test failed: [^\n]*\ntmail: nothing was saved\n$/);
    assert.deepEqual(saved(bad), []);
    const good = freshEnv();
    const r2 = await tmail(args('bob-pw'), good);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(saved(good)[0]!.protocol, 'pop3');
  });

  test('folders: tree with total and unread counts', async () => {
    const env = configWith({}, { PW: 'alice-pw' });
    const r = await tmail(['folders'], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^Folder\s+Total\s+Unread$/);
    assert.match(lines[1]!, /^INBOX\s+30\s+30$/);
    assert.ok(
      lines.some((l) => /^Work\s+4\s+4$/.test(l)),
      r.stdout,
    );
  });

  test('list: newest first, limited, columns flags/date/from/subject', async () => {
    const env = configWith({}, { PW: 'alice-pw' });
    const r = await tmail(['list', '--limit', '5'], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    const newest = inbox.slice(-5).reverse();
    lines.forEach((line, i) => {
      assert.match(line, /^N {2}[ +] \d{4}-\d\d-\d\d \d\d:\d\d {2}/);
      assert.ok(line.endsWith(sanitizeLine(newest[i]!.subject).trim()), `${line} !~ ${newest[i]!.subject}`);
    });
    const w = await tmail(['list', '--folder', 'Work', '--account', 'ALICE'], env);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout.trimEnd().split('\n').length, work.length);
  });

  test('wrong password: one line, exit 1', async () => {
    const r = await tmail(['folders'], configWith({}, { PW: 'wrong-pw' }));
    assertOneLineFailure(r, /password|authentication|login/i);
    assert.equal(r.code, 1);
  });

  test('closed port: one line, exit 1', async () => {
    const r = await tmail(['list'], configWith({ port: await closedPort(), security: 'tls' }, { PW: 'alice-pw' }));
    assertOneLineFailure(r, /refused|connect|reach/i);
  });

  test('untrusted certificate (no ca): one line, exit 1', async () => {
    const r = await tmail(['folders'], configWith({ ca: undefined, port: server.ports.imaps, security: 'tls' }, { PW: 'alice-pw' }));
    assertOneLineFailure(r, /certificate/i);
  });

  test('plaintext login is refused without allowInsecureAuth', async () => {
    const r = await tmail(['folders'], configWith({ security: 'none' }, { PW: 'alice-pw' }));
    assertOneLineFailure(r, /without TLS/);
  });

  test('a missing ca file is named when used', async () => {
    const r = await tmail(['folders'], configWith({ ca: join(root, 'nope.pem') }, { PW: 'alice-pw' }));
    assertOneLineFailure(r, /nope\.pem/);
  });

  test('a folder that does not exist: one line, exit 1', async () => {
    const r = await tmail(['list', '--folder', 'NoSuchFolder'], configWith({}, { PW: 'alice-pw' }));
    assertOneLineFailure(r, /NoSuchFolder/);
  });

  test('unset password variable: one line naming it', async () => {
    const r = await tmail(['folders'], configWith({}));
    assertOneLineFailure(r, /environment variable PW \(passwordEnv\) is not set/);
  });
});
