// OAuth2 sign-in and token upkeep against a real authorization server (oidc-provider on
// 127.0.0.1): the device grant, authorization code + PKCE through the loopback redirect and by
// pasting, refresh before expiry and on demand, a revoked refresh token, shared refreshes, logout.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import type { AccountConfig, OAuth2Config } from '../../src/config/types.js';
import { login, logout } from '../../src/auth/oauth2/login.js';
import { refreshLockPath } from '../../src/auth/oauth2/refresh-lock.js';
import { createStoredTokenSource } from '../../src/auth/oauth2/token-source.js';
import { readTokens, TOKEN_FILE } from '../../src/auth/oauth2/token-store.js';
import { approveDeviceCode, approveInBrowser, CONFIDENTIAL_CLIENT, startOAuthServer, TestBrowser, type OAuthServer } from '../helpers/oauth-server.js';

let server: OAuthServer;
const root = mkdtempSync(join(tmpdir(), 'tmail-oauth2-'));
let dirCount = 0;

before(async () => {
  server = await startOAuthServer();
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function account(extra: Partial<OAuth2Config> = {}): { account: AccountConfig; auth: OAuth2Config; dataDir: string } {
  const auth: OAuth2Config = {
    method: 'oauth2',
    clientId: server.clientId,
    authorizationEndpoint: server.authorizationEndpoint,
    tokenEndpoint: server.tokenEndpoint,
    deviceAuthorizationEndpoint: server.deviceAuthorizationEndpoint,
    scope: server.scope,
    ...extra,
  };
  const acc: AccountConfig = { name: 'work', protocol: 'imap', host: '127.0.0.1', port: 993, security: 'tls', user: 'user@example.test', auth };
  return { account: acc, auth, dataDir: join(root, `acct-${++dirCount}`, 'accounts', 'work') };
}

/** A separate Node process with its own token source (test/helpers/oauth-refresh-child.ts). */
function startRefreshChild(args: { account: AccountConfig; auth: OAuth2Config; dataDir: string; clockShiftMs: number }) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../helpers/oauth-refresh-child.ts'), JSON.stringify(args)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  let onLine: (() => void) | undefined;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    out += d;
    onLine?.();
  });
  const waitFor = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out);
        if (m) resolve(m[1] ?? m[0]);
      };
      onLine = check;
      child.once('exit', (code) => {
        check();
        reject(new Error(`child exited (${code}) with: ${out}`));
      });
      check();
    });
  const ready = waitFor(/^ready$/m);
  return {
    ready,
    go: () => child.stdin.write('go\n'),
    result: ready.then(() => waitFor(/^((?:token|error) .*)$/m)),
  };
}

