// `tmail account` (usage), `account edit` (field=value, validated as a whole, the rest of the file
// kept as written), `account remove` (what happens to local mail) and `account rename` (the data
// dir moves along; collisions refused), in-process with fake streams.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { accountDataDir } from '../../src/config/paths.js';
import { testContext } from './cli-context.js';

const root = mkdtempSync(join(tmpdir(), 'tmail-account-cmds-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function freshEnv(): NodeJS.ProcessEnv {
  const dir = join(root, `case${++n}`);
  return { HOME: join(dir, 'home'), TMAIL_CONFIG_DIR: join(dir, 'config'), TMAIL_DATA_DIR: join(dir, 'data'), PATH: process.env.PATH };
}
const configFile = (env: NodeJS.ProcessEnv) => join(env.TMAIL_CONFIG_DIR!, 'config.json');

// Hand-written layout (tabs, one-line objects, an unknown key) that edits must not reformat.
const HAND_WRITTEN = `{
\t"accounts": [
\t\t{ "name": "alice (IMAP)", "protocol": "imap", "host": "imap.example.org", "port": 993, "security": "tls", "user": "alice", "passwordEnv": "PW" },
\t\t{ "name": "home", "protocol": "pop3", "host": "pop.example.org", "port": 995, "security": "tls", "user": "me", "leaveOnServer": true }
\t],
\t"keys": { "quit": "q" }
}
`;

function withConfig(text = HAND_WRITTEN): NodeJS.ProcessEnv {
  const env = freshEnv();
  mkdirSync(env.TMAIL_CONFIG_DIR!, { recursive: true, mode: 0o700 });
  writeFileSync(configFile(env), text, { mode: 0o600 });
  return env;
}

async function tmail(argv: string[], env: NodeJS.ProcessEnv, opts: { input?: string; tty?: boolean } = {}) {
  const t = testContext(env, opts.input === undefined ? {} : { input: opts.input });
  if (opts.tty) t.ctx.stdin.isTTY = true;
  const code = await main(argv, t.ctx);
  return { code, stdout: t.stdout(), stderr: t.stderr() };
}

const accounts = (env: NodeJS.ProcessEnv) => (JSON.parse(readFileSync(configFile(env), 'utf8')) as { accounts: Record<string, unknown>[] }).accounts;

describe('tmail account', () => {
  test('without a subcommand, and with --help: the account commands', async () => {
    for (const argv of [['account'], ['account', '--help']]) {
      const r = await tmail(argv, freshEnv());
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: tmail account <command>/);
      for (const sub of ['add', 'edit', 'list', 'mode', 'remove', 'rename']) assert.match(r.stdout, new RegExp(`^  tmail account ${sub} `, 'm'));
    }
  });

  test('suggested commands are shell-quoted (an account named "alice (IMAP)")', async () => {
    const env = withConfig();
    const r = await tmail(['sync', '--account', 'alice (IMAP)'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /to download it instead: tmail account mode 'alice \(IMAP\)' pop3\)/);
  });
});

