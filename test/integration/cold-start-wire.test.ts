// What a cold start (no header cache yet) sends to a real Dovecot, through the UI controller as
// tmail starts: every command once, and in the order that puts the newest rows on screen first —
// login → SELECT INBOX (no LIST ahead of it) → FETCH of the newest window → the folder list. The
// cache's first fill of INBOX follows (its UID list), and is not taken for new mail: no second
// open (NOOP + unread count) and no second FETCH of rows already shown.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { ImapAccount } from '../../src/accounts/imap/imap-account.js';
import type { TraceEntry } from '../../src/trace/types.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { UiController } from '../../src/ui/state/controller.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { noLoader, until } from '../helpers/ui-controller.js';
import { accountConfig, appendMessages, otherDevice } from './support/imap-fixtures.js';

const MESSAGES = 120;

/** The client's commands without their tags ("7 SELECT INBOX" → "SELECT INBOX"); SASL continuations left out. */
function commands(lines: Array<Omit<TraceEntry, 'time'>>): string[] {
  return lines.flatMap((l) => {
    if (l.dir !== 'C') return [];
    const m = /^\S+ ([A-Z].*)$/.exec(l.text);
    return m ? [m[1]!] : [];
  });
}

function indexOf(sent: string[], pattern: RegExp): number {
  return sent.findIndex((c) => pattern.test(c));
}

function count(sent: string[], pattern: RegExp): number {
  return sent.filter((c) => pattern.test(c)).length;
}

describe('cold start on the wire against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let device: ImapFlow;
  let root: string;

  before(async () => {
    server = await startDovecot();
    device = await otherDevice(server);
    await device.mailboxCreate('Work');
    await appendMessages(device, 'INBOX', MESSAGES);
    await device.logout();
    root = await mkdtemp(path.join(os.tmpdir(), 'tmail-cold-wire-'));
  });

  after(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('login → SELECT → newest window → folder list, each command once', async () => {
    const lines: Array<Omit<TraceEntry, 'time'>> = [];
    const account = new ImapAccount(
      accountConfig(server, { name: 'alice' }),
      { getPassword: async () => 'alice-pw', dataDir: path.join(root, 'data'), trace: { add: (e) => lines.push(e) } },
      // The cache fill at once, so the test sees it (and what follows it) without waiting.
      { coldCacheFillDelayMs: 0, autoIdleDelayMs: 600_000 },
    );
    const c = new UiController({
      accounts: [{ name: 'alice', protocol: 'imap', create: async () => account }],
      keys: buildKeyTable(),
      loader: noLoader,
      cols: 100,
      rows: 30,
      onQuit: () => undefined,
      pollMs: 0,
    });
    c.start();
    try {
      await until(() => c.state.current?.path === 'INBOX' && c.state.current.opened && !!c.rowAt(0), 'the INBOX rows', c);
      await until(() => (c.state.accounts[0]?.folders ?? []).some((f) => f.path === 'Work'), 'the folder list', c);
      // The cache's first fill of INBOX: its UID list on the wire, then the result recorded.
      const headers = (account as unknown as { headers: { lastResult: Map<string, unknown> } | null }).headers;
      assert.ok(headers, 'the header cache is on');
      await until(() => headers.lastResult.has('INBOX'), 'the first cache fill', c);
      // Whatever the UI did about the fill has reached the server once this NOOP is answered:
      // its reaction is queued on the same connection ahead of it once the UI is idle.
      await until(() => c.state.loading.length === 0, 'the UI to be idle', c);
      const client = (account as unknown as { client: ImapFlow }).client;
      await client.noop();
      await until(() => c.state.loading.length === 0, 'the UI to be idle', c);
    } finally {
      c.stop();
      await account.close();
    }
    const sent = commands(lines);
    const shown = sent.join(' | ');
    // Once each (the ID names tmail; it is checked in imap-client-id.test.ts).
    for (const once of [
      /^CAPABILITY\b/,
      /^ID\b/,
      /^(AUTHENTICATE|LOGIN)\b/,
      /^NAMESPACE\b/,
      /^ENABLE\b/,
      /^SELECT\b/,
      /^LIST\b/,
      /^UID SEARCH RETURN \(COUNT\) UNSEEN$/,
    ]) {
      assert.equal(count(sent, once), 1, `${once} once: ${shown}`);
    }
    // Never: STATUS (Dovecot answers [CLIENTBUG] for the selected mailbox), LSUB, an EXAMINE.
    assert.equal(count(sent, /^(STATUS|LSUB|EXAMINE)\b/), 0, shown);
    // Only the test's own NOOP: the cache fill did not make the UI open INBOX again.
    assert.equal(count(sent, /^NOOP\b/), 1, shown);
    // No window fetched twice.
    const fetches = sent.filter((s) => /^(UID )?FETCH\b/.test(s));
    assert.ok(fetches.length >= 1, shown);
    assert.equal(new Set(fetches).size, fetches.length, `a FETCH repeated: ${shown}`);
    // The order: login, SELECT, the newest window, the folder list (LIST-STATUS of every folder).
    const auth = indexOf(sent, /^(AUTHENTICATE|LOGIN)\b/);
    const id = indexOf(sent, /^ID\b/);
    const select = indexOf(sent, /^SELECT INBOX\b/);
    const newest = indexOf(sent, new RegExp(`^FETCH ${MESSAGES - 49}:${MESSAGES} `));
    const list = indexOf(sent, /^LIST\b/);
    assert.ok(id >= 0 && id < select, `ID before SELECT: ${shown}`);
    assert.ok(auth >= 0 && auth < select, `login before SELECT: ${shown}`);
    assert.ok(newest > select, `the newest window (${MESSAGES - 49}:${MESSAGES}) after SELECT: ${shown}`);
    assert.equal(fetches[0], sent[newest], `the newest window is the first FETCH: ${shown}`);
    assert.ok(list > newest, `the folder list after the newest window: ${shown}`);
    assert.match(sent[list]!, /^LIST "" "\*"/, shown);
  });
});
