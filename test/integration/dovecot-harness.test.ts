// The test harness itself against the real Dovecot: TLS with the per-run CA on all four ports,
// users, generated mail visible with the right counts and bytes, APOP, and a stop() (or a crashed
// test process) that leaves nothing running.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { childPids, dovecotTestOptions, isAlive, serviceAddressSpaceLimit, startDovecot, stopDovecotAt, type DovecotServer } from '../helpers/dovecot.js';
import { buildMessage, generateMaildir } from '../helpers/maildir-generator.js';
import { LineClient } from '../helpers/line-client.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const crlf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');

function imap(server: DovecotServer, opts: { secure: boolean; user?: string; pass?: string; ca?: boolean }): ImapFlow {
  return new ImapFlow({
    host: server.host,
    port: opts.secure ? server.ports.imaps : server.ports.imap,
    secure: opts.secure,
    doSTARTTLS: opts.secure ? undefined : true,
    auth: { user: opts.user ?? 'alice', pass: opts.pass ?? 'alice-pw' },
    tls: opts.ca === false ? {} : { ca: readFileSync(server.caFile) },
    logger: false,
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

async function pop3Login(c: LineClient, user: string, pass: string): Promise<void> {
  assert.match(await c.command(`USER ${user}`), /^\+OK/);
  assert.match(await c.command(`PASS ${pass}`), /^\+OK/);
}

describe('dovecotTestOptions', () => {
  test('skips locally, fails in CI, runs when installed', () => {
    assert.deepEqual(dovecotTestOptions({}, true), {});
    assert.deepEqual(dovecotTestOptions({ CI: 'true' }, true), {});
    assert.match(dovecotTestOptions({}, false).skip ?? '', /dovecot-imapd dovecot-pop3d/);
    assert.throws(() => dovecotTestOptions({ CI: 'true' }, false), /install dovecot-imapd dovecot-pop3d/);
  });
});

describe('private Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  const INBOX_COUNT = 150;

  before(async () => {
    server = await startDovecot();
    await generateMaildir(server.maildir('alice'), { count: INBOX_COUNT, seed: 3 });
    await generateMaildir(server.maildir('alice'), { count: 7, folder: 'Archive', seed: 4, into: 'cur', mixedFlags: true });
    await generateMaildir(server.maildir('bob'), { count: 12, seed: 5 });
    await server.fixOwnership('alice');
    await server.fixOwnership('bob');
  });

  after(async () => {
    await server?.stop();
  });

  test('listens on four distinct loopback ports, private dir, default users', () => {
    const ports = Object.values(server.ports);
    assert.equal(new Set(ports).size, 4);
    for (const p of ports) assert.ok(p > 1024);
    assert.equal(server.host, '127.0.0.1');
    assert.deepEqual(
      server.users.map((u) => u.user),
      ['alice', 'bob'],
    );
    assert.ok(server.maildir('alice').startsWith(server.dir));
    const conf = readFileSync(path.join(server.dir, 'dovecot.conf'), 'utf8');
    assert.match(conf, /^listen = 127\.0\.0\.1$/m);
    assert.match(conf, /^instance_name = tmail-test-/m);
    // Passwords are stored hashed unless APOP is requested.
    assert.doesNotMatch(readFileSync(path.join(server.dir, 'users'), 'utf8'), /alice-pw/);
  });

  test('IMAP STARTTLS and IMAPS log in with the per-run CA', async () => {
    for (const secure of [false, true]) {
      const c = imap(server, { secure });
      await c.connect();
      assert.equal(c.secureConnection, true, `secure=${secure}`);
      await c.logout();
    }
  });

  test('the certificate is not trusted without `ca` and names 127.0.0.1 and localhost', async () => {
    const c = imap(server, { secure: true, ca: false });
    await assert.rejects(c.connect(), /self[- ]signed|unable to verify|certificate/i);
    c.close();
    const byName = await LineClient.connect(server.ports.imaps, {
      host: 'localhost',
      tls: { ca: readFileSync(server.caFile), servername: 'localhost' },
    }).catch(async (err: NodeJS.ErrnoException) => {
      // Some hosts resolve localhost to ::1 only while we listen on 127.0.0.1: pin the address.
      if (err.code !== 'ECONNREFUSED') throw err;
      return LineClient.connect(server.ports.imaps, {
        tls: { ca: readFileSync(server.caFile), servername: 'localhost' },
      });
    });
    assert.match(await byName.readLine(), /^\* OK/);
    byName.close();
  });

  test('wrong password is refused', async () => {
    const c = imap(server, { secure: true, pass: 'wrong-pw' });
    await assert.rejects(c.connect(), (err: { authenticationFailed?: boolean }) => err.authenticationFailed === true);
    c.close();
  });

  test('POP3S and POP3 + STLS log in with the per-run CA', async () => {
    const ca = readFileSync(server.caFile);
    const s = await LineClient.connect(server.ports.pop3s, { tls: { ca } });
    assert.ok(s.secure);
    assert.match(await s.readLine(), /^\+OK/);
    await pop3Login(s, 'bob', 'bob-pw');
    assert.match(await s.command('STAT'), /^\+OK 12 \d+$/);
    assert.match(await s.command('QUIT'), /^\+OK/);
    s.close();

    const p = await LineClient.connect(server.ports.pop3);
    assert.match(await p.readLine(), /^\+OK/);
    assert.match(await p.command('CAPA'), /^\+OK/);
    const capa = (await p.readMultiline()).toString();
    assert.match(capa, /^STLS\r$/m);
    assert.match(await p.command('STLS'), /^\+OK/);
    await p.startTls({ ca, host: '127.0.0.1' });
    assert.ok(p.secure);
    await pop3Login(p, 'bob', 'bob-pw');
    assert.match(await p.command('QUIT'), /^\+OK/);
    p.close();
  });

  test('imap and pop3 processes run with the raised vsz_limit (2 GiB address space), not the 256M default', async () => {
    // What Dovecot applied to the live processes (RLIMIT_AS), not what the config file says.
    const c = imap(server, { secure: true });
    await c.connect();
    const p = await LineClient.connect(server.ports.pop3s, { tls: { ca: readFileSync(server.caFile) } });
    try {
      assert.match(await p.readLine(), /^\+OK/);
      await pop3Login(p, 'bob', 'bob-pw');
      assert.equal(serviceAddressSpaceLimit(server, 'imap'), 2 * 2 ** 30);
      assert.equal(serviceAddressSpaceLimit(server, 'pop3'), 2 * 2 ** 30);
    } finally {
      await c.logout().catch(() => undefined);
      p.close();
    }
  });

  test('the server itself allows plaintext login (clients must be the ones to refuse)', async () => {
    const p = await LineClient.connect(server.ports.pop3);
    const greeting = await p.readLine();
    assert.match(greeting, /^\+OK/);
    assert.doesNotMatch(greeting, /<[^>]+@[^>]+>/, 'no APOP timestamp unless apop is enabled');
    assert.equal(p.secure, false);
    await pop3Login(p, 'alice', 'alice-pw');
    assert.match(await p.command('PASS again'), /^-ERR/);
    p.close();
  });

  test('generated messages are visible with the right counts (STATUS), newest last', async () => {
    const c = imap(server, { secure: true });
    await c.connect();
    try {
      const inbox = await c.status('INBOX', { messages: true, unseen: true });
      assert.ok(inbox);
      assert.equal(inbox.messages, INBOX_COUNT);
      assert.equal(inbox.unseen, INBOX_COUNT, 'new/ messages are unseen');
      const archive = await c.status('Archive', { messages: true, unseen: true });
      assert.ok(archive);
      assert.equal(archive.messages, 7);
      assert.ok((archive.unseen ?? 0) < 7, 'mixedFlags marked some messages seen');
      const list = await c.list();
      assert.equal(list.find((f) => f.path === 'Archive')?.specialUse, '\\Archive');

      const lock = await c.getMailboxLock('INBOX');
      try {
        const rows: { uid: number; internalDate: Date; date: Date }[] = [];
        for await (const m of c.fetch('1:*', { uid: true, internalDate: true, envelope: true })) {
          rows.push({ uid: m.uid, internalDate: new Date(m.internalDate!), date: new Date(m.envelope!.date!) });
        }
        assert.equal(rows.length, INBOX_COUNT);
        for (let k = 1; k < rows.length; k++) {
          assert.ok(rows[k]!.uid > rows[k - 1]!.uid);
          assert.ok(rows[k]!.internalDate > rows[k - 1]!.internalDate, 'UID order follows dates');
        }
        for (const r of rows) assert.equal(r.internalDate.getTime(), r.date.getTime(), 'INTERNALDATE = Date header');
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
  });

  test('a message fetched over IMAP equals the generator bytes (CRLF on the wire)', async () => {
    const c = imap(server, { secure: false });
    await c.connect();
    try {
      const lock = await c.getMailboxLock('INBOX');
      try {
        // UID k+1 is message k; 3 has "." lines, 5 a long line, 7 an attachment or two.
        for (const k of [0, 3, 5, 7, INBOX_COUNT - 1]) {
          const m = await c.fetchOne(String(k + 1), { source: true, size: true }, { uid: true });
          assert.ok(m && m.source);
          const want = crlf(buildMessage(k, 3));
          assert.ok(m.source.equals(want), `message ${k} differs`);
          assert.equal(m.size, want.length, 'RFC822.SIZE from W= matches');
        }
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
  });

  test('POP3 RETR returns the same bytes after dot-unstuffing, sizes and stable UIDLs', async () => {
    const s = await LineClient.connect(server.ports.pop3s, { tls: { ca: readFileSync(server.caFile) } });
    await s.readLine();
    await pop3Login(s, 'bob', 'bob-pw');
    assert.match(await s.command('UIDL'), /^\+OK/);
    const uidls = (await s.readMultiline()).toString().trim().split('\r\n');
    assert.equal(uidls.length, 12);
    assert.match(uidls[0]!, /^1 [0-9A-F]{16}$/i);
    let sawDots = false;
    for (let k = 0; k < 12; k++) {
      const want = crlf(buildMessage(k, 5));
      assert.equal(await s.command(`LIST ${k + 1}`), `+OK ${k + 1} ${want.length}`);
      assert.match(await s.command(`RETR ${k + 1}`), /^\+OK/);
      const got = await s.readMultiline();
      assert.ok(got.equals(want), `message ${k} differs after RETR`);
      if (want.includes('\r\n.\r\n')) sawDots = true;
    }
    assert.ok(sawDots, 'a message with a lone "." line went through dot-stuffing');
    assert.match(await s.command('QUIT'), /^\+OK/);
    s.close();
  });

  test('two instances run side by side with separate ports and data', async () => {
    const other = await startDovecot({ users: [{ user: 'carol', password: 'carol-pw' }] });
    try {
      assert.notEqual(other.dir, server.dir);
      assert.equal(new Set([...Object.values(other.ports), ...Object.values(server.ports)]).size, 8);
      const c = await LineClient.connect(other.ports.pop3s, { tls: { ca: readFileSync(other.caFile) } });
      await c.readLine();
      await pop3Login(c, 'carol', 'carol-pw');
      assert.match(await c.command('STAT'), /^\+OK 0 0$/);
      c.close();
      // Alice does not exist on the second instance, and the first one does not trust its CA.
      assert.notEqual(readFileSync(other.caFile, 'utf8'), readFileSync(server.caFile, 'utf8'));
    } finally {
      await other.stop();
    }
  });
});

describe('APOP', dovecotTestOptions(), () => {
  test('with apop: true the greeting has a timestamp and APOP logs in', async () => {
    const server = await startDovecot({ apop: true });
    try {
      await generateMaildir(server.maildir('bob'), { count: 2, seed: 9 });
      await server.fixOwnership('bob');
      const c = await LineClient.connect(server.ports.pop3);
      const greeting = await c.readLine();
      const stamp = /<[^>]+@[^>]+>/.exec(greeting)?.[0];
      assert.ok(stamp, greeting);
      const wrong = createHash('md5').update(`${stamp}nope`).digest('hex');
      assert.match(await c.command(`APOP bob ${wrong}`), /^-ERR/);
      c.close();

      const d = await LineClient.connect(server.ports.pop3);
      const stamp2 = /<[^>]+@[^>]+>/.exec(await d.readLine())![0];
      const digest = createHash('md5').update(`${stamp2}bob-pw`).digest('hex');
      assert.match(await d.command(`APOP bob ${digest}`), /^\+OK/);
      assert.match(await d.command('STAT'), /^\+OK 2 \d+$/);
      d.close();
    } finally {
      await server.stop();
    }
  });
});

describe('stopping', dovecotTestOptions(), () => {
  test('stop() leaves no process, frees the ports and removes the temp dir', async () => {
    const server = await startDovecot();
    const master = Number(readFileSync(path.join(server.dir, 'run', 'master.pid'), 'utf8'));
    // A client still connected must not keep anything alive.
    const idle = await LineClient.connect(server.ports.imap);
    await idle.readLine();
    const children = childPids(master);
    assert.ok(children.length >= 3, JSON.stringify(children));
    await server.stop();
    idle.close();
    assert.equal(isAlive(master), false, 'master gone');
    for (const c of children) assert.equal(isAlive(c.pid), false, `${c.comm} (${c.pid}) gone`);
    for (const p of Object.values(server.ports)) assert.ok(await refused(p), `port ${p} closed`);
    assert.equal(existsSync(server.dir), false);
    await server.stop(); // a second stop is harmless
  });

  test('stop({ keep: true }) keeps the dir and the log', async () => {
    const server = await startDovecot();
    await server.stop({ keep: true });
    try {
      assert.ok(existsSync(server.logFile));
      assert.match(readFileSync(server.logFile, 'utf8'), /starting up/);
    } finally {
      rmSync(server.dir, { recursive: true, force: true });
    }
  });

  /** Runs a module snippet in a child node (with tsx); `dovecot` is the harness module path. */
  async function runChild(body: string): Promise<{ code: number | null; out: string }> {
    const dovecot = JSON.stringify(path.join(here, '..', 'helpers', 'dovecot.ts'));
    const script = `import { startDovecot, stopDovecotAt } from ${dovecot};\n${body}`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, out };
  }

  test('after a failed test, stop() keeps the dir and says where the log is', async () => {
    const { code, out } = await runChild(`
      import { existsSync } from 'node:fs';
      const s = await startDovecot();
      process.exitCode = 1; // what node:test does when a test fails
      await s.stop();
      console.log(JSON.stringify({ dir: s.dir, kept: existsSync(s.logFile) }));`);
    const info = JSON.parse(out.split('\n').find((l) => l.startsWith('{')) ?? 'null') as { dir: string; kept: boolean } | null;
    assert.ok(info, out);
    rmSync(info.dir, { recursive: true, force: true });
    assert.equal(code, 1);
    assert.equal(info.kept, true);
    assert.match(out, /test dovecot kept \(a test failed\): .*dovecot\.log/);
  });

  test('detach() lets the server outlive its process; stopDovecotAt(dir) stops it later', async () => {
    const { out } = await runChild(`
      import { readFileSync } from 'node:fs';
      const s = await startDovecot();
      s.detach();
      console.log(JSON.stringify({ dir: s.dir, pid: Number(readFileSync(s.dir + '/run/master.pid', 'utf8')), port: s.ports.imap }));`);
    const info = JSON.parse(out.split('\n').find((l) => l.startsWith('{')) ?? 'null') as { dir: string; pid: number; port: number } | null;
    assert.ok(info, out);
    try {
      // Longer than the watchdog's poll interval: a watchdog left behind would have killed it by now.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(isAlive(info.pid), true, 'still running after its process exited');
      assert.equal(await refused(info.port), false);
      await assert.rejects(stopDovecotAt(os.tmpdir()), /not a test Dovecot directory/);
      await stopDovecotAt(info.dir);
      assert.equal(isAlive(info.pid), false);
      assert.equal(existsSync(info.dir), false);
      assert.equal(await refused(info.port), true);
    } finally {
      if (isAlive(info.pid)) await stopDovecotAt(info.dir);
    }
  });

  for (const how of ['exit', 'SIGKILL'] as const) {
    test(`a test process that dies (${how}) without stop() does not leave Dovecot running`, async () => {
      const script = `
        import { startDovecot } from ${JSON.stringify(path.join(here, '..', 'helpers', 'dovecot.ts'))};
        import { readFileSync } from 'node:fs';
        const s = await startDovecot();
        const pid = readFileSync(s.dir + '/run/master.pid', 'utf8').trim();
        process.stdout.write(JSON.stringify({ pid: Number(pid), dir: s.dir }) + '\\n', () => {
          ${how === 'exit' ? 'process.exit(3);' : "process.kill(process.pid, 'SIGKILL');"}
        });`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      await new Promise((resolve) => child.once('exit', resolve));
      const info = JSON.parse(out.split('\n').find((l) => l.startsWith('{')) ?? 'null') as { pid: number; dir: string } | null;
      assert.ok(info, out);
      try {
        // The exit hook kills at once; after SIGKILL the watchdog notices within a second or two.
        const deadline = Date.now() + 15_000;
        while (isAlive(info.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.equal(isAlive(info.pid), false, `master ${info.pid} still running`);
        if (how === 'exit') assert.match(out, /was not stopped; killed it/);
      } finally {
        rmSync(info.dir, { recursive: true, force: true });
      }
    });
  }
});

describe('npm run mailserver', dovecotTestOptions(), () => {
  test('--keep prints ports, users and a valid tmail config; --stop DIR stops it', async () => {
    const cli = path.join(here, '..', 'helpers', 'mailserver-cli.ts');
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.once('exit', (code) => resolve({ code, out }));
      });
    const bad = await run(['--count', 'lots']);
    assert.equal(bad.code, 2);
    assert.match(bad.out, /--count needs a whole number/);

    const started = await run(['--count', '40', '--bob-count', '3', '--keep']);
    assert.equal(started.code, 0, started.out);
    const dir = /--stop (\S+)/.exec(started.out)?.[1];
    assert.ok(dir, started.out);
    try {
      assert.match(started.out, /alice \/ alice-pw/);
      assert.match(started.out, /IMAP\s+\d+ \(STARTTLS\)/);
      const configFile = path.join(dir, 'tmail', 'config.json');
      assert.match(started.out, new RegExp(`TMAIL_CONFIG_DIR=${dir}/tmail TMAIL_DATA_DIR=${dir}/tmail/data node `));
      assert.match(started.out, new RegExp(`--config ${configFile}`));
      // The example commands keep their caches in the server's directory, never in the user's data dir.
      for (const example of started.out.split('\n').filter((l) => l.includes('--config '))) assert.match(example, /TMAIL_DATA_DIR=/, example);
      assert.equal((await import('node:fs')).statSync(configFile).mode & 0o777, 0o600);
      const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
        accounts: { name: string; port: number; protocol: string; security: string; ca: string; passwordCommand: string }[];
      };
      assert.deepEqual(
        config.accounts.map((a) => [a.name, a.protocol, a.security]),
        [
          ['alice (IMAP)', 'imap', 'starttls'],
          ['bob (POP3)', 'pop3', 'tls'],
        ],
      );
      // The config really reaches the server: log in with its port, CA and password command.
      const alice = config.accounts[0]!;
      assert.equal(alice.passwordCommand, 'printf %s alice-pw');
      const c = new ImapFlow({
        host: '127.0.0.1',
        port: alice.port,
        secure: false,
        doSTARTTLS: true,
        auth: { user: 'alice', pass: 'alice-pw' },
        tls: { ca: readFileSync(alice.ca) },
        logger: false,
      });
      await c.connect();
      const folders = await c.list({ statusQuery: { messages: true } });
      // LSUB: every folder is subscribed, as in a real account (tmail marks unsubscribed ones `-`).
      await c.logout();
      assert.deepEqual(
        folders
          .filter((f) => f.subscribed)
          .map((f) => f.path)
          .sort(),
        ['Archive', 'Drafts', 'INBOX', 'Sent', 'Trash', 'Work'],
      );
      const counts = Object.fromEntries(folders.map((f) => [f.path, f.status?.messages]));
      assert.equal(counts.INBOX, 40);
      for (const f of ['Archive', 'Sent', 'Drafts', 'Trash', 'Work']) assert.ok((counts[f] ?? 0) > 0, `${f}: ${counts[f]}`);
      const bob = await LineClient.connect(config.accounts[1]!.port, { tls: { ca: readFileSync(config.accounts[1]!.ca) } });
      await bob.readLine();
      await pop3Login(bob, 'bob', 'bob-pw');
      assert.match(await bob.command('STAT'), /^\+OK 3 /);
      bob.close();
    } finally {
      const stopped = await run(['--stop', dir]);
      assert.equal(stopped.code, 0, stopped.out);
    }
    assert.equal(existsSync(dir), false);
  });
});
