// ImapAccount against the private Dovecot: security policy, error messages, folders, windows,
// flags seen by another device, delete/expunge, move, UIDVALIDITY and reconnect.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import net from 'node:net';
import { inspect } from 'node:util';
import type { ImapFlow } from 'imapflow';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { AccountError } from '../../src/domain/index.js';
import { STORE_FILE, SummaryStore } from '../../src/store/summary-store.js';
import { accountConfig, appendMessages, makeAccount, otherDevice, waitFor } from './support/imap-fixtures.js';
import { rewriteServer, startTcpProxy } from '../helpers/tcp-proxy.js';

async function rejectsWith(promise: Promise<unknown>, kind: string, pattern: RegExp): Promise<AccountError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AccountError, `expected AccountError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /alice-pw|wrong-pw/);
    // Nor anywhere in the error chain a UI might dump in a debug log.
    assert.doesNotMatch(inspect(err, { depth: 10 }), /alice-pw|wrong-pw/);
    assert.doesNotMatch(err.message, /\n/);
    return err;
  }
  assert.fail(`expected a ${kind} error`);
}

describe('ImapAccount against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  let inboxUids: number[] = [];

  before(async () => {
    server = await startDovecot();
    device = await otherDevice(server);
    for (const f of ['Trash', 'Archive', 'Work']) await device.mailboxCreate(f);
    inboxUids = await appendMessages(device, 'INBOX', 30);
    await appendMessages(device, 'Work', 3);
    const lock = await device.getMailboxLock('INBOX');
    try {
      assert.ok(await device.messageFlagsAdd(inboxUids.slice(0, 10).join(','), ['\\Seen'], { uid: true }));
    } finally {
      lock.release();
    }
  });

  after(async () => {
    await device?.logout().catch(() => undefined);
    await server?.stop();
  });

  test('logs in over STARTTLS with `ca`, lists folders with counts and special use', async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      const folders = await t.account.listFolders();
      const inbox = folders.find((f) => f.path === 'INBOX');
      assert.deepEqual(inbox && { total: inbox.total, unread: inbox.unread, specialUse: inbox.specialUse }, { total: 30, unread: 20, specialUse: 'inbox' });
      const trash = folders.find((f) => f.path === 'Trash');
      assert.equal(trash?.specialUse, 'trash');
      assert.equal(folders.find((f) => f.path === 'Work')?.total, 3);
      assert.ok(t.events.some((e) => e.type === 'connection' && e.state === 'connected'));
      assert.deepEqual(t.account.capabilities.sortOrders, ['arrival', 'date', 'from', 'subject', 'thread'], 'Dovecot offers SORT');
      assert.equal(t.account.capabilities.serverFlags, true);
    } finally {
      await t.dispose();
    }
  });

  test('logs in over implicit TLS with `ca`', async () => {
    const t = await makeAccount(accountConfig(server, { port: server.ports.imaps, security: 'tls' }));
    try {
      await t.account.connect();
      const opened = await t.account.openFolder('INBOX');
      assert.equal(opened.total, 30);
      assert.equal(opened.unread, 20);
    } finally {
      await t.dispose();
    }
  });

  test('an untrusted (self-signed) certificate without `ca` is a tls error', async () => {
    const { ca: _ca, ...noCa } = accountConfig(server, { port: server.ports.imaps, security: 'tls' });
    const t = await makeAccount(noCa);
    try {
      await rejectsWith(t.account.connect(), 'tls', /certificate for 127\.0\.0\.1 is not trusted \(self-signed\).*`ca`/);
    } finally {
      await t.dispose();
    }
    const t2 = await makeAccount(accountConfig(server, { ca: undefined }));
    try {
      await rejectsWith(t2.account.connect(), 'tls', /not trusted/);
    } finally {
      await t2.dispose();
    }
  });

  test('implicit TLS against the STARTTLS port is a tls error with a hint', async () => {
    const t = await makeAccount(accountConfig(server, { port: server.ports.imap, security: 'tls' }));
    try {
      await rejectsWith(t.account.connect(), 'tls', /did not answer with TLS \(wrong port\? for a plain port use security "starttls"\)$/);
    } finally {
      await t.dispose();
    }
  });

  test('a missing `ca` file is a config error naming the file', async () => {
    const t = await makeAccount(accountConfig(server, { ca: '/nonexistent/ca.pem' }));
    try {
      await rejectsWith(t.account.connect(), 'config', /\/nonexistent\/ca\.pem/);
    } finally {
      await t.dispose();
    }
  });

  test('security "none" without allowInsecureAuth refuses before anything reaches the server', async () => {
    const proxy = await startTcpProxy(server.ports.imap);
    const t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', ca: undefined }));
    try {
      await rejectsWith(t.account.connect(), 'insecure', /refusing to send the password.*without TLS.*allowInsecureAuth/);
      assert.equal(t.passwordRequests(), 0, 'the password must not even be asked for');
      assert.equal(proxy.connections, 0, 'no connection (so no LOGIN) reached the server');
    } finally {
      await t.dispose();
      await proxy.stop();
    }
  });

  test('security "none" with allowInsecureAuth logs in over cleartext', async () => {
    const proxy = await startTcpProxy(server.ports.imap);
    const t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }));
    try {
      await t.account.connect();
      assert.equal((await t.account.openFolder('INBOX')).total, 30);
      // Proves the session really was cleartext (so the refusal above is meaningful).
      assert.match(proxy.clientText(), /LOGIN|AUTHENTICATE/);
      assert.doesNotMatch(proxy.clientText(), /STARTTLS/);
    } finally {
      await t.dispose();
      await proxy.stop();
    }
  });

  test('STARTTLS is required, not opportunistic: a stripped STARTTLS capability is refused', async () => {
    // A man in the middle removes STARTTLS from the capability list (same length, so the
    // stream stays well-formed); a client that upgrades only opportunistically would log in
    // in cleartext here.
    const proxy = await startTcpProxy(server.ports.imap, {
      onServerData: rewriteServer((chunk) => Buffer.from(chunk.toString('latin1').replace(/STARTTLS/g, 'XSTRIPPX'), 'latin1')),
    });
    const t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'starttls' }));
    try {
      await rejectsWith(t.account.connect(), 'tls', new RegExp(`127\\.0\\.0\\.1:${proxy.port} does not offer STARTTLS`));
      assert.equal(proxy.connections, 1);
      assert.doesNotMatch(proxy.clientText(), /LOGIN|AUTHENTICATE/, 'no credentials were sent');
    } finally {
      await t.dispose();
      await proxy.stop();
    }
  });

  test('a wrong password is an auth error with one clear line', async () => {
    const t = await makeAccount(accountConfig(server), 'wrong-pw');
    try {
      await rejectsWith(t.account.connect(), 'auth', new RegExp(`^login failed for alice on 127\\.0\\.0\\.1:${server.ports.imap}: wrong user or password$`));
    } finally {
      await t.dispose();
    }
  });

  test('a message asked for while the first login is under way waits for it (a warm start shows cached rows before the login)', async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      const connecting = t.account.connect();
      const chunks: Buffer[] = [];
      for await (const c of await t.account.fetchRaw('INBOX', inboxUids[0]!)) chunks.push(c as Buffer);
      await connecting;
      assert.match(Buffer.concat(chunks).toString('latin1'), /^Subject: /m);
    } finally {
      await t.dispose();
    }
  });

  test('a refused connection is a network error', async () => {
    const proxy = await startTcpProxy(server.ports.imap);
    const port = proxy.port;
    await proxy.stop();
    const t = await makeAccount(accountConfig(server, { port }));
    try {
      await rejectsWith(t.account.connect(), 'network', new RegExp(`cannot reach 127\\.0\\.0\\.1:${port}: connection refused`));
    } finally {
      await t.dispose();
    }
  });

  test('fetchWindow: newest first by position, with UIDs, flags and attachments', async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      await t.account.openFolder('INBOX');
      const first = await t.account.fetchWindow('INBOX', 0, 5);
      assert.deepEqual(
        first.map((m) => m.subject),
        ['Message 30', 'Message 29', 'Message 28', 'Message 27', 'Message 26'],
      );
      assert.deepEqual(
        first.map((m) => m.uid),
        inboxUids.slice(25).reverse(),
      );
      assert.equal(first[0]!.from[0]!.address, 'sender30@example.org');
      assert.equal(first[0]!.hasAttachments, true, 'message 30 has a PDF attachment');
      assert.equal(first[1]!.hasAttachments, false);
      assert.ok(first[0]!.size > 100);
      assert.deepEqual(first[0]!.location, { kind: 'server' });
      const tail = await t.account.fetchWindow('INBOX', 28, 10);
      assert.deepEqual(
        tail.map((m) => m.subject),
        ['Message 2', 'Message 1'],
      );
      assert.deepEqual(await t.account.fetchWindow('INBOX', 30, 10), []);
      const seen = await t.account.fetchWindow('INBOX', 20, 10);
      assert.ok(seen.every((m) => m.flags.includes('\\Seen')));
    } finally {
      await t.dispose();
    }
  });

  test('fetchWindow by date uses the server sort, independent of arrival order', async () => {
    const setup = await otherDevice(server);
    await setup.mailboxCreate('Dates');
    // Appended in an order that differs from their Date headers.
    const { rawMessage } = await import('./support/imap-fixtures.js');
    const order = [3, 1, 4, 2];
    for (const n of order) await setup.append('Dates', rawMessage(n, { subject: `D${n}`, date: new Date(Date.UTC(2023, 0, n)) }));
    await setup.logout();
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      const byDate = await t.account.fetchWindow('Dates', 0, 10, 'date');
      assert.deepEqual(
        byDate.map((m) => m.subject),
        ['D4', 'D3', 'D2', 'D1'],
      );
      const byArrival = await t.account.fetchWindow('Dates', 0, 10, 'arrival');
      assert.deepEqual(
        byArrival.map((m) => m.subject),
        ['D2', 'D4', 'D1', 'D3'],
      );
      const window = await t.account.fetchWindow('Dates', 1, 2, 'date');
      assert.deepEqual(
        window.map((m) => m.subject),
        ['D3', 'D2'],
      );
      // New mail while another folder is selected (no notification reaches us): the cached
      // sort order must not be reused.
      await t.account.openFolder('INBOX');
      const late = await otherDevice(server);
      await late.append('Dates', rawMessage(5, { subject: 'D5', date: new Date(Date.UTC(2023, 0, 5)) }));
      await late.logout();
      assert.deepEqual(
        (await t.account.fetchWindow('Dates', 0, 2, 'date')).map((m) => m.subject),
        ['D5', 'D4'],
      );
    } finally {
      await t.dispose();
    }
  });

  test('fetchRaw streams the source without setting \\Seen', async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      const uid = inboxUids[29]!;
      const stream = await t.account.fetchRaw('INBOX', uid);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      assert.match(raw, /^From: Sender 30/);
      assert.match(raw, /Content-Disposition: attachment; filename="report.pdf"/);
      const lock = await device.getMailboxLock('INBOX');
      try {
        const msg = await device.fetchOne(String(uid), { flags: true }, { uid: true });
        assert.ok(msg && !msg.flags?.has('\\Seen'), 'BODY.PEEK must not mark the message seen');
      } finally {
        lock.release();
      }
      await rejectsWith(t.account.fetchRaw('INBOX', 999_999), 'not-found', /999999/);
      // The folder lock was released after the stream ended: other operations still work.
      assert.equal((await t.account.fetchWindow('INBOX', 0, 1)).length, 1);
    } finally {
      await t.dispose();
    }
  });

  test('flags set and cleared are seen by a second, independent connection', async () => {
    const t = await makeAccount(accountConfig(server));
    const uid = inboxUids[20]!;
    const flagsOnServer = async () => {
      const lock = await device.getMailboxLock('INBOX');
      try {
        const msg = await device.fetchOne(String(uid), { flags: true }, { uid: true });
        return msg ? [...(msg.flags ?? [])].filter((f) => f !== '\\Recent').sort() : [];
      } finally {
        lock.release();
      }
    };
    try {
      await t.account.connect();
      await t.account.addFlags('INBOX', [uid], ['\\Seen', '\\Flagged']);
      assert.deepEqual(await flagsOnServer(), ['\\Flagged', '\\Seen']);
      await t.account.removeFlags('INBOX', [uid], ['\\Seen']);
      assert.deepEqual(await flagsOnServer(), ['\\Flagged']);
      await t.account.removeFlags('INBOX', [uid], ['\\Flagged']);
      assert.deepEqual(await flagsOnServer(), []);
    } finally {
      await t.dispose();
    }
  });

  test('flag changes made by another device arrive as events with the UID', async () => {
    const t = await makeAccount(accountConfig(server));
    const uid = inboxUids[21]!;
    try {
      await t.account.connect();
      await t.account.openFolder('INBOX');
      const lock = await device.getMailboxLock('INBOX');
      try {
        await device.messageFlagsAdd(String(uid), ['\\Flagged'], { uid: true });
      } finally {
        lock.release();
      }
      // Dovecot reports it on the next command (or IDLE); a NOOP-like call is a window fetch.
      await waitFor(async () => {
        await t.account.fetchWindow('INBOX', 0, 1);
        return t.events.some((e) => e.type === 'flags' && e.uid === uid && e.flags.includes('\\Flagged'));
      }, 'flags event');
    } finally {
      await t.dispose();
    }
  });

  test('search maps the query to UID SEARCH, newest first', async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      assert.deepEqual(await t.account.search('INBOX', { subject: 'Message 1' }), [...inboxUids.slice(9, 19).reverse(), inboxUids[0]!]);
      const hits = await t.account.search('INBOX', { subject: 'Message 2' });
      const summaries = await t.account.fetchSummaries('INBOX', [...hits, 999_999]);
      assert.deepEqual(
        summaries.map((m) => m.uid),
        hits,
        'in the order given, missing UIDs left out',
      );
      assert.ok(summaries.every((m) => m.subject.startsWith('Message 2')));
      const unseen = await t.account.search('INBOX', { unseen: true });
      assert.ok(unseen.length >= 18 && !unseen.includes(inboxUids[0]!));
      assert.deepEqual(
        unseen,
        [...unseen].sort((a, b) => b - a),
      );
    } finally {
      await t.dispose();
    }
  });

  test('delete moves to Trash; delete inside Trash expunges exactly those UIDs', async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      const before = await t.account.openFolder('Work');
      assert.equal(before.total, 3);
      const [newest] = await t.account.fetchWindow('Work', 0, 1);
      await t.account.deleteMessages('Work', [newest!.uid]);
      assert.equal((await t.account.openFolder('Work')).total, 2);
      const trash = await t.account.fetchWindow('Trash', 0, 10);
      assert.deepEqual(
        trash.map((m) => m.subject),
        ['Message 3'],
      );

      // Another device marks a different Trash message \Deleted but does not expunge it: our
      // expunge must not take it along.
      await t.account.moveMessages(
        'Work',
        (await t.account.fetchWindow('Work', 0, 1)).map((m) => m.uid),
        'Trash',
      );
      const inTrash = await t.account.fetchWindow('Trash', 0, 10);
      assert.equal(inTrash.length, 2);
      const lock = await device.getMailboxLock('Trash');
      try {
        await device.messageFlagsAdd(String(inTrash[0]!.uid), ['\\Deleted'], { uid: true });
      } finally {
        lock.release();
      }
      await t.account.deleteMessages('Trash', [inTrash[1]!.uid]);
      const left = await t.account.fetchWindow('Trash', 0, 10);
      assert.deepEqual(
        left.map((m) => m.uid),
        [inTrash[0]!.uid],
      );
      await device.mailboxOpen('INBOX'); // STATUS of a folder this session has selected could be stale
      const status = await device.status('Trash', { messages: true });
      assert.equal(status && status.messages, 1);
    } finally {
      await t.dispose();
    }
  });

  test('move and copy by UID', async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      const [m] = await t.account.fetchWindow('INBOX', 0, 1);
      await t.account.copyMessages('INBOX', [m!.uid], 'Archive');
      await t.account.moveMessages('INBOX', [m!.uid], 'Work');
      assert.deepEqual(
        (await t.account.fetchWindow('Archive', 0, 5)).map((x) => x.subject),
        [m!.subject],
      );
      assert.deepEqual(
        (await t.account.fetchWindow('Work', 0, 1)).map((x) => x.subject),
        [m!.subject],
      );
      assert.ok(!(await t.account.search('INBOX', {})).includes(m!.uid));
      await rejectsWith(t.account.moveMessages('INBOX', [inboxUids[0]!], 'NoSuchFolder'), 'protocol', /NoSuchFolder/);
    } finally {
      await t.dispose();
    }
  });

  test('UIDVALIDITY change (folder deleted and recreated) is detected and remembered on disk', async () => {
    const setup = await otherDevice(server);
    await setup.mailboxCreate('Volatile');
    await appendMessages(setup, 'Volatile', 2);
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      const first = await t.account.openFolder('Volatile');
      assert.equal(first.uidValidityChanged, false, 'the first sighting is not a change');
      await t.account.close();
      // Kept once, in the summary store's folder row.
      const storeFile = path.join(t.dataDir, STORE_FILE);
      assert.equal((await stat(storeFile)).mode & 0o777, 0o600);
      assert.equal((await stat(t.dataDir)).mode & 0o777, 0o700);
      const store = await SummaryStore.open(t.dataDir, 'imap');
      try {
        assert.equal(store.folder('Volatile')?.uidValidity, first.uidValidity);
      } finally {
        store.close();
      }

      await setup.mailboxDelete('Volatile');
      await new Promise((r) => setTimeout(r, 1100)); // Dovecot derives UIDVALIDITY from the clock (seconds)
      await setup.mailboxCreate('Volatile');
      await appendMessages(setup, 'Volatile', 1);

      // A new account object with the same data dir: the memory comes from disk.
      const t2 = await makeAccount(accountConfig(server), 'alice-pw', path.dirname(t.dataDir));
      try {
        await t2.account.connect();
        const second = await t2.account.openFolder('Volatile');
        assert.notEqual(second.uidValidity, first.uidValidity);
        assert.equal(second.uidValidityChanged, true);
        assert.ok(t2.events.some((e) => e.type === 'uidvalidity' && e.folder === 'Volatile' && e.uidValidity === second.uidValidity));
        const third = await t2.account.openFolder('Volatile');
        assert.equal(third.uidValidityChanged, false, 'reported once');
      } finally {
        await t2.account.close();
      }
    } finally {
      await setup.logout();
      await t.dispose();
    }
  });

  test('reconnects after a dropped connection and re-selects the open folder', async () => {
    const proxy = await startTcpProxy(server.ports.imap);
    const t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }));
    try {
      await t.account.connect();
      await t.account.openFolder('INBOX');
      const before = await t.account.fetchWindow('INBOX', 0, 3);
      proxy.cutAll();
      await waitFor(() => t.events.some((e) => e.type === 'connection' && e.state === 'reconnecting'), 'reconnecting state');
      // Issued while disconnected: waits for the reconnect instead of failing or hanging.
      const after = await t.account.fetchWindow('INBOX', 0, 3);
      assert.deepEqual(
        after.map((m) => m.uid),
        before.map((m) => m.uid),
      );
      assert.ok(proxy.connections >= 2);
      const states = t.events.filter((e) => e.type === 'connection').map((e) => (e.type === 'connection' ? e.state : ''));
      assert.deepEqual(states.slice(-2), ['reconnecting', 'connected']);
      assert.equal(t.passwordRequests(), 1, 'the password is asked for once, not per reconnect');

      // Cut in the middle of an operation: the operation is retried once on the new connection.
      const pending = t.account.fetchWindow('INBOX', 0, 10);
      proxy.cutAll();
      assert.equal((await pending).length, 10);
    } finally {
      await t.dispose();
      await proxy.stop();
    }
  });

  test('an operation fails with a network error when the server stays away; close() stops reconnecting', async () => {
    const proxy = await startTcpProxy(server.ports.imap);
    const t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }), 'alice-pw', undefined, {
      reconnectWaitMs: 1500,
      reconnectMinDelayMs: 100,
      reconnectMaxDelayMs: 200,
    });
    try {
      await t.account.connect();
      await t.account.openFolder('INBOX');
      await proxy.stop(); // cuts the session and refuses new connections
      await rejectsWith(
        t.account.fetchWindow('INBOX', 0, 1),
        'network',
        new RegExp(`connection to 127\\.0\\.0\\.1:${proxy.port} lost \\(.*connection refused`),
      );
      await t.account.close();
      const eventsAtClose = t.events.length;
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(t.events.length, eventsAtClose, 'no reconnect attempts after close()');
      const last = t.events.at(-1);
      assert.equal(last?.type === 'connection' ? last.state : last?.type, 'disconnected');
      await rejectsWith(t.account.fetchWindow('INBOX', 0, 1), 'network', /not connected/);
    } finally {
      await t.dispose();
    }
  });

  test('an operation the server leaves unanswered fails after the deadline, then the account recovers', async () => {
    const proxy = await startTcpProxy(server.ports.imap);
    const t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }), 'alice-pw', undefined, {
      operationTimeoutMs: 700,
      reconnectMinDelayMs: 50,
    });
    try {
      await t.account.connect();
      await t.account.openFolder('INBOX');
      proxy.freezeAll();
      await rejectsWith(
        t.account.fetchWindow('INBOX', 0, 5),
        'network',
        /fetching messages of INBOX: .* stopped answering \(no reply in 0\.7 s\); reconnecting$/,
      );
      // A fresh connection is not frozen: the account reconnects by itself and works again.
      assert.equal((await t.account.fetchWindow('INBOX', 0, 5)).length, 5);
      assert.ok(proxy.connections >= 2);
    } finally {
      await t.dispose();
      await proxy.stop();
    }
  });

  test('new mail is pushed while idle (IDLE)', async () => {
    const t = await makeAccount(accountConfig(server), 'alice-pw', undefined, { autoIdleDelayMs: 300 });
    try {
      await t.account.connect();
      const opened = await t.account.openFolder('Archive');
      const setup = await otherDevice(server);
      try {
        await new Promise((r) => setTimeout(r, 800)); // let IDLE start
        await appendMessages(setup, 'Archive', 1, 500);
        await waitFor(
          () => t.events.some((e) => e.type === 'exists' && e.folder === 'Archive' && e.total === opened.total + 1),
          'exists event pushed during IDLE',
        );
      } finally {
        await setup.logout();
      }
    } finally {
      await t.dispose();
    }
  });

  test('an expunge by another device arrives as an expunged event with the UID (QRESYNC)', async () => {
    const setup = await otherDevice(server);
    await setup.mailboxCreate('Shared');
    const uids = await appendMessages(setup, 'Shared', 3, 700);
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      await t.account.openFolder('Shared');
      const lock = await setup.getMailboxLock('Shared');
      try {
        assert.ok(await setup.messageDelete(String(uids[1]), { uid: true }));
      } finally {
        lock.release();
      }
      // Servers hold expunges back during sequence-number FETCHes (RFC 9051 §7.5.1); a UID
      // command (or IDLE) delivers them.
      await waitFor(async () => {
        await t.account.search('Shared', {});
        return t.events.some((e) => e.type === 'expunged' && e.folder === 'Shared' && e.uids.includes(uids[1]!));
      }, 'expunged event');
      assert.deepEqual(
        (await t.account.fetchWindow('Shared', 0, 10)).map((m) => m.uid),
        [uids[2], uids[0]],
      );
    } finally {
      await setup.logout();
      await t.dispose();
    }
  });

  test('concurrent operations on different folders do not mix up their selections', async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      const [inbox, work, archive, dates] = await Promise.all([
        t.account.fetchWindow('INBOX', 0, 3),
        t.account.fetchWindow('Work', 0, 50),
        t.account.openFolder('Archive'),
        t.account.fetchWindow('Dates', 0, 2, 'date'),
      ]);
      const solo = await makeAccount(accountConfig(server));
      try {
        await solo.account.connect();
        assert.deepEqual(
          inbox.map((m) => m.uid),
          (await solo.account.fetchWindow('INBOX', 0, 3)).map((m) => m.uid),
        );
        assert.deepEqual(
          work.map((m) => m.uid),
          (await solo.account.fetchWindow('Work', 0, 50)).map((m) => m.uid),
        );
        assert.equal(archive.total, (await solo.account.openFolder('Archive')).total);
        assert.deepEqual(
          dates.map((m) => m.subject),
          (await solo.account.fetchWindow('Dates', 0, 2, 'date')).map((m) => m.subject),
        );
      } finally {
        await solo.dispose();
      }
    } finally {
      await t.dispose();
    }
  });

  test('a server that accepts but never greets times out with a network error', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const t = await makeAccount(accountConfig(server, { port, security: 'tls' }), 'alice-pw', undefined, { greetingTimeoutMs: 500, connectTimeoutMs: 500 });
    try {
      await rejectsWith(t.account.connect(), 'network', new RegExp(`cannot reach 127\\.0\\.0\\.1:${port}: `));
    } finally {
      await t.dispose();
      silent.close();
    }
  });

  test('a missing folder is a not-found error; a failing password source is a config error', async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      await rejectsWith(t.account.openFolder('NoSuchFolder'), 'not-found', /NoSuchFolder/);
      await rejectsWith(t.account.fetchWindow('NoSuchFolder', 0, 5), 'not-found', /NoSuchFolder/);
      // The connection is still usable afterwards.
      assert.equal((await t.account.openFolder('INBOX')).total > 0, true);
    } finally {
      await t.dispose();
    }
    const { ImapAccount } = await import('../../src/accounts/imap/imap-account.js');
    const failing = new ImapAccount(accountConfig(server), {
      getPassword: async () => {
        throw new Error('passwordCommand exited with status 1');
      },
      dataDir: '/nonexistent-tmail-test',
    });
    await rejectsWith(failing.connect(), 'config', /account test: could not get the password: passwordCommand exited with status 1/);
    await failing.close();
  });
});
