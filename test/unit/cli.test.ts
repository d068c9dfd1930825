import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AccountError, type FolderInfo, type MessageSummary } from '../../src/domain/index.js';
import { formatFolders } from '../../src/cli/commands/folders.js';
import { formatMessageLine } from '../../src/cli/commands/list.js';
import { COMMANDS, main, parseInvocation } from '../../src/cli/main.js';
import { fit, stringWidth, truncate } from '../../src/cli/table.js';
import { testContext } from './cli-context.js';

const root = mkdtempSync(join(tmpdir(), 'tmail-cli-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function freshEnv(): NodeJS.ProcessEnv {
  const dir = join(root, `case${++n}`);
  return { HOME: join(dir, 'home'), TMAIL_CONFIG_DIR: join(dir, 'config'), TMAIL_DATA_DIR: join(dir, 'data'), PATH: process.env.PATH };
}
const configFile = (env: NodeJS.ProcessEnv) => join(env.TMAIL_CONFIG_DIR!, 'config.json');
const savedAccounts = (env: NodeJS.ProcessEnv) =>
  existsSync(configFile(env)) ? (JSON.parse(readFileSync(configFile(env), 'utf8')) as { accounts: Record<string, unknown>[] }).accounts : [];

async function tmail(argv: string[], env: NodeJS.ProcessEnv, opts: { input?: string; columns?: number } = {}) {
  const t = testContext(env, opts);
  const code = await main(argv, t.ctx);
  return { code, stdout: t.stdout(), stderr: t.stderr() };
}

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('global options and errors', () => {
  test('--version and -V print the package version', async () => {
    assert.deepEqual(await tmail(['--version'], {}), { code: 0, stdout: `${version}\n`, stderr: '' });
    assert.equal((await tmail(['-V'], {})).stdout, `${version}\n`);
  });

  test('--help lists every command of the table', async () => {
    const r = await tmail(['--help'], {});
    assert.equal(r.code, 0);
    for (const name of Object.keys(COMMANDS)) assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
    assert.match(r.stdout, /--config FILE/);
  });

  test("command --help shows that command's usage without running it", async () => {
    const env = freshEnv();
    const r = await tmail(['list', '--help'], env);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: tmail list \[--account NAME\] \[--folder FOLDER\] \[--limit N\]/);
    assert.equal(existsSync(env.TMAIL_CONFIG_DIR!), false, 'help must not touch the config');
    assert.match((await tmail(['account', 'add', '-h'], env)).stdout, /--password-command CMD/);
  });

  test('unknown command / option: one line, usage hint, exit 2', async () => {
    const r = await tmail(['frobnicate'], {});
    assert.deepEqual(r, { code: 2, stdout: '', stderr: 'tmail: unknown command "frobnicate"\nRun "tmail --help" for usage.\n' });
    const a = await tmail(['account', 'frob'], {});
    assert.equal(a.code, 2);
    assert.match(a.stderr, /unknown command "account frob" \(account commands: add, edit, list, login, logout, mode, remove, rename\)/);
    const o = await tmail(['list', '--colour'], freshEnv());
    assert.equal(o.code, 2);
    assert.equal(o.stderr, 'tmail: unknown option --colour\nUsage: tmail list [--account NAME] [--folder FOLDER] [--limit N]\n');
    const l = await tmail(['list', '--limit', 'lots'], freshEnv());
    assert.equal(l.code, 2);
    assert.match(l.stderr, /^tmail: --limit must be a whole number from 1 to 1000000, got "lots"\n/);
    assert.equal((await tmail(['--config'], {})).code, 2);
  });

  test('--config is accepted before and after the command', () => {
    assert.deepEqual(parseInvocation(['--config', 'a.json', 'list', '-n', '5']), {
      configPath: 'a.json',
      version: false,
      help: false,
      command: 'list',
      args: ['-n', '5'],
    });
    assert.deepEqual(parseInvocation(['account', 'list', '--config=b.json']), {
      configPath: 'b.json',
      version: false,
      help: false,
      command: 'account list',
      args: [],
    });
  });

  test('a broken config: every problem on its own line, exit 2, no stack', async () => {
    const env = freshEnv();
    mkdirSync(env.TMAIL_CONFIG_DIR!, { recursive: true, mode: 0o700 });
    writeFileSync(
      configFile(env),
      JSON.stringify({
        accounts: [
          { name: 'work', protocol: 'imap', host: 'h', user: 'u', port: '99x' },
          { name: 'b', protocol: 'x', host: 'h', user: 'u' },
        ],
      }),
      { mode: 0o600 },
    );
    const r = await tmail(['folders'], env);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `tmail: ${configFile(env)}: account "work" (accounts[0]): port must be an integer 1-65535, got "99x"\n` +
        `tmail: ${configFile(env)}: account "b" (accounts[1]): protocol must be "imap" or "pop3", got "x"\n`,
    );
    writeFileSync(configFile(env), '{"accounts": [');
    const j = await tmail(['account', 'list'], env);
    assert.equal(j.code, 2);
    assert.match(j.stderr, /^tmail: .*config\.json: invalid JSON: line 1, column 15: expected "]"\n$/);
  });

  test('no accounts / unknown --account: one line, exit 2', async () => {
    const env = freshEnv();
    const r = await tmail(['folders'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^tmail: no accounts configured in .*; add one with: tmail account add\n$/);
  });

  test('AccountError: its message only, exit 1; unexpected errors: one line + TMAIL_DEBUG hint', async () => {
    COMMANDS['test-account-error'] = {
      summary: '',
      load: async () => ({
        run: async () => {
          throw new AccountError('auth', 'login failed: wrong \u001b]0;x\u0007password');
        },
      }),
    };
    COMMANDS['test-bug'] = {
      summary: '',
      load: async () => ({
        run: async () => {
          throw new TypeError('x is not a function\n    at somewhere');
        },
      }),
    };
    try {
      const a = await tmail(['test-account-error'], {});
      assert.deepEqual(a, { code: 1, stdout: '', stderr: 'tmail: login failed: wrong password\n' });
      const b = await tmail(['test-bug'], {});
      assert.equal(b.code, 1);
      assert.equal(b.stderr, 'tmail: unexpected error: x is not a function\ntmail: run with TMAIL_DEBUG=1 for details\n');
      const d = await tmail(['test-bug'], { TMAIL_DEBUG: '1' });
      assert.match(d.stderr, /^tmail: unexpected error: x is not a function\nTypeError: x is not a function/);
      assert.match(d.stderr, /\n\s+at /);
    } finally {
      delete COMMANDS['test-account-error'];
      delete COMMANDS['test-bug'];
    }
  });

  test('no command and no terminal: the UI entry answers with one line and a non-zero exit', async () => {
    const r = await tmail([], freshEnv());
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^tmail: [^\n]+\n$/);
    assert.equal(r.stdout, '');
  });
});

