// `--trace FILE` with the CLI commands (not only the UI): the same redacted C:/S: lines, in a file
// only the user can read, for `sync` (POP3), `folders`/`list` (IMAP) and `account add`'s login test.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { testContext } from '../unit/cli-context.js';

describe('tmail <command> --trace FILE against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let root: string;
  let n = 0;
  const PW = 'Sekr3t-pw-9f1';

  before(async () => {
    server = await startDovecot({ users: [{ user: 'carol', password: PW }] });
    await generateMaildir(server.maildir('carol'), { count: 5, seed: 11 });
    await server.fixOwnership('carol');
    root = mkdtempSync(join(tmpdir(), 'tmail-cli-trace-'));
  });
  after(async () => {
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function envWith(account: Record<string, unknown>): NodeJS.ProcessEnv {
    const dir = join(root, `case${++n}`);
    const env = { PATH: process.env.PATH, HOME: join(dir, 'home'), TMAIL_CONFIG_DIR: join(dir, 'config'), TMAIL_DATA_DIR: join(dir, 'data'), PW };
    mkdirSync(env.TMAIL_CONFIG_DIR, { recursive: true, mode: 0o700 });
    const base = { name: 'carol', host: server.host, user: 'carol', ca: server.caFile, passwordEnv: 'PW', leaveOnServer: true };
    writeFileSync(join(env.TMAIL_CONFIG_DIR, 'config.json'), JSON.stringify({ accounts: [{ ...base, ...account }] }), { mode: 0o600 });
    return env;
  }
  async function tmail(argv: string[], env: NodeJS.ProcessEnv) {
    const t = testContext(env);
    const code = await main(argv, t.ctx);
    return { code, stdout: t.stdout(), stderr: t.stderr() };
  }
  const traceOf = (file: string) => {
    assert.equal(statSync(file).mode & 0o777, 0o600, 'trace file is 0600');
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(PW), 'the password never reaches the trace');
    return text;
  };

  test('tmail sync --trace FILE (after the command): POP3 lines, PASS redacted', async () => {
    const env = envWith({ protocol: 'pop3', port: server.ports.pop3s, security: 'tls' });
    const file = join(root, 'sync.trace');
    const r = await tmail(['sync', '--trace', file], env);
    assert.equal(r.code, 0, r.stderr);
    const text = traceOf(file);
    assert.match(text, /\[carol\] C: USER carol/);
    assert.match(text, /\[carol\] C: PASS \*\*\*/);
    assert.match(text, /\[carol\] C: RETR 1/);
    assert.match(text, /\[carol\] C: QUIT/);
  });

  test('tmail --trace=FILE list and folders: IMAP lines, LOGIN redacted; an existing file is made 0600', async () => {
    const env = envWith({ protocol: 'imap', port: server.ports.imap, security: 'starttls' });
    const file = join(root, 'imap.trace');
    writeFileSync(file, 'older line\n', { mode: 0o644 });
    const r = await tmail([`--trace=${file}`, 'list', '--limit', '3'], env);
    assert.equal(r.code, 0, r.stderr);
    const f = await tmail(['folders', '--trace', file], env);
    assert.equal(f.code, 0, f.stderr);
    const text = traceOf(file);
    assert.match(text, /^older line\n/);
    assert.match(text, /\[carol\] C: \S+ STARTTLS/);
    assert.match(text, /\[carol\] C: \S+ (LOGIN "?carol"? \*\*\*|AUTHENTICATE PLAIN)/);
    assert.match(text, /\[carol\] C: \S+ (LIST|LSUB)/);
  });

  test('an unwritable trace path is one clear line, exit 2, nothing run', async () => {
    const env = envWith({ protocol: 'pop3', port: server.ports.pop3s, security: 'tls' });
    const r = await tmail(['sync', '--trace', join(root, 'no-such-dir', 'x.trace')], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^tmail: cannot write the trace file .*x\.trace \(ENOENT\)\n$/);
  });

  test('--trace needs a file name', async () => {
    const r = await tmail(['sync', '--trace'], envWith({ protocol: 'pop3', port: server.ports.pop3s, security: 'tls' }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--trace needs a file name/);
  });
});
