import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { addAccount, findAccount, loadConfig, saveConfig, updateAccount } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/errors.js';
import { accountDataDir, paths, safeDirName } from '../../src/config/paths.js';
import { validateConfig } from '../../src/config/validate.js';
import { type AccountConfig, checkIntervalMs } from '../../src/config/types.js';
import { testContext } from './cli-context.js';

const root = mkdtempSync(join(tmpdir(), 'tmail-config-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function freshEnv(): NodeJS.ProcessEnv {
  const dir = join(root, `case${++n}`);
  return { HOME: join(dir, 'home'), TMAIL_CONFIG_DIR: join(dir, 'config'), TMAIL_DATA_DIR: join(dir, 'data') };
}
const mode = (p: string) => statSync(p).mode & 0o777;

const good = { name: 'work', protocol: 'imap', host: 'imap.example.com', port: 993, security: 'tls', user: 'me@example.com' };

/** The problems validateConfig reports for `accounts`, or [] when valid. */
function problems(accounts: unknown[]): string[] {
  try {
    validateConfig({ accounts }, { file: 'config.json', baseDir: '/cfg', home: '/home/u' });
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
}

describe('validateConfig', () => {
  test('a correct account passes and gets defaults', () => {
    const { config } = validateConfig({ accounts: [{ name: 'p', protocol: 'pop3', host: 'h', user: 'u' }] }, { file: 'f', baseDir: '/cfg' });
    assert.deepEqual(config.accounts[0], { name: 'p', protocol: 'pop3', host: 'h', port: 995, security: 'tls', user: 'u' });
    const { config: c2 } = validateConfig(
      { accounts: [{ name: 'p', protocol: 'imap', host: 'h', user: 'u', security: 'starttls' }] },
      { file: 'f', baseDir: '/cfg' },
    );
    assert.equal(c2.accounts[0]!.port, 143);
  });

  test('bad port names file, account, index and the value', () => {
    assert.deepEqual(problems([good, { ...good, name: 'home', port: '99x' }]), [
      'config.json: account "home" (accounts[1]): port must be an integer 1-65535, got "99x"',
    ]);
    assert.match(problems([{ ...good, port: '993' }])[0]!, /port must be an integer 1-65535, got "993" \(write the number without quotes\)/);
    assert.match(problems([{ ...good, port: 70000 }])[0]!, /port must be an integer 1-65535, got 70000/);
    assert.match(problems([{ ...good, port: 1.5 }])[0]!, /got 1\.5/);
  });

  test('unknown protocol and security', () => {
    assert.deepEqual(problems([{ ...good, protocol: 'smtp' }]), ['config.json: account "work" (accounts[0]): protocol must be "imap" or "pop3", got "smtp"']);
    assert.deepEqual(problems([{ ...good, security: 'ssl' }]), [
      'config.json: account "work" (accounts[0]): security must be "tls", "starttls" or "none", got "ssl"',
    ]);
  });

  test('missing host, user, protocol and name', () => {
    const { host: _h, user: _u, protocol: _p, ...rest } = good;
    assert.deepEqual(problems([rest]), [
      'config.json: account "work" (accounts[0]): protocol is missing (one of "imap" or "pop3")',
      'config.json: account "work" (accounts[0]): host is missing',
      'config.json: account "work" (accounts[0]): user is missing',
    ]);
    const { name: _n, ...noName } = good;
    assert.deepEqual(problems([noName]), ['config.json: accounts[0]: name is missing']);
    assert.deepEqual(problems([{ ...good, host: '' }]), ['config.json: account "work" (accounts[0]): host must be a non-empty string, got ""']);
  });

  test('duplicate names (ignoring case)', () => {
    assert.deepEqual(problems([good, { ...good, name: 'Work' }]), [
      'config.json: account "Work" (accounts[1]): name duplicates accounts[0]; account names must be unique (ignoring case)',
    ]);
  });

  test('passwordCommand and passwordEnv together', () => {
    assert.deepEqual(problems([{ ...good, passwordCommand: 'pass x', passwordEnv: 'PW' }]), [
      'config.json: account "work" (accounts[0]): passwordCommand and passwordEnv are both set; keep only one of them',
    ]);
    assert.match(problems([{ ...good, passwordEnv: 'NOT A NAME' }])[0]!, /passwordEnv must be an environment variable name/);
  });

  test('deleteAfterDays requires leaveOnServer', () => {
    assert.match(
      problems([{ ...good, protocol: 'pop3', deleteAfterDays: 7 }])[0]!,
      /account "work" \(accounts\[0\]\): deleteAfterDays requires "leaveOnServer": true/,
    );
    assert.deepEqual(problems([{ ...good, protocol: 'pop3', leaveOnServer: true, deleteAfterDays: 7 }]), []);
    assert.match(problems([{ ...good, leaveOnServer: true, deleteAfterDays: 0 }])[0]!, /deleteAfterDays must be a whole number of days/);
  });

  test('checkInterval: whole minutes, 0 = off, default 5', () => {
    assert.deepEqual(problems([{ ...good, protocol: 'pop3', checkInterval: 0 }]), []);
    assert.deepEqual(problems([{ ...good, protocol: 'pop3', checkInterval: 15 }]), []);
    for (const bad of [-1, 2.5, '5', 1441]) {
      assert.match(problems([{ ...good, protocol: 'pop3', checkInterval: bad }])[0]!, /checkInterval must be a whole number of minutes from 1 to 1440, or 0/);
    }
    assert.equal(checkIntervalMs({}), 5 * 60_000);
    assert.equal(checkIntervalMs({ checkInterval: 0 }), 0);
  });

  test('wrong types for booleans, smtp and the accounts list', () => {
    assert.match(problems([{ ...good, allowInsecureAuth: 'yes' }])[0]!, /allowInsecureAuth must be true or false, got "yes"/);
    assert.match(problems([{ ...good, smtp: { host: 'smtp.example.com', port: 'x' } }])[0]!, /account "work" \(accounts\[0\]\): smtp\.port must be an integer/);
    assert.match(problems(['nope'])[0]!, /accounts\[0\] must be an object, got "nope"/);
    assert.throws(() => validateConfig({ accounts: {} }, { file: 'c.json', baseDir: '/' }), /"accounts" must be a list/);
    assert.throws(() => validateConfig([], { file: 'c.json', baseDir: '/' }), /top level must be a JSON object/);
  });

  test('reports every problem at once', () => {
    assert.equal(
      problems([
        { ...good, port: 0, security: 'x' },
        { ...good, name: 'b', protocol: 1 },
      ]).length,
      3,
    );
  });

  test('unknown fields are warnings with a suggestion, not errors', () => {
    const { warnings } = validateConfig({ accounts: [{ ...good, pasword: 'x' }], theme: 'dark' }, { file: 'f', baseDir: '/' });
    assert.deepEqual(warnings, ['f: unknown top-level key "theme" is ignored', 'f: account "work" (accounts[0]): unknown field "pasword" is ignored']);
    const { warnings: w2 } = validateConfig({ accounts: [{ ...good, Port: 1 }] }, { file: 'f', baseDir: '/' });
    assert.match(w2[0]!, /unknown field "Port" is ignored \(did you mean "port"\?\)/);
  });

  test('ca paths: ~ and relative paths are resolved, existence is not required yet', () => {
    const { config } = validateConfig(
      {
        accounts: [
          { ...good, ca: '~/ca.pem' },
          { ...good, name: 'b', ca: 'certs/ca.pem' },
        ],
      },
      { file: 'f', baseDir: '/cfg', home: '/home/u' },
    );
    assert.equal(config.accounts[0]!.ca, '/home/u/ca.pem');
    assert.equal(config.accounts[1]!.ca, '/cfg/certs/ca.pem');
  });
});

describe('paths', () => {
  test('TMAIL_* beat XDG_*, which beat HOME; --config beats everything for the file', () => {
    const base = { HOME: '/h' };
    assert.deepEqual(paths({ env: base }), {
      configFile: '/h/.config/tmail/config.json',
      configDir: '/h/.config/tmail',
      ownsConfigDir: true,
      dataDir: '/h/.local/share/tmail',
    });
    const xdg = { ...base, XDG_CONFIG_HOME: '/x/c', XDG_DATA_HOME: '/x/d' };
    assert.equal(paths({ env: xdg }).configFile, '/x/c/tmail/config.json');
    assert.equal(paths({ env: xdg }).dataDir, '/x/d/tmail');
    const tm = { ...xdg, TMAIL_CONFIG_DIR: '/t/c', TMAIL_DATA_DIR: '/t/d' };
    assert.equal(paths({ env: tm }).configFile, '/t/c/config.json');
    assert.equal(paths({ env: tm }).dataDir, '/t/d');
    const p = paths({ env: tm, configPath: '/o/my.json' });
    assert.equal(p.configFile, '/o/my.json');
    assert.equal(p.ownsConfigDir, false);
    assert.equal(p.dataDir, '/t/d');
  });

  test('relative XDG values are ignored, as the XDG spec says', () => {
    assert.equal(paths({ env: { HOME: '/h', XDG_CONFIG_HOME: 'rel' } }).configDir, '/h/.config/tmail');
  });

  test('account data dirs are safe and distinct', () => {
    assert.equal(accountDataDir({ env: { TMAIL_DATA_DIR: '/d' } }, 'work'), '/d/accounts/work');
    const names = ['Work', 'work', 'wörk', 'w/ork', '../etc', '..', '.', 'a b', 'work+1', '', 'x'.repeat(200), 'Work ', 'work-'];
    const dirs = names.map(safeDirName);
    assert.equal(new Set(dirs).size, names.length, `collision in ${dirs.join(', ')}`);
    for (const d of dirs) {
      assert.match(d, /^[a-z0-9][a-z0-9._+-]*$/, d);
      assert.ok(d.length <= 64, d);
    }
  });
});

describe('loadConfig / saveConfig / addAccount / updateAccount', () => {
  test('a missing file is an empty config; the directory is created 0700', async () => {
    const env = freshEnv();
    assert.deepEqual(await loadConfig({ env }), { accounts: [] });
    assert.equal(mode(env.TMAIL_CONFIG_DIR!), 0o700);
  });

  test('saved files are 0600 in a 0700 directory and round-trip', async () => {
    const env = freshEnv();
    await saveConfig({ env }, { accounts: [good as AccountConfig] });
    const file = join(env.TMAIL_CONFIG_DIR!, 'config.json');
    assert.equal(mode(file), 0o600);
    assert.equal(mode(env.TMAIL_CONFIG_DIR!), 0o700);
    assert.deepEqual((await loadConfig({ env })).accounts, [good]);
  });

  test('looser modes of an existing file and directory are tightened, with a warning', async () => {
    const env = freshEnv();
    const dir = env.TMAIL_CONFIG_DIR!;
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ accounts: [good] }));
    chmodSync(join(dir, 'config.json'), 0o644);
    const t = testContext(env);
    await loadConfig(t.ctx);
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(dir, 'config.json')), 0o600);
    assert.match(t.stderr(), /warning: .*config\.json was accessible by other users \(mode 0644\); changed it to 0600/);
    assert.match(t.stderr(), /warning: .*config was accessible by other users \(mode 0755\); changed it to 0700/);
  });

  test('an existing data dir that others can read is tightened to 0700', async () => {
    const env = freshEnv();
    mkdirSync(env.TMAIL_DATA_DIR!, { recursive: true });
    chmodSync(env.TMAIL_DATA_DIR!, 0o755);
    const t = testContext(env);
    await loadConfig(t.ctx);
    assert.equal(mode(env.TMAIL_DATA_DIR!), 0o700);
    assert.match(t.stderr(), /warning: .*data was accessible by other users \(mode 0755\); changed it to 0700/);
  });

  test('--config FILE: used instead of the default; its folder is not chmod-ed', async () => {
    const env = freshEnv();
    const folder = join(root, `own${n}`);
    mkdirSync(folder, { mode: 0o755 });
    chmodSync(folder, 0o755);
    const file = join(folder, 'mail.json');
    await addAccount({ env, configPath: file }, good as AccountConfig);
    assert.equal(mode(file), 0o600);
    assert.equal(mode(folder), 0o755);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).accounts[0].name, 'work');
    assert.deepEqual((await loadConfig({ env })).accounts, []);
  });

  test('invalid JSON gives line and column', async () => {
    const env = freshEnv();
    mkdirSync(env.TMAIL_CONFIG_DIR!, { recursive: true });
    const file = join(env.TMAIL_CONFIG_DIR!, 'config.json');
    writeFileSync(file, '{\n  "accounts": [\n    {"name": "a",}\n  ]\n}\n');
    await assert.rejects(loadConfig({ env }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `${file}: invalid JSON: line 3, column 18: expected a "quoted" property name (trailing commas are not allowed in JSON)`);
      return true;
    });
    writeFileSync(file, '{"accounts": [}');
    await assert.rejects(loadConfig({ env }), /invalid JSON: line 1, column 15: expected a value/);
    writeFileSync(file, '');
    await assert.rejects(loadConfig({ env }), /invalid JSON: line 1, column 1: the file is empty/);
    writeFileSync(file, '[]');
    await assert.rejects(loadConfig({ env }), /top level must be a JSON object/);
  });

  test('a broken config is reported, never silently reset', async () => {
    const env = freshEnv();
    mkdirSync(env.TMAIL_CONFIG_DIR!, { recursive: true });
    const file = join(env.TMAIL_CONFIG_DIR!, 'config.json');
    writeFileSync(file, '{"accounts": [{"name": "x", "port": "99x"}]}');
    await assert.rejects(addAccount({ env }, good as AccountConfig), ConfigError);
    assert.equal(readFileSync(file, 'utf8'), '{"accounts": [{"name": "x", "port": "99x"}]}');
  });

  test('addAccount refuses a taken name; keeps hand-written details of other entries', async () => {
    const env = freshEnv();
    mkdirSync(env.TMAIL_CONFIG_DIR!, { recursive: true });
    const file = join(env.TMAIL_CONFIG_DIR!, 'config.json');
    writeFileSync(file, JSON.stringify({ accounts: [{ ...good, ca: 'certs/ca.pem', note: 'mine' }], keys: { quit: 'q' } }));
    await assert.rejects(addAccount({ env }, { ...(good as AccountConfig), name: 'WORK' }), /an account named "work" already exists/);
    await addAccount({ env }, { ...(good as AccountConfig), name: 'home' });
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(raw.accounts[0].ca, 'certs/ca.pem');
    assert.equal(raw.accounts[0].note, 'mine');
    assert.deepEqual(raw.keys, { quit: 'q' });
    assert.equal(raw.accounts[1].name, 'home');
  });

  test('updateAccount switches protocol, removes fields set to undefined, validates', async () => {
    const env = freshEnv();
    await saveConfig({ env }, { accounts: [{ ...(good as AccountConfig), passwordEnv: 'PW' }] });
    const updated = await updateAccount({ env }, 'work', { protocol: 'pop3', port: 995, leaveOnServer: true, passwordEnv: undefined });
    assert.equal(updated.protocol, 'pop3');
    assert.equal(updated.passwordEnv, undefined);
    const loaded = (await loadConfig({ env })).accounts[0]!;
    assert.deepEqual(loaded, { ...good, protocol: 'pop3', port: 995, leaveOnServer: true });
    await assert.rejects(updateAccount({ env }, 'work', { deleteAfterDays: 3, leaveOnServer: false }), /deleteAfterDays requires/);
    await assert.rejects(updateAccount({ env }, 'nope', { port: 1 }), /no account named "nope"/);
    assert.equal((await loadConfig({ env })).accounts[0]!.leaveOnServer, true);
  });

  test('findAccount: first by default, by name, clear error otherwise', async () => {
    const env = freshEnv();
    const config = { accounts: [good as AccountConfig, { ...(good as AccountConfig), name: 'Home' }] };
    assert.equal(findAccount(config, undefined, { env }).name, 'work');
    assert.equal(findAccount(config, 'home', { env }).name, 'Home');
    assert.throws(() => findAccount(config, 'x', { env }), /no account named "x" in .*config\.json \(accounts: "work", "Home"\)/);
    assert.throws(() => findAccount({ accounts: [] }, undefined, { env }), /no accounts configured .* tmail account add/);
  });
});
