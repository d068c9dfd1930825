// A connection lost during an IMAP write (STORE, MOVE, COPY, APPEND, EXPUNGE), cut just before
// the command reaches Dovecot or just after Dovecot did it (its reply swallowed): after the
// reconnect tmail checks what the server did and finishes the change exactly once — never a
// duplicate, never a lost message — and a change it cannot finish is reported as a lost
// connection, not as a refusal by the server. A write whose reply never comes (a stall: tmail's
// operation timeout drops the connection) is checked the same way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { startTcpProxy, type ProxyHooks, type TcpProxy } from '../helpers/tcp-proxy.js';
import { AccountError } from '../../src/domain/index.js';
import { accountConfig, appendMessages, makeAccount, otherDevice, rawMessage, type TestAccount } from './support/imap-fixtures.js';

type Mode = 'cut' | 'cut-before-reply' | 'stall-reply';
// stall-reply: the server did the command and then went silent; tmail's operation timeout drops
// the connection, and the write is checked after the reconnect like a cut one.
const MODES: Mode[] = ['cut', 'cut-before-reply', 'stall-reply'];
const when = (mode: Mode) =>
  mode === 'cut' ? 'before it reaches the server' : mode === 'cut-before-reply' ? 'after the server did it' : 'by a stall after the server did it';
/** Short enough for the stall tests, long enough for every other reply on a loaded machine. */
const STALL_TIMEOUT_MS = 4_000;

/** How many messages of `folder` carry Message-ID <msg-n@example.org> (fixtures' numbering). */
async function countOf(device: ImapFlow, folder: string, n: number): Promise<number> {
  const lock = await device.getMailboxLock(folder);
  try {
    await device.noop();
    const hits = await device.search({ header: { 'message-id': `<msg-${n}@example.org>` } }, { uid: true });
    return hits ? hits.length : -1;
  } finally {
    lock.release();
  }
}

async function flagsOf(device: ImapFlow, folder: string, uid: number): Promise<string[]> {
  const lock = await device.getMailboxLock(folder);
  try {
    await device.noop();
    const [m] = await device.fetchAll(String(uid), { uid: true, flags: true }, { uid: true });
    return m?.flags ? [...m.flags] : [];
  } finally {
    lock.release();
  }
}

interface Cutter {
  proxy: TcpProxy;
  t: TestAccount;
  /** True once the command was cut. */
  cut(): boolean;
  dispose(): Promise<void>;
}

/** tmail through a proxy that cuts the first client line matching `pattern` in `mode`. */
async function cutting(server: DovecotServer, pattern: RegExp, mode: Mode, reconnectWaitMs = 10_000): Promise<Cutter> {
  let armed = false;
  let done = false;
  const hooks: ProxyHooks = {
    onClientLine: (line) => {
      if (!armed || done || !pattern.test(line)) return 'forward';
      done = true;
      return mode;
    },
  };
  const proxy = await startTcpProxy(server.ports.imap, hooks);
  const t = await makeAccount(accountConfig(server, { port: proxy.port, security: 'none', allowInsecureAuth: true, ca: undefined }), 'alice-pw', undefined, {
    headerCache: false,
    reconnectMinDelayMs: 20,
    reconnectMaxDelayMs: 200,
    reconnectWaitMs,
    ...(mode === 'stall-reply' ? { operationTimeoutMs: STALL_TIMEOUT_MS } : {}),
  });
  await t.account.connect();
  armed = true; // only now, so the login is never what gets cut
  return {
    proxy,
    t,
    cut: () => done,
    dispose: async () => {
      await t.dispose();
      await proxy.stop();
    },
  };
}