describe('account edit NAME field=value', () => {
  test('changes only the given fields; the rest of the file stays byte for byte', async () => {
    const env = withConfig();
    const r = await tmail(
      ['account', 'edit', 'home', 'port=1995', 'deleteAfterDays=14', 'smtp.host=smtp.example.org', 'smtp.port=587', 'smtp.security=starttls'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Account "home" changed: port=1995, deleteAfterDays=14, smtp.host="smtp.example.org"/);
    const text = readFileSync(configFile(env), 'utf8');
    assert.ok(text.startsWith(HAND_WRITTEN.split('\n').slice(0, 3).join('\n')), text);
    assert.match(text, /"keys": \{ "quit": "q" \}/);
    assert.deepEqual(accounts(env)[1], {
      name: 'home',
      protocol: 'pop3',
      host: 'pop.example.org',
      port: 1995,
      security: 'tls',
      user: 'me',
      leaveOnServer: true,
      deleteAfterDays: 14,
      smtp: { host: 'smtp.example.org', port: 587, security: 'starttls' },
    });
    assert.equal(statSync(configFile(env)).mode & 0o777, 0o600);
  });

  test('an empty value removes a field; setting one password source drops the other', async () => {
    const env = withConfig();
    assert.equal((await tmail(['account', 'edit', 'alice (IMAP)', 'passwordCommand=pass show mail'], env)).code, 0);
    assert.equal(accounts(env)[0]!.passwordCommand, 'pass show mail');
    assert.equal(accounts(env)[0]!.passwordEnv, undefined);
    assert.equal((await tmail(['account', 'edit', 'home', 'leaveOnServer='], env)).code, 0);
    assert.equal('leaveOnServer' in accounts(env)[1]!, false);
  });

  test("invalid values: the validator's words, nothing written", async () => {
    const env = withConfig();
    const cases: [string[], RegExp][] = [
      [['port=99999'], /port must be an integer 1-65535, got 99999/],
      [['security=ssl'], /security must be "tls", "starttls" or "none", got "ssl"/],
      [['port=abc'], /port must be a whole number, got "abc"/],
      [['deleteAfterDays=3', 'leaveOnServer=false'], /deleteAfterDays requires "leaveOnServer": true/],
      [['apop=maybe'], /apop must be true or false, got "maybe"/],
      [['colour=red'], /"colour" cannot be set here; fields: email, host/],
      [['protocol=pop3'], /tmail account mode NAME pop3\|imap/],
      [['name=x'], /tmail account rename OLD NEW/],
      [['justaword'], /"justaword" is not field=value/],
    ];
    for (const [assignments, pattern] of cases) {
      const r = await tmail(['account', 'edit', 'home', ...assignments], env);
      assert.equal(r.code, 2, `${assignments.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.equal(readFileSync(configFile(env), 'utf8'), HAND_WRITTEN);
    }
    const missing = await tmail(['account', 'edit', 'nobody', 'port=1'], env);
    assert.match(missing.stderr, /no account named "nobody"/);
  });

  test('interactive: Enter keeps every current value; a changed answer is saved', async () => {
    const env = withConfig();
    const answers = ['', 'imap2.example.org', '', '', '', '', '', '', ''];
    const r = await tmail(['account', 'edit', 'alice (IMAP)'], env, { input: `${answers.join('\n')}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Server host name \[imap\.example\.org\]: /);
    assert.match(r.stdout, /Environment variable name \[PW\]: /);
    assert.match(r.stdout, /changed: host="imap2\.example\.org"\n$/);
    assert.equal(accounts(env)[0]!.host, 'imap2.example.org');
  });

  test('interactive: an account without smtp is offered one', async () => {
    const env = withConfig();
    const answers = ['me@example.org', '', '', '', '', '', '', '', 'yes', '', '', ''];
    const r = await tmail(['account', 'edit', 'home'], env, { input: `${answers.join('\n')}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Keep mail on the server\? \(yes or no\) \[yes\]: /);
    assert.match(r.stdout, /SMTP server host name \[smtp\.example\.org\]: /);
    assert.deepEqual(accounts(env)[1]!.smtp, { host: 'smtp.example.org', port: 587, security: 'starttls' });
    assert.equal(accounts(env)[1]!.email, 'me@example.org');
  });
});

describe('account remove', () => {
  function withData(env: NodeJS.ProcessEnv, name: string, maildir: boolean): string {
    const dir = accountDataDir({ env }, name);
    mkdirSync(join(dir, 'cache'), { recursive: true });
    writeFileSync(join(dir, 'cache', 'headers.db'), 'x');
    if (maildir) {
      mkdirSync(join(dir, 'Maildir', 'cur'), { recursive: true });
      writeFileSync(join(dir, 'Maildir', 'cur', '1.mail'), 'Subject: kept\r\n\r\nbody\r\n');
      writeFileSync(join(dir, 'pop3-state.json'), '{}');
    }
    return dir;
  }

  test('asks; POP3 mail is kept by default, the cache is deleted', async () => {
    const env = withConfig();
    const dir = withData(env, 'home', true);
    const r = await tmail(['account', 'remove', 'home'], env, { input: 'yes\n\n', tty: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Nothing on the server changes/);
    assert.match(r.stdout, /mail deleted from the server exists only there/);
    assert.match(r.stdout, /Also DELETE the downloaded mail\? \(yes or no\) \[no\]: /);
    assert.match(r.stdout, /Its downloaded mail is kept in /);
    assert.deepEqual(
      accounts(env).map((a) => a.name),
      ['alice (IMAP)'],
    );
    assert.equal(existsSync(join(dir, 'Maildir', 'cur', '1.mail')), true);
    assert.equal(existsSync(join(dir, 'pop3-state.json')), true);
    assert.equal(existsSync(join(dir, 'cache')), false);
  });

  test('saying yes to the second question deletes the mail too; IMAP data is deleted without that question', async () => {
    const env = withConfig();
    const pop = withData(env, 'home', true);
    assert.equal((await tmail(['account', 'remove', 'home'], env, { input: 'y\nyes\n', tty: true })).code, 0);
    assert.equal(existsSync(pop), false);
    const imap = withData(env, 'alice (IMAP)', false);
    const r = await tmail(['account', 'remove', 'alice (IMAP)'], env, { input: 'yes\n', tty: true });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /downloaded mail/);
    assert.equal(existsSync(imap), false);
    assert.deepEqual(accounts(env), []);
  });

  test('default answer is no; without a terminal --yes is required; --yes keeps mail unless --delete-mail', async () => {
    const env = withConfig();
    const dir = withData(env, 'home', true);
    const no = await tmail(['account', 'remove', 'home'], env, { input: '\n', tty: true });
    assert.equal(no.code, 1);
    assert.match(no.stdout, /Not removed/);
    const piped = await tmail(['account', 'remove', 'home'], env, { input: 'yes\n' });
    assert.equal(piped.code, 2);
    assert.match(piped.stderr, /add --yes/);
    assert.equal(accounts(env).length, 2);
    assert.equal((await tmail(['account', 'remove', 'home', '--yes'], env)).code, 0);
    assert.equal(existsSync(join(dir, 'Maildir', 'cur', '1.mail')), true);
  });
});

describe('account rename', () => {
  test('renames and moves the data dir; refuses a taken name or a data dir in the way', async () => {
    const env = withConfig();
    const oldDir = accountDataDir({ env }, 'home');
    mkdirSync(join(oldDir, 'Maildir', 'cur'), { recursive: true });
    writeFileSync(join(oldDir, 'Maildir', 'cur', '1.mail'), 'x');

    const clash = await tmail(['account', 'rename', 'home', 'ALICE (imap)'], env);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /an account named "alice \(IMAP\)" already exists/);

    const blocked = accountDataDir({ env }, 'old stuff');
    mkdirSync(blocked, { recursive: true });
    const inWay = await tmail(['account', 'rename', 'home', 'old stuff'], env);
    assert.equal(inWay.code, 2);
    assert.match(inWay.stderr, /already exists .*move it away first/);
    assert.equal(existsSync(join(oldDir, 'Maildir', 'cur', '1.mail')), true);

    const r = await tmail(['account', 'rename', 'home', 'Home mail'], env);
    assert.equal(r.code, 0, r.stderr);
    const newDir = accountDataDir({ env }, 'Home mail');
    assert.equal(existsSync(oldDir), false);
    assert.equal(readFileSync(join(newDir, 'Maildir', 'cur', '1.mail'), 'utf8'), 'x');
    assert.deepEqual(
      accounts(env).map((a) => a.name),
      ['alice (IMAP)', 'Home mail'],
    );
  });
});
