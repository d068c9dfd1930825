// The UI loads Ink only after the controller's loginStarted() settles. Cold (no header cache):
// by then the login is on the wire (a TCP connection to Dovecot exists), so the server works
// while the UI's modules load. This file never loads imapflow itself (the mail is written
// straight into the Maildir): without the account's preload, connect() would still be waiting
// for imapflow's module files when loginStarted() settles. Warm (the same data dir): the login is
// held until the first frame, and loginStarted() settles without a connection. The UI waits
// (bounded) for loginThrough() too: cold, it settles once the server accepted the login, so the
// login's round trips are not held up by Ink's module code; warm, at once.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ImapAccount } from '../../src/accounts/imap/imap-account.js';
import type { TraceEntry } from '../../src/trace/types.js';
import { SummaryStore } from '../../src/store/summary-store.js';
import { UiController } from '../../src/ui/state/controller.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { controllerOptions, until } from '../helpers/ui-controller.js';

const MESSAGES = 60;

/** TCP sockets of this process (open or connecting). */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPConnectWrap' || r === 'TLSWrap').length;
}

describe('cold start: the login before the UI modules, against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let root: string;

  before(async () => {
    server = await startDovecot();
    await generateMaildir(server.maildir('alice'), { count: MESSAGES, seed: 3, into: 'cur' });
    await server.fixOwnership('alice');
    root = await mkdtemp(path.join(os.tmpdir(), 'tmail-cold-login-'));
  });

  after(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  function controllerOver(
    dataDir: string,
    trace: { add: (e: Omit<TraceEntry, 'time'>) => void } = { add: () => undefined },
  ): { c: UiController; account: ImapAccount } {
    const account = new ImapAccount(
      { name: 'alice', protocol: 'imap', host: server.host, port: server.ports.imap, security: 'starttls', user: 'alice', ca: server.caFile },
      { getPassword: async () => 'alice-pw', dataDir, trace },
      { coldCacheFillDelayMs: 0, autoIdleDelayMs: 600_000 },
    );
    const c = new UiController(controllerOptions([{ name: 'alice', protocol: 'imap', create: async () => account }], { loginAfterFirstFrame: true }));
    return { c, account };
  }

  /** The first frame drawn, the INBOX rows and the header cache's first fill: the next start over this data dir is warm. */
  async function finishCold({ c, account }: { c: UiController; account: ImapAccount }): Promise<void> {
    c.drawn();
    await until(() => c.state.current?.opened === true && !!c.rowAt(0), 'the INBOX rows', c);
    const headers = (account as unknown as { headers: { lastResult: Map<string, unknown> } | null }).headers;
    await until(() => !!headers?.lastResult.has('INBOX'), 'the header cache to fill', c);
  }

  /** Lets queued promise callbacks run, but no I/O (no file read of a module, no network reply). */
  async function microtasks(): Promise<void> {
    for (let k = 0; k < 200; k++) await null;
  }

  test('cold: a connection to the server exists when loginStarted() settles; warm: none, held until drawn()', async () => {
    const dataDir = path.join(root, 'data');
    const before = tcpHandles();
    const cold = controllerOver(dataDir);
    cold.c.start();
    try {
      await cold.c.loginStarted(60_000);
      await microtasks();
      assert.ok(tcpHandles() > before, `a TCP connection is opening when loginStarted() settles (${process.getActiveResourcesInfo().join(', ')})`);
      await finishCold(cold);
    } finally {
      await cold.c.stop();
    }
    await until(() => tcpHandles() === before, 'the cold start to close its connection', cold.c);

    const warm = controllerOver(dataDir);
    warm.c.start();
    try {
      await warm.c.loginStarted(60_000);
      await microtasks();
      assert.equal(await warm.c.firstScreen(), true, 'the warm start draws from the header cache');
      assert.equal(tcpHandles(), before, 'a warm start holds its login until the first frame');
      warm.c.drawn();
      await until(() => warm.c.state.accounts[0]?.status === 'connected', 'the held login', warm.c);
    } finally {
      await warm.c.stop();
    }
  });

  test('cold: loginThrough() settles once the login is through (the UI loads Ink after it); warm: at once, the login held', async () => {
    const dataDir = path.join(root, 'data-through');
    const lines: Array<Omit<TraceEntry, 'time'>> = [];
    const cold = controllerOver(dataDir, { add: (e) => lines.push(e) });
    cold.c.start();
    try {
      await cold.c.loginThrough(60_000);
      const login = lines.find((l) => l.dir === 'C' && /^\S+ (AUTHENTICATE|LOGIN)\b/.test(l.text));
      assert.ok(login, 'the login was sent');
      const tag = login.text.split(' ')[0];
      assert.ok(
        lines.some((l) => l.dir === 'S' && l.text.startsWith(`${tag} OK`)),
        `the server accepted the login before loginThrough() settled: ${lines.map((l) => `${l.dir}: ${l.text}`).join(' | ')}`,
      );
      // The header cache is created when it has rows to keep, after the first frame: not during the login.
      assert.equal(SummaryStore.exists(dataDir), false, 'no header cache created during the login');
      await finishCold(cold);
    } finally {
      await cold.c.stop();
    }

    const before = tcpHandles();
    const warm = controllerOver(dataDir);
    warm.c.start();
    try {
      await warm.c.loginThrough(60_000);
      await microtasks();
      assert.equal(tcpHandles(), before, 'a warm start holds its login: loginThrough() does not wait for it');
      warm.c.drawn();
    } finally {
      await warm.c.stop();
    }
  });
});