describe('account add (without login test) and account list', () => {
  test('flags: defaults from protocol/security, saved 0600, listed without secrets', async () => {
    const env = { ...freshEnv(), MAILPW: 'top-secret-value' };
    const r = await tmail(
      ['account', 'add', '--email', 'me@example.org', '--protocol', 'pop3', '--security', 'starttls', '--password-env', 'MAILPW', '--no-test'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Saved account "me@example\.org"/);
    assert.deepEqual(savedAccounts(env), [
      {
        name: 'me@example.org',
        protocol: 'pop3',
        host: 'pop.example.org',
        port: 110,
        security: 'starttls',
        user: 'me@example.org',
        email: 'me@example.org',
        passwordEnv: 'MAILPW',
      },
    ]);
    const list = await tmail(['account', 'list'], env);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^me@example\.org\s+pop3\s+pop\.example\.org:110\s+starttls\s+me@example\.org\s+env: \$MAILPW/m);
    assert.doesNotMatch(list.stdout + list.stderr, /top-secret-value/);
  });

  test('password command is shown but never run by account list', async () => {
    const env = freshEnv();
    const marker = join(root, `ran${n}`);
    const add = await tmail(
      ['account', 'add', '--name', 'w', '--host', 'h.example', '--user', 'u', '--password-command', `touch ${marker}; echo pw`, '--no-test'],
      env,
    );
    assert.equal(add.code, 0, add.stderr);
    const list = await tmail(['account', 'list'], env);
    assert.match(list.stdout, /command: touch .*; echo pw/);
    assert.equal(existsSync(marker), false);
  });

  test('flag errors save nothing: missing host, both password sources, missing ca, taken name', async () => {
    const env = freshEnv();
    const cases: [string[], RegExp][] = [
      [['--user', 'u'], /--host is required/],
      [['--host', 'h', '--user', 'u', '--password-env', 'A', '--password-command', 'b'], /not both/],
      [['--host', 'h', '--user', 'u', '--ca', join(root, 'missing.pem')], /CA file .*missing\.pem does not exist/],
      [['--host', 'h', '--user', 'u', '--port', '0'], /--port must be a whole number from 1 to 65535/],
      [['--host', 'h', '--user', 'u', '--protocol', 'smtp'], /--protocol must be one of imap, pop3/],
    ];
    for (const [args, re] of cases) {
      const r = await tmail(['account', 'add', ...args, '--no-test'], env);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, re);
      assert.deepEqual(savedAccounts(env), []);
    }
    assert.equal((await tmail(['account', 'add', '--name', 'dup', '--host', 'h', '--user', 'u', '--no-test'], env)).code, 0);
    const dup = await tmail(['account', 'add', '--name', 'DUP', '--host', 'h', '--user', 'u', '--no-test'], env);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /an account named "dup" already exists/);
    assert.equal(savedAccounts(env).length, 1);
  });

  test('interactive: defaults offered and accepted; invalid answers asked again', async () => {
    const env = freshEnv();
    const caFile = join(root, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n');
    const answers = ['not-an-address', 'me@example.net', '', '', 'starttls', '', '', '4', '2', 'MY_PW', caFile, 'no', 'personal'];
    const r = await tmail(['account', 'add', '--no-test', '--no-lookup'], env, { input: `${answers.join('\n')}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Protocol \(imap or pop3\) \[imap\]: /);
    assert.match(r.stdout, /Server host name \[imap\.example\.net\]: /);
    assert.match(r.stdout, /Port \[143\]: /);
    assert.match(r.stdout, /"not-an-address" is not an e-mail address/);
    assert.match(r.stdout, /choice must be one of 1, 2, 3, got "4"/);
    assert.doesNotMatch(r.stdout, /Looking up/, '--no-lookup sends no query');
    assert.deepEqual(savedAccounts(env), [
      {
        name: 'personal',
        protocol: 'imap',
        host: 'imap.example.net',
        port: 143,
        security: 'starttls',
        user: 'me@example.net',
        email: 'me@example.net',
        passwordEnv: 'MY_PW',
        ca: caFile,
      },
    ]);
  });

  test('interactive POP3: says plainly that mail is deleted from the server unless kept; security none asks first', async () => {
    const env = freshEnv();
    const answers = ['a@b.example', 'pop3', 'mail.b.example', 'none', 'yes', '', '', '', '', '3', '', 'no', ''];
    const r = await tmail(['account', 'add', '--no-test', '--no-lookup'], env, { input: `${answers.join('\n')}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /anyone on the network path can read your password/);
    assert.match(r.stdout, /every downloaded message is DELETED FROM THE SERVER/);
    assert.match(r.stdout, /Keep mail on the server\? \(yes or no\) \[yes\]: /);
    assert.deepEqual(savedAccounts(env), [
      {
        name: 'a@b.example',
        protocol: 'pop3',
        host: 'mail.b.example',
        port: 110,
        security: 'none',
        user: 'a@b.example',
        email: 'a@b.example',
        allowInsecureAuth: true,
        leaveOnServer: true,
      },
    ]);
  });

  test('interactive POP3 choosing not to keep mail, with an smtp block; ADDRESS given on the command line', async () => {
    const env = freshEnv();
    const answers = ['pop3', '', '', '', '', 'no', '1', 'pass show mail', '', '', '', '', '', '', 'home'];
    const r = await tmail(['account', 'add', 'me@c.example', '--no-test', '--no-lookup'], env, { input: `${answers.join('\n')}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /E-mail address/);
    assert.match(r.stdout, /SMTP server host name \[smtp\.c\.example\]: /);
    assert.match(r.stdout, /SMTP port \[587\]: /);
    assert.deepEqual(savedAccounts(env), [
      {
        name: 'home',
        protocol: 'pop3',
        host: 'pop.c.example',
        port: 995,
        security: 'tls',
        user: 'me@c.example',
        email: 'me@c.example',
        passwordCommand: 'pass show mail',
        smtp: { host: 'smtp.c.example', port: 587, security: 'starttls' },
        leaveOnServer: false,
      },
    ]);
  });

  test('interactive: input ending early saves nothing', async () => {
    const env = freshEnv();
    const r = await tmail(['account', 'add', '--no-test', '--no-lookup'], env, { input: 'me@example.com\nimap\n' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tmail: input ended while waiting for an answer to "Server host name"\n$/);
    assert.deepEqual(savedAccounts(env), []);
  });
});

describe('output formatting', () => {
  const folder = (path: string, extra: Partial<FolderInfo> = {}): FolderInfo => ({
    path,
    name: path.split('/').at(-1)!,
    delimiter: '/',
    selectable: true,
    total: 0,
    unread: 0,
    ...extra,
  });

  test('folders: INBOX first, children indented under parents, numbers right-aligned', () => {
    const lines = formatFolders([
      folder('Work/Reports', { total: 5, unread: 1 }),
      folder('Archive', { total: 12345, unread: 0 }),
      folder('INBOX', { total: 42, unread: 7, specialUse: 'inbox' }),
      folder('Work', { selectable: false }),
      folder('Sent', { total: 3, specialUse: 'sent' }),
    ]);
    assert.deepEqual(lines, [
      'Folder        Total  Unread',
      'INBOX            42       7',
      'Archive       12345       0',
      'Sent  (sent)      3       0',
      'Work              -       -',
      '  Reports         5       1',
    ]);
  });

  test('folders: hostile names are sanitized, wide names stay aligned', () => {
    const lines = formatFolders([folder('\u001b[31mRed\u0007'), folder('日本語', { total: 1 })]);
    assert.ok(lines.every((l) => !/[\u0000-\u001f]/.test(l)));
    const ends = lines.map((l) => stringWidth(l));
    assert.equal(new Set(ends).size, 1, lines.join('\n'));
  });

  const msg = (over: Partial<MessageSummary>): MessageSummary => ({
    uid: 1,
    flags: [],
    date: new Date(2024, 2, 5, 9, 7),
    from: [{ name: 'Ann Example', address: 'ann@example.com' }],
    to: [],
    cc: [],
    subject: 'Hello',
    size: 100,
    hasAttachments: false,
    location: { kind: 'server' },
    ...over,
  });

  test('list line: flags, local date, from, subject', () => {
    assert.equal(formatMessageLine(msg({})), `N    2024-03-05 09:07  Ann Example             Hello`);
    assert.equal(
      formatMessageLine(msg({ flags: ['\\Seen', '\\Flagged', '\\Answered'], hasAttachments: true, from: [{ name: '', address: 'b@x' }], subject: '' })),
      ` !r+ 2024-03-05 09:07  b@x                     (no subject)`,
    );
  });

  test('truncation counts cells: a wide character never overshoots the width', () => {
    for (let width = 1; width <= 12; width++) {
      const cut = truncate('山田太郎 x 👍🏽 é', width);
      assert.ok(stringWidth(cut) <= width, `${width}: ${cut}`);
      assert.equal(stringWidth(fit('山田太郎 x', width)), width);
    }
  });

  test('list line on a TTY never exceeds the width, even with wide characters; controls are removed', () => {
    for (const columns of [40, 61, 80, 120]) {
      const line = formatMessageLine(
        msg({
          subject: '会議の議事録と次回の予定について、とても長い件名です \u001b]8;;http://evil\u0007click',
          from: [{ name: '山田太郎 \u009b31m', address: 'y@x' }],
        }),
        columns,
      );
      assert.ok(stringWidth(line) <= columns, `${stringWidth(line)} > ${columns}: ${line}`);
      assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f]|evil/);
    }
  });
});