/** Collects printed lines and lets a test wait for one. */
function printer() {
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  return {
    lines,
    print(line: string) {
      lines.push(line);
      for (const w of waiters.splice(0)) w();
    },
    async waitFor(re: RegExp): Promise<RegExpExecArray> {
      for (;;) {
        for (const l of lines) {
          const m = re.exec(l);
          if (m) return m;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

// The provider's 5 s polling interval, shortened: the server is real, only the waiting is not.
const quickSleep = (_ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) reject(signal.reason);
    const t = setTimeout(resolve, 20);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

async function deviceLogin(a: ReturnType<typeof account>, approve = true) {
  const out = printer();
  const done = login({ ...a, flow: 'device', print: out.print, sleep: quickSleep, env: {} });
  done.catch(() => undefined); // awaited below; may reject while the "user" is still clicking
  const uri = (await out.waitFor(/^ {2}(http\S+)$/))[1]!;
  const code = (await out.waitFor(/enter the code:\s+(\S+)/))[1]!;
  if (!approve) server.denyNext();
  await approveDeviceCode(new TestBrowser(), { uri, userCode: code });
  return { result: await done, out };
}

describe('device authorization grant (RFC 8628)', { timeout: 60_000 }, () => {
  test('prints the address and code, polls until the user approved, stores the tokens 0600 in a 0700 dir', async () => {
    const a = account();
    const { result, out } = await deviceLogin(a);
    assert.equal(result.flow, 'device');
    assert.equal(result.refreshable, true);
    assert.deepEqual(result.notGranted, []);
    assert.ok(out.lines.some((l) => /Waiting for you/.test(l)));
    assert.ok(
      out.lines.some((l) => /code filled in/.test(l)),
      'verification_uri_complete is shown too',
    );
    const file = join(a.dataDir, TOKEN_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(a.dataDir).mode & 0o777, 0o700);
    const stored = await readTokens(a.dataDir);
    assert.ok(stored?.accessToken && stored.refreshToken);
    // The token is real: the server's introspection (what Dovecot will ask) knows it.
    const info = await server.introspect(stored.accessToken);
    assert.equal(info.active, true);
    assert.equal(info.sub, 'user@example.test');
    assert.equal(info.email, 'user@example.test');
    // The way Dovecot asks (credentials in the URL, token in a form POST) works too.
    const viaUrl = new URL(server.introspectionUrlWithCredentials);
    const basic = Buffer.from(`${decodeURIComponent(viaUrl.username)}:${decodeURIComponent(viaUrl.password)}`).toString('base64');
    viaUrl.username = '';
    viaUrl.password = '';
    const res = await fetch(viaUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${stored.accessToken}`,
    });
    assert.equal(((await res.json()) as { active: boolean }).active, true);
    // Nothing secret was printed.
    assert.ok(!out.lines.join('\n').includes(stored.accessToken));
    assert.ok(!out.lines.join('\n').includes(stored.refreshToken!));
  });

  test('a scope the server does not grant is reported (the sign-in itself succeeds)', async () => {
    const a = account({ scope: `${server.scope} calendar` });
    const { result } = await deviceLogin(a);
    assert.deepEqual(result.notGranted, ['calendar']);
  });

  test('the user declines in the browser: one clear line, nothing stored', async () => {
    const a = account();
    await assert.rejects(deviceLogin(a, false), (err: unknown) => err instanceof AccountError && err.kind === 'auth' && /declined/.test(err.message));
    assert.equal(existsSync(join(a.dataDir, TOKEN_FILE)), false);
  });

  test('slow_down adds 5 s to the interval; authorization_pending keeps polling', async () => {
    const a = account();
    const waits: number[] = [];
    let polls = 0;
    // Fault injection in front of the real server: the second poll is answered slow_down.
    const fetchImpl: typeof fetch = async (input, init) => {
      if (String(input) === server.tokenEndpoint && ++polls === 2) {
        return new Response(JSON.stringify({ error: 'slow_down' }), { status: 400, headers: { 'content-type': 'application/json' } });
      }
      return fetch(input, init);
    };
    const out = printer();
    const done = login({
      ...a,
      flow: 'device',
      print: out.print,
      fetchImpl,
      env: {},
      sleep: (ms, signal) => {
        waits.push(ms);
        // Approve only after a few polls, so pending, slow_down and pending again are all seen.
        if (waits.length === 3) void approve();
        return quickSleep(ms, signal);
      },
    });
    const approve = async () => {
      const uri = (await out.waitFor(/^ {2}(http\S+)$/))[1]!;
      const code = (await out.waitFor(/enter the code:\s+(\S+)/))[1]!;
      await approveDeviceCode(new TestBrowser(), { uri, userCode: code });
    };
    await done;
    assert.deepEqual(waits.slice(0, 3), [5000, 5000, 10000]);
  });

  test("Microsoft's authorization_declined is a denial too", async () => {
    const a = account();
    let polls = 0;
    const fetchImpl: typeof fetch = async (input, init) => {
      if (String(input) === server.tokenEndpoint && ++polls === 2) {
        return new Response(JSON.stringify({ error: 'authorization_declined', error_description: 'AADSTS70000: the user declined' }), { status: 400 });
      }
      return fetch(input, init);
    };
    await assert.rejects(
      login({ ...a, flow: 'device', print: () => undefined, fetchImpl, env: {}, sleep: quickSleep }),
      (err: unknown) => err instanceof AccountError && /sign-in was declined in the browser; nothing was stored/.test(err.message),
    );
  });

  test('the code expires before the user finishes: a clear line', async () => {
    const a = account();
    let t = 1_000_000;
    const out = printer();
    await assert.rejects(
      login({ ...a, flow: 'device', print: out.print, env: {}, now: () => t, sleep: async () => void (t += 601_000) }),
      (err: unknown) => err instanceof AccountError && /code expired/.test(err.message),
    );
  });

  test('Ctrl-C (abort) while waiting stops cleanly and stores nothing', async () => {
    const a = account();
    const controller = new AbortController();
    const out = printer();
    const done = login({ ...a, flow: 'device', print: out.print, env: {}, signal: controller.signal });
    await out.waitFor(/Waiting for you/);
    controller.abort(new Error('cancelled by the test'));
    await assert.rejects(done, /cancelled by the test/);
    assert.equal(existsSync(join(a.dataDir, TOKEN_FILE)), false);
  });
});

describe('authorization code + PKCE with a loopback redirect (RFC 7636, RFC 8252)', { timeout: 60_000 }, () => {
  test('the browser is sent back to 127.0.0.1: tokens stored', async () => {
    const a = account({ deviceAuthorizationEndpoint: undefined });
    const out = printer();
    let opened = '';
    const done = login({ ...a, print: out.print, env: {}, openBrowser: (u) => void (opened = u) });
    const authUrl = (await out.waitFor(/^ {2}(http\S+)$/))[1]!;
    assert.equal(opened, authUrl);
    const u = new URL(authUrl);
    assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
    assert.match(u.searchParams.get('redirect_uri')!, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await approveInBrowser(new TestBrowser(), authUrl, { issuer: server.issuer });
    assert.match(page.body, /Signed in/);
    const result = await done;
    assert.equal(result.flow, 'browser');
    assert.equal(result.refreshable, true);
    const stored = await readTokens(a.dataDir);
    assert.equal((await server.introspect(stored!.accessToken)).active, true);
  });

  test('over SSH: the pasted address the browser ended on gives the code', async () => {
    const a = account();
    const out = printer();
    let pasted: ((line: string | null) => void) | undefined;
    const readLine = () => new Promise<string | null>((resolve) => (pasted = resolve));
    const done = login({ ...a, flow: 'browser', print: out.print, env: {}, openBrowser: () => undefined, readLine });
    const authUrl = (await out.waitFor(/^ {2}(http\S+)$/))[1]!;
    // The browser is elsewhere: its request to 127.0.0.1 never reaches tmail.
    const { finalUrl } = await approveInBrowser(new TestBrowser(), authUrl, { issuer: server.issuer, stopAtRedirect: true });
    assert.match(finalUrl, /^http:\/\/127\.0\.0\.1:\d+\/\?code=/);
    pasted!('not an address');
    await out.waitFor(/not the address the browser ended on/);
    const forged = new URL(finalUrl);
    forged.searchParams.set('state', 'someone-else');
    pasted!(forged.href);
    await out.waitFor(/state does not match/);
    pasted!(`  ${finalUrl}  `);
    const result = await done;
    assert.equal(result.refreshable, true);
    assert.ok(await readTokens(a.dataDir));
  });

  test('a redirect with another state is ignored; the right one still completes', async () => {
    const a = account();
    const out = printer();
    const done = login({ ...a, flow: 'browser', print: out.print, env: {}, openBrowser: () => undefined });
    const authUrl = (await out.waitFor(/^ {2}(http\S+)$/))[1]!;
    const redirect = new URL(new URL(authUrl).searchParams.get('redirect_uri')!);
    const stray = await fetch(`${redirect.origin}/?code=stolen&state=wrong`);
    assert.equal(stray.status, 400);
    await approveInBrowser(new TestBrowser(), authUrl, { issuer: server.issuer });
    await done;
    assert.ok(await readTokens(a.dataDir));
  });

  test('nobody comes back (input ended, tab closed): gives up with a clear line; Ctrl-C stops at once', async () => {
    const a = account();
    await assert.rejects(
      login({ ...a, flow: 'browser', print: () => undefined, env: {}, openBrowser: () => undefined, readLine: async () => null, waitMs: 200 }),
      (err: unknown) => err instanceof AccountError && /no sign-in within 0 minutes; run the login again/.test(err.message),
    );
    const controller = new AbortController();
    const out = printer();
    const done = login({ ...a, flow: 'browser', print: out.print, env: {}, openBrowser: () => undefined, signal: controller.signal });
    done.catch(() => undefined);
    await out.waitFor(/paste it here/);
    controller.abort(new Error('cancelled by the test'));
    await assert.rejects(done, /cancelled by the test/);
    assert.equal(existsSync(join(a.dataDir, TOKEN_FILE)), false);
  });

  test('denied in the browser: a clear line, nothing stored', async () => {
    const a = account();
    const out = printer();
    const done = login({ ...a, flow: 'browser', print: out.print, env: {}, openBrowser: () => undefined });
    done.catch(() => undefined); // awaited below
    const authUrl = (await out.waitFor(/^ {2}(http\S+)$/))[1]!;
    server.denyNext();
    await approveInBrowser(new TestBrowser(), authUrl, { issuer: server.issuer });
    await assert.rejects(done, (err: unknown) => err instanceof AccountError && /declined/.test(err.message));
    assert.equal(existsSync(join(a.dataDir, TOKEN_FILE)), false);
  });
});

describe('stored token source', { timeout: 60_000 }, () => {
  test('not signed in: one line naming tmail account login NAME', async () => {
    const a = account();
    const source = createStoredTokenSource(a);
    await assert.rejects(
      source.getAccessToken(),
      (err: unknown) => err instanceof AccountError && err.kind === 'auth' && /run "tmail account login work"/.test(err.message),
    );
  });

  test('a valid token is returned without asking the server; near expiry it is refreshed and stored', async () => {
    const a = account();
    await deviceLogin(a);
    const first = (await readTokens(a.dataDir))!;
    const refreshesBefore = server.tokenRequests.refresh_token ?? 0;
    let clock = Date.now();
    const source = createStoredTokenSource({ ...a, now: () => clock });
    assert.equal(await source.getAccessToken(), first.accessToken);
    assert.equal(server.tokenRequests.refresh_token ?? 0, refreshesBefore);
    // 59 minutes 30 s later the hour-long token has 30 s left: less than the minute a login needs.
    clock += 3570_000;
    const second = await source.getAccessToken();
    assert.notEqual(second, first.accessToken);
    assert.equal(server.tokenRequests.refresh_token, refreshesBefore + 1);
    const stored = (await readTokens(a.dataDir))!;
    assert.equal(stored.accessToken, second);
    assert.equal((await server.introspect(second)).active, true);
    assert.equal(statSync(join(a.dataDir, TOKEN_FILE)).mode & 0o777, 0o600);
  });

  test('forceRefresh gets a new token although the stored one is still valid (the server rejected it)', async () => {
    const a = account();
    await deviceLogin(a);
    const source = createStoredTokenSource(a);
    const before = await source.getAccessToken();
    const after = await source.getAccessToken({ forceRefresh: true });
    assert.notEqual(after, before);
    assert.equal((await readTokens(a.dataDir))!.accessToken, after);
  });

  test('concurrent callers share one refresh', async () => {
    const a = account();
    await deviceLogin(a);
    const refreshesBefore = server.tokenRequests.refresh_token ?? 0;
    const source = createStoredTokenSource({ ...a, now: () => Date.now() + 7200_000 });
    const tokens = await Promise.all([source.getAccessToken(), source.getAccessToken(), source.getAccessToken({ forceRefresh: true })]);
    assert.equal(new Set(tokens).size, 1);
    assert.equal(server.tokenRequests.refresh_token, refreshesBefore + 1);
  });

  test('the server rejected our token but another tmail process has refreshed since: its new token is used, no second refresh', async () => {
    const a = account();
    await deviceLogin(a);
    const ours = createStoredTokenSource(a);
    const old = await ours.getAccessToken();
    const otherToken = await createStoredTokenSource(a).getAccessToken({ forceRefresh: true });
    const refreshesBefore = server.tokenRequests.refresh_token ?? 0;
    assert.equal(await ours.getAccessToken({ forceRefresh: true }), otherToken);
    assert.notEqual(otherToken, old);
    assert.equal(server.tokenRequests.refresh_token ?? 0, refreshesBefore);
    assert.equal((await server.introspect(otherToken)).active, true);
  });

  test('two tmail processes refreshing at once: one refresh token is never used twice, the grant survives', async () => {
    const a = account();
    await deviceLogin(a);
    const refreshesBefore = server.tokenRequests.refresh_token ?? 0;
    // Both see the stored token as expired (their clocks two hours ahead) and refresh at the same moment.
    const children = [0, 1].map(() => startRefreshChild({ account: a.account, auth: a.auth, dataDir: a.dataDir, clockShiftMs: 7200_000 }));
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.go();
    const results = await Promise.all(children.map((c) => c.result));
    for (const r of results) assert.match(r, /^token \S+$/, results.join('\n'));
    // One refresh request in all (a reused refresh token would show as a second, failed one); the
    // process that waited for the lock found the new token in the file and used it.
    assert.equal((server.tokenRequests.refresh_token ?? 0) - refreshesBefore, 1);
    assert.equal(results[0], results[1]);
    for (const r of results) assert.equal((await server.introspect(r.slice('token '.length))).active, true, r);
    assert.equal(existsSync(refreshLockPath(a.dataDir)), false);
  });

  test('a lock left by a process that died is taken over', async () => {
    const a = account();
    await deviceLogin(a);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(refreshLockPath(a.dataDir), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), time: Date.now(), nonce: 'x' }));
    const token = await createStoredTokenSource({ ...a, lock: { maxWaitMs: 5_000 } }).getAccessToken({ forceRefresh: true });
    assert.equal((await server.introspect(token)).active, true);
    assert.equal(existsSync(refreshLockPath(a.dataDir)), false);
  });

  test('a lock held by a live process: wait, then one clear line naming the lock file', async () => {
    const a = account();
    await deviceLogin(a);
    writeFileSync(refreshLockPath(a.dataDir), JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now(), nonce: 'x' }));
    await assert.rejects(
      createStoredTokenSource({ ...a, lock: { maxWaitMs: 300 } }).getAccessToken({ forceRefresh: true }),
      (err: unknown) =>
        err instanceof AccountError && /another tmail process has been refreshing/.test(err.message) && err.message.includes(refreshLockPath(a.dataDir)),
    );
    rmSync(refreshLockPath(a.dataDir));
  });

  test('--trace shows the refresh request and answer, with no token, code or secret', async () => {
    const a = account();
    await deviceLogin(a);
    const stored = (await readTokens(a.dataDir))!;
    const lines: { dir: string; text: string; protocol: string }[] = [];
    const token = await createStoredTokenSource({ ...a, trace: { add: (e) => lines.push(e) } }).getAccessToken({ forceRefresh: true });
    const after = (await readTokens(a.dataDir))!;
    const text = lines.map((l) => `${l.dir}: ${l.text}`).join('\n');
    assert.ok(
      lines.every((l) => l.protocol === 'oauth2'),
      text,
    );
    assert.match(
      text,
      new RegExp(`^C: POST ${server.tokenEndpoint.replace(/[.]/g, '\\.')} grant_type=refresh_token refresh_token=\\*\\*\\* client_id=${server.clientId}$`, 'm'),
    );
    assert.match(text, /^S: HTTP 200 .*access_token=\*\*\*.*expires_in=\d+/m);
    for (const secret of [stored.refreshToken!, stored.accessToken, token, after.refreshToken!]) assert.ok(!text.includes(secret), text);
  });

  test('a revoked refresh token: the clear line naming tmail account login NAME', async () => {
    const a = account();
    await deviceLogin(a);
    await server.revoke((await readTokens(a.dataDir))!.refreshToken!);
    const source = createStoredTokenSource(a);
    await assert.rejects(
      source.getAccessToken({ forceRefresh: true }),
      (err: unknown) =>
        err instanceof AccountError &&
        err.kind === 'auth' &&
        err.message === 'account work: the sign-in expired or was revoked; run "tmail account login work"',
    );
  });

  test('logout removes the token file; afterwards the account is not signed in', async () => {
    const a = account();
    await deviceLogin(a);
    assert.equal(await logout(a.dataDir), true);
    assert.equal(existsSync(join(a.dataDir, TOKEN_FILE)), false);
    assert.equal(await logout(a.dataDir), false);
    await assert.rejects(createStoredTokenSource(a).getAccessToken(), /not signed in/);
  });

  test('clientSecretCommand: its first line is sent as client_secret, never stored; a wrong one is a config error', async () => {
    const env = { PATH: process.env.PATH };
    const runs = join(root, 'secret-runs');
    const a = account({
      clientId: CONFIDENTIAL_CLIENT.id,
      clientSecretCommand: `echo run >> ${runs}; printf '%s\\nsecond line\\n' ${CONFIDENTIAL_CLIENT.secret}`,
    });
    const out = printer();
    const done = login({ ...a, flow: 'device', print: out.print, sleep: quickSleep, env });
    const uri = (await out.waitFor(/^ {2}(http\S+)$/))[1]!;
    const code = (await out.waitFor(/enter the code:\s+(\S+)/))[1]!;
    await approveDeviceCode(new TestBrowser(), { uri, userCode: code });
    await done;
    // Asked once for the whole sign-in (device request and every poll), not once per request.
    assert.ok((server.tokenRequests['urn:ietf:params:oauth:grant-type:device_code'] ?? 0) >= 1);
    assert.equal(readFileSync(runs, 'utf8'), 'run\n');
    assert.doesNotMatch(readFileSync(join(a.dataDir, TOKEN_FILE), 'utf8'), new RegExp(CONFIDENTIAL_CLIENT.secret));
    // The refresh sends the secret too.
    assert.ok(await createStoredTokenSource({ ...a, env }).getAccessToken({ forceRefresh: true }));

    const wrong = account({ clientId: CONFIDENTIAL_CLIENT.id, clientSecretCommand: 'echo wrong' });
    await assert.rejects(
      login({ ...wrong, flow: 'device', print: () => undefined, env }),
      (err: unknown) => err instanceof AccountError && err.kind === 'config' && /does not accept client id "tmail-confidential"/.test(err.message),
    );
    assert.equal(existsSync(join(wrong.dataDir, TOKEN_FILE)), false);
  });
});
