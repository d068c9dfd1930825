// Every failure says what really happened, against the real Dovecot: a server of the other
// protocol on the configured port is named as such (both ways, plain and TLS), Dovecot's timing
// noise is not shown, and a crashed server process is called that, not "not connected".
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { Pop3Client } from '../../src/accounts/pop3/client.js';
import { childPids, dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { accountConfig, makeAccount } from './support/imap-fixtures.js';

describe('error messages against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  before(async () => {
    server = await startDovecot();
  });
  after(async () => {
    // The crash tests below kill session processes: Dovecot's master logs that as Fatal.
    await server?.stop({ expectedErrors: /master: service\((imap|pop3)\): child \d+ killed with signal 9/ });
  });

  const rejectsWith = async (p: Promise<unknown>, kind: string, pattern: RegExp) => {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof AccountError, String(err));
      assert.equal(err.kind, kind, err.message);
      assert.match(err.message, pattern);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  };

  for (const [security, port] of [
    ['starttls', 'pop3'],
    ['tls', 'pop3s'],
  ] as const) {
    test(`an IMAP account pointed at the POP3 port (${security}) says it is a POP3 server, without waiting for the greeting timeout`, async () => {
      // A greeting timeout far beyond the test's patience: only the early look at the first line can answer.
      const greetingTimeoutMs = 120_000;
      const t = await makeAccount(accountConfig(server, { port: server.ports[port], security }), 'alice-pw', undefined, { greetingTimeoutMs });
      const started = Date.now();
      try {
        await rejectsWith(
          t.account.connect(),
          'config',
          new RegExp(
            `^127\\.0\\.0\\.1:${server.ports[port]} is a POP3 server \\(it greeted with "\\+OK .*"\\), not IMAP: wrong port\\? IMAP is usually on 993 \\(TLS\\) or 143 \\(STARTTLS\\)$`,
          ),
        );
        assert.ok(Date.now() - started < greetingTimeoutMs / 2, 'answered by the probe, not by the greeting timeout');
      } finally {
        await t.dispose();
      }
    });
  }

  for (const [security, port] of [
    ['starttls', 'imap'],
    ['tls', 'imaps'],
  ] as const) {
    test(`POP3 pointed at the IMAP port (${security}) says it is an IMAP server`, async () => {
      const tls = { ca: readFileSync(server.caFile), servername: 'localhost' };
      await rejectsWith(
        Pop3Client.connect({ host: server.host, port: server.ports[port], security, tls }),
        'config',
        new RegExp(
          `^127\\.0\\.0\\.1:${server.ports[port]} is an IMAP server \\(it greeted with "\\* OK .*"\\), not POP3: wrong port\\? POP3 is usually on 995 \\(TLS\\) or 110 \\(STLS\\)$`,
        ),
      );
    });
  }

  test("the server's timing noise is not part of an error", async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      await rejectsWith(
        t.account.openFolder('No such folder'),
        'not-found',
        /^opening folder No such folder: folder does not exist \(.*Mailbox doesn't exist: No such folder\)$/,
      );
    } finally {
      await t.dispose();
    }
  });

  test('a crashed IMAP server process is called that (connection lost: closed by the server), and the account recovers', async () => {
    const t = await makeAccount(accountConfig(server), 'alice-pw', undefined, { reconnectMinDelayMs: 100, reconnectMaxDelayMs: 200 });
    try {
      await t.account.connect();
      await t.account.openFolder('INBOX');
      const master = Number(readFileSync(join(server.dir, 'run', 'master.pid'), 'utf8').trim());
      const imap = childPids(master).filter((c) => c.comm === 'imap');
      assert.equal(imap.length, 1, 'one imap session process');
      process.kill(imap[0]!.pid, 'SIGKILL');
      const until = Date.now() + 10_000;
      while (!t.events.some((e) => e.type === 'connection' && e.state === 'connected' && t.events.indexOf(e) > 1) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const lost = t.events.find((e) => e.type === 'connection' && e.state === 'reconnecting');
      assert.ok(lost && lost.type === 'connection');
      assert.match(lost.error ?? '', /the server closed the connection \(the server process may have crashed or restarted\)/);
      assert.doesNotMatch(JSON.stringify(t.events), /not connected/);
      assert.equal((await t.account.openFolder('INBOX')).path, 'INBOX');
    } finally {
      await t.dispose();
    }
  });

  test('a crashed POP3 server process mid-session is called that', async () => {
    const tls = { ca: readFileSync(server.caFile), servername: 'localhost' };
    const client = await Pop3Client.connect({ host: server.host, port: server.ports.pop3s, security: 'tls', tls });
    try {
      await client.login({ user: 'bob', password: 'bob-pw' });
      const master = Number(readFileSync(join(server.dir, 'run', 'master.pid'), 'utf8').trim());
      const pop3 = childPids(master).filter((c) => c.comm === 'pop3');
      assert.equal(pop3.length, 1, 'one pop3 session process');
      process.kill(pop3[0]!.pid, 'SIGKILL');
      await rejectsWith(client.stat(), 'network', /the server (closed|reset) the connection \(the server process may have crashed or restarted\)$/);
    } finally {
      client.close();
    }
  });
});
