import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { makePasswordGetter, readPassword } from '../../src/config/password.js';
import { secretPrompt } from '../../src/cli/prompt.js';
import type { CliContext } from '../../src/cli/context.js';

import { testContext } from './cli-context.js';

/** The CLI's prompt, injected as the app does (config/ does not import cli/). */
const withPrompt = (ctx: CliContext) => ({ env: ctx.env, askSecret: secretPrompt(ctx) });

const dir = mkdtempSync(join(tmpdir(), 'tmail-pw-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const base = { name: 'work', user: 'me', host: 'imap.example.com' };
const env = { PATH: process.env.PATH };

describe('passwordCommand', () => {
  test('first line of stdout, run through the shell', async () => {
    const t = testContext(env);
    const pw = await readPassword({ ...base, passwordCommand: 'printf "s3cret pw\\r\\nsecond line\\n" | cat' }, t.ctx);
    assert.equal(pw, 's3cret pw');
  });

  test('non-zero exit: the exit code; stderr is not shown by default (it may quote the secret)', async () => {
    const t = testContext(env);
    const cmd = 'echo hunter22; echo "gpg: hunter22 bad" >&2; exit 3';
    await assert.rejects(readPassword({ ...base, passwordCommand: cmd }, t.ctx), (err: unknown) => {
      assert.ok(err instanceof AccountError);
      assert.match(err.message, /^account work: passwordCommand failed \(exit code 3\); its error output is not shown \(it may contain the password\)/);
      assert.doesNotMatch(err.message, /hunter22|gpg/);
      return true;
    });
  });

  test('with TMAIL_DEBUG=1: a short stderr tail, with the secret scrubbed', async () => {
    const t = testContext({ ...env, TMAIL_DEBUG: '1' });
    const cmd = 'echo hunter22; echo "noise" >&2; echo "gpg: decryption failed: hunter22 is wrong" >&2; exit 3';
    await assert.rejects(readPassword({ ...base, passwordCommand: cmd }, t.ctx), (err: unknown) => {
      assert.ok(err instanceof AccountError);
      assert.equal(err.message, 'account work: passwordCommand failed (exit code 3): gpg: decryption failed: *** is wrong');
      return true;
    });
  });

  test('long stderr is cut and control characters removed (TMAIL_DEBUG)', async () => {
    const t = testContext({ ...env, TMAIL_DEBUG: '1' });
    const cmd = `printf '\\033]0;evil\\007%s' "$(head -c 1000 /dev/zero | tr '\\0' x)" >&2; exit 1`;
    await assert.rejects(readPassword({ ...base, passwordCommand: cmd }, t.ctx), (err: unknown) => {
      assert.ok(err instanceof AccountError);
      assert.ok(err.message.length < 300, err.message);
      assert.doesNotMatch(err.message, /\u001b|evil/);
      return true;
    });
  });

  test('empty output and unknown command are clear errors', async () => {
    const t = testContext(env);
    await assert.rejects(readPassword({ ...base, passwordCommand: 'true' }, t.ctx), /passwordCommand printed nothing on its first line/);
    await assert.rejects(
      readPassword({ ...base, passwordCommand: 'no-such-command-tmail' }, t.ctx),
      /passwordCommand failed \(exit code 127: command not found\)$/,
    );
  });

  test('output over 64 KB is a clear error, not a password', async () => {
    const t = testContext(env);
    await assert.rejects(
      readPassword({ ...base, passwordCommand: 'head -c 200000 /dev/zero | tr "\\0" x' }, t.ctx),
      /passwordCommand printed more than 64 KB; it must print only the password/,
    );
    // Exactly at the limit is still accepted (first line only).
    assert.equal(await readPassword({ ...base, passwordCommand: 'echo pw; head -c 60000 /dev/zero' }, t.ctx), 'pw');
  });

  test('a hanging command is stopped after the timeout, with everything it started', async () => {
    const t = testContext(env);
    const pidFile = join(dir, 'sleeper.pid');
    const waiting: boolean[] = [];
    const started = Date.now();
    await assert.rejects(
      readPassword({ ...base, passwordCommand: `echo $$ > ${pidFile}; exec sleep 30` }, t.ctx, { timeoutMs: 400, onWaiting: (w) => waiting.push(w) }),
      /passwordCommand did not finish within 0 s and was stopped/,
    );
    assert.ok(Date.now() - started < 20_000);
    assert.deepEqual(waiting, [true, false]);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // Gone, or a zombie nobody reaped yet (a container's init may be slow to): not running anyway.
    let state = 'gone';
    try {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0]!;
    } catch {}
    assert.ok(state === 'gone' || state === 'Z', `the command was stopped (state ${state})`);
  });

  test('a running command can be cancelled', async () => {
    const t = testContext(env);
    const ac = new AbortController();
    const p = readPassword({ ...base, passwordCommand: 'sleep 30' }, t.ctx, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p, /^AccountError: account work: passwordCommand cancelled$|passwordCommand cancelled/);
    const again = new AbortController();
    again.abort();
    await assert.rejects(readPassword({ ...base, passwordCommand: 'echo pw' }, t.ctx, { signal: again.signal }), /passwordCommand cancelled/);
  });

  test('the getter runs the command once per process', async () => {
    const counter = join(dir, 'count');
    const t = testContext(env);
    const get = makePasswordGetter({ ...base, passwordCommand: `echo x >> ${counter}; echo pw` }, t.ctx);
    assert.equal(await get(), 'pw');
    assert.equal(await get(), 'pw');
    assert.equal(readFileSync(counter, 'utf8'), 'x\n');
  });

  test('a failed attempt is not cached', async () => {
    const flag = join(dir, 'flag');
    const t = testContext(env);
    const get = makePasswordGetter({ ...base, passwordCommand: `if [ -e ${flag} ]; then echo ok; else touch ${flag}; exit 1; fi` }, t.ctx);
    await assert.rejects(get(), /exit code 1/);
    assert.equal(await get(), 'ok');
  });
});

describe('passwordEnv', () => {
  test('reads the variable; missing or empty is an error naming it', async () => {
    assert.equal(await readPassword({ ...base, passwordEnv: 'PW' }, testContext({ PW: 'from-env' }).ctx), 'from-env');
    await assert.rejects(
      readPassword({ ...base, passwordEnv: 'PW' }, testContext({}).ctx),
      /account work: environment variable PW \(passwordEnv\) is not set or empty/,
    );
    await assert.rejects(readPassword({ ...base, passwordEnv: 'PW' }, testContext({ PW: '' }).ctx), /not set or empty/);
  });
});

describe('prompt', () => {
  test('non-TTY stdin: one line is read; the prompt goes to stderr; nothing echoes the password', async () => {
    const t = testContext({}, { input: 'piped-pw\nnext line\n' });
    assert.equal(await readPassword(base, withPrompt(t.ctx)), 'piped-pw');
    assert.equal(t.stderr(), 'Password for me at imap.example.com: ');
    assert.equal(t.stdout(), '');
  });

  test('stdin at EOF is a clear error', async () => {
    const t = testContext({}, { input: '' });
    await assert.rejects(readPassword(base, withPrompt(t.ctx)), /no password given \(stdin ended\); set passwordCommand or passwordEnv/);
  });

  test('TTY: raw mode (echo off) while typing, backspace and escape sequences handled, restored after', async () => {
    const t = testContext({});
    const tty = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (raw: boolean) => void };
    const modes: boolean[] = [];
    tty.isTTY = true;
    tty.setRawMode = (raw) => void modes.push(raw);
    t.ctx.stdin = tty;
    const pending = readPassword(base, withPrompt(t.ctx));
    tty.write('sx');
    tty.write('\u007f\u001b[Aecret');
    tty.write('\r');
    assert.equal(await pending, 'secret');
    assert.deepEqual(modes, [true, false]);
    assert.equal(t.stderr(), 'Password for me at imap.example.com: \n');
  });

  test('TTY: Ctrl-C cancels', async () => {
    const t = testContext({});
    const tty = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (raw: boolean) => void };
    tty.isTTY = true;
    tty.setRawMode = () => undefined;
    t.ctx.stdin = tty;
    const pending = readPassword(base, withPrompt(t.ctx));
    tty.write('abc\u0003');
    await assert.rejects(pending, { name: 'PromptCancelled' });
  });
});
