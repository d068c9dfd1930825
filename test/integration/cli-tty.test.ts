// `tmail account add` in a real terminal (tmux): questions answered by typing, the password
// prompt does not echo, and the login is tested before saving.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startTmux, tmuxTestOptions, type TmuxSession } from '../helpers/tmux.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const tmuxOptions = tmuxTestOptions();
const dovecotOptions = dovecotTestOptions();

describe('tmail account add in a terminal', tmuxOptions.skip ? tmuxOptions : dovecotOptions, () => {
  let server: DovecotServer;
  let dir: string;
  let tmailCmd: string;
  let n = 0;

  before(async () => {
    server = await startDovecot();
    dir = mkdtempSync(join(tmpdir(), 'tmail-tty-'));
    // A tmail that runs the TypeScript sources, so the test does not depend on a fresh build.
    tmailCmd = join(dir, 'tmail');
    const main = pathToFileURL(join(repo, 'src/cli/main.ts')).href;
    writeFileSync(
      tmailCmd,
      `#!/bin/sh\ncd ${JSON.stringify(repo)} && exec ${JSON.stringify(process.execPath)} --import tsx --input-type=module -e 'const m = await import(${JSON.stringify(main)}); await m.runCli(process.argv.slice(1));' -- "$@"\n`,
    );
    chmodSync(tmailCmd, 0o755);
  });

  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function session(): Promise<{ tty: TmuxSession; configFile: string }> {
    const configDir = join(dir, `config${++n}`);
    const tty = await startTmux({ cols: 120, rows: 40, env: { TMAIL_CONFIG_DIR: configDir, TMAIL_DATA_DIR: join(dir, `data${n}`) } });
    return { tty, configFile: join(configDir, 'config.json') };
  }

  async function answer(tty: TmuxSession, prompt: string, text: string): Promise<void> {
    await tty.waitFor((s) => s.some((l) => l.includes(prompt)), `prompt "${prompt}"`);
    if (text) await tty.type(text);
    await tty.keys('Enter');
    // Wait until the answer is consumed (the cursor line moves on) before the next question.
    await tty.waitFor((s) => !s.at(lastNonEmpty(s))!.includes(prompt), `answer to "${prompt}" taken`);
  }

  function lastNonEmpty(s: string[]): number {
    for (let i = s.length - 1; i >= 0; i--) if (s[i]!.trim()) return i;
    return 0;
  }

  async function fillIn(tty: TmuxSession, name: string): Promise<void> {
    await tty.type(`${tmailCmd} account add --no-lookup`);
    await tty.keys('Enter');
    await answer(tty, 'E-mail address:', 'alice@example.test');
    await answer(tty, 'Protocol (imap or pop3) [imap]:', '');
    await answer(tty, 'Server host name [imap.example.test]:', server.host);
    await answer(tty, 'Security (tls, starttls or none) [tls]:', 'starttls');
    await answer(tty, 'Port [143]:', String(server.ports.imap));
    await answer(tty, 'User name [alice@example.test]:', 'alice');
    await answer(tty, 'Choice [3]:', '');
    await answer(tty, 'CA certificate file', server.caFile);
    await answer(tty, 'Set up sending mail (SMTP) too?', 'no');
    await answer(tty, 'Account name [alice@example.test]:', name);
  }

  test('typed answers, password not echoed, login tested, account saved', async () => {
    const { tty, configFile } = await session();
    try {
      await fillIn(tty, 'typed');
      await tty.waitFor((s) => s.some((l) => l.includes('Password for alice at 127.0.0.1:')), 'password prompt');
      await tty.type('alice-pw');
      await new Promise((r) => setTimeout(r, 300)); // give a (wrong) echo the chance to appear
      assert.ok(!(await tty.capture()).join('\n').includes('alice-pw'), 'password was echoed');
      await tty.keys('Enter');
      const screen = await tty.waitFor((s) => s.some((l) => /Saved account "typed"|tmail:/.test(l)), 'result');
      assert.ok(
        screen.some((l) => l.includes('Login OK.')),
        screen.join('\n'),
      );
      assert.ok(!screen.join('\n').includes('alice-pw'));
      const saved = JSON.parse(readFileSync(configFile, 'utf8')) as { accounts: Record<string, unknown>[] };
      assert.deepEqual(
        saved.accounts.map((a) => [a.name, a.port, a.security, a.passwordCommand, a.passwordEnv]),
        [['typed', server.ports.imap, 'starttls', undefined, undefined]],
      );
    } finally {
      await tty.kill();
    }
  });

  test('wrong password typed: reason shown, nothing saved', async () => {
    const { tty, configFile } = await session();
    try {
      await fillIn(tty, 'typo');
      await tty.waitFor((s) => s.some((l) => l.includes('Password for alice')), 'password prompt');
      await tty.type('not-the-pw');
      await tty.keys('Enter');
      const failed = await tty.waitFor((s) => s.some((l) => l.includes('What now? [1]:')), 'what now');
      assert.ok(
        failed.some((l) => /^Login test failed: .*(password|authentication|login)/i.test(l)),
        failed.join('\n'),
      );
      await tty.type('4');
      await tty.keys('Enter');
      const screen = await tty.waitFor((s) => s.some((l) => l.includes('tmail: nothing was saved')), 'failure');
      assert.ok(!screen.join('\n').includes('not-the-pw'));
      assert.equal(existsSync(configFile), false);
    } finally {
      await tty.kill();
    }
  });
});