function suite(name: string, hide: string[]) {
  describe(`IMAP writes cut off (${name})`, dovecotTestOptions(), () => {
    let server: DovecotServer;
    let device: ImapFlow;
    let n = 1000;

    before(async () => {
      server = await startDovecot({ hideImapCapabilities: hide });
      device = await otherDevice(server);
      for (const f of ['Src', 'Dst', 'Trash', 'Sent']) await device.mailboxCreate(f);
    });
    after(async () => {
      await device?.logout().catch(() => undefined);
      await server?.stop();
    });

    const moveCommands = hide.includes('MOVE')
      ? [/ UID COPY /, / UID STORE .*\\Deleted/, hide.includes('UIDPLUS') ? / EXPUNGE$/ : / UID EXPUNGE /]
      : [/ UID MOVE /];
    for (const command of moveCommands) {
      for (const mode of MODES) {
        test(`move: ${command.source.trim()} cut ${when(mode)} → moved exactly once`, async () => {
          const id = ++n;
          const [uid] = await appendMessages(device, 'Src', 1, id);
          const c = await cutting(server, command, mode);
          try {
            await c.t.account.openFolder('Src');
            const outcome = await c.t.account.moveMessages('Src', [uid!], 'Dst');
            assert.ok(c.cut(), 'the command was cut');
            assert.equal(outcome.result, 'moved');
            assert.match(outcome.recovered ?? '', /after reconnecting/);
            assert.equal(await countOf(device, 'Src', id), 0, 'gone from the source');
            assert.equal(await countOf(device, 'Dst', id), 1, 'exactly one copy in the destination');
          } finally {
            await c.dispose();
          }
        });
      }
    }

    for (const mode of MODES) {
      test(`copy: UID COPY cut ${when(mode)} → copied exactly once`, async () => {
        const id = ++n;
        const [uid] = await appendMessages(device, 'Src', 1, id);
        const c = await cutting(server, / UID COPY /, mode);
        try {
          await c.t.account.openFolder('Src');
          await c.t.account.copyMessages('Src', [uid!], 'Dst');
          assert.ok(c.cut());
          assert.equal(await countOf(device, 'Src', id), 1);
          assert.equal(await countOf(device, 'Dst', id), 1, 'exactly one copy');
        } finally {
          await c.dispose();
        }
      });

      test(`flags: UID STORE cut ${when(mode)} → set once`, async () => {
        const id = ++n;
        const [uid] = await appendMessages(device, 'Src', 1, id);
        const c = await cutting(server, / UID STORE /, mode);
        try {
          await c.t.account.openFolder('Src');
          await c.t.account.addFlags('Src', [uid!], ['\\Flagged']);
          assert.ok(c.cut());
          assert.ok((await flagsOf(device, 'Src', uid!)).includes('\\Flagged'));
        } finally {
          await c.dispose();
        }
      });

      const expunge = hide.includes('UIDPLUS') ? / EXPUNGE$/ : / UID EXPUNGE /;
      test(`delete in Trash: ${expunge.source.trim()} cut ${when(mode)} → deleted for good once`, async () => {
        const id = ++n;
        const [uid] = await appendMessages(device, 'Trash', 1, id);
        const [keep] = await appendMessages(device, 'Trash', 1, ++n);
        const c = await cutting(server, expunge, mode);
        try {
          await c.t.account.openFolder('Trash');
          const outcome = await c.t.account.deleteMessages('Trash', [uid!]);
          assert.ok(c.cut());
          assert.equal(outcome.result, 'expunged');
          assert.ok(outcome.recovered);
          assert.equal(await countOf(device, 'Trash', id), 0);
          assert.equal(await countOf(device, 'Trash', n), 1, 'the other message stays');
          assert.deepEqual(await flagsOf(device, 'Trash', keep!), []);
        } finally {
          await c.dispose();
        }
      });

      test(`append: APPEND cut ${when(mode)} → stored exactly once`, async () => {
        const id = ++n;
        const c = await cutting(server, / APPEND /, mode);
        try {
          await c.t.account.appendMessage('Sent', Buffer.from(rawMessage(id)), ['\\Seen']);
          assert.ok(c.cut());
          assert.equal(await countOf(device, 'Sent', id), 1);
        } finally {
          await c.dispose();
        }
      });
    }

    test('cut with no way back: a network error saying the connection was lost, not a refusal', async () => {
      const id = ++n;
      const [uid] = await appendMessages(device, 'Src', 1, id);
      const c = await cutting(server, hide.includes('MOVE') ? / UID COPY / : / UID MOVE /, 'cut', 1_500);
      // The cut also stops the proxy from taking new connections: no reconnect is possible.
      const cutLine = c.proxy.hooks.onClientLine!;
      c.proxy.hooks.onClientLine = (line, conn) => {
        const verdict = cutLine(line, conn);
        if (verdict !== 'forward') void c.proxy.stop();
        return verdict;
      };
      try {
        await c.t.account.openFolder('Src');
        const err = await rejection(c.t.account.moveMessages('Src', [uid!], 'Dst'));
        assert.ok(err instanceof AccountError, String(err));
        assert.equal(err.kind, 'network');
        assert.doesNotMatch(err.message, /refused to/);
        assert.match(err.message, /lost/);
        assert.equal(await countOf(device, 'Src', id), 1, 'still in the source');
        assert.equal(await countOf(device, 'Dst', id), 0, 'not in the destination');
      } finally {
        await c.dispose();
      }
    });
  });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err;
  }
}

suite('MOVE and UIDPLUS', []);
suite('no MOVE, no UIDPLUS', ['MOVE', 'UIDPLUS']);
