// What tmail's start sends to a real Dovecot, through the UI controller as tmail starts. Cold (no
// header cache yet): every command once, in the order that puts the newest rows on screen first —
// login → SELECT INBOX (no LIST ahead of it) → FETCH of the newest window → its unread count → the
// folder list (the count arrives after the rows, and is right); the
// cache's first fill of INBOX follows (its UID list) and is not taken for new mail: no second open
// (NOOP + unread count) and no second FETCH of rows already shown. Warm (the same data dir):
// the same, without any FETCH.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { ImapAccount } from '../../src/accounts/imap/imap-account.js';
import type { TraceEntry } from '../../src/trace/types.js';
import { UiController } from '../../src/ui/state/controller.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { controllerOptions, until } from '../helpers/ui-controller.js';
import { accountConfig, appendMessages, otherDevice } from './support/imap-fixtures.js';

const MESSAGES = 120;
/** The oldest SEEN messages are marked \Seen by another device: the rest are unread. */
const SEEN = 37;

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
  let dataDir: string;

  before(async () => {
    server = await startDovecot();
    device = await otherDevice(server);
    await device.mailboxCreate('Work');
    await appendMessages(device, 'INBOX', MESSAGES);
    await device.mailboxOpen('INBOX');
    await device.messageFlagsAdd(`1:${SEEN}`, ['\\Seen']);
    await device.logout();
    root = await mkdtemp(path.join(os.tmpdir(), 'tmail-cold-wire-'));
    dataDir = path.join(root, 'data');
  });

  after(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  /** Starts tmail's UI controller on a fresh account over `dataDir` until the start-up settled; the commands it sent. */
  async function startUp(dataDir: string): Promise<string[]> {
    return (await startUpWithUnread(dataDir)).sent;
  }

  /** startUp, and the unread count the status bar and the folder pane show for INBOX at the end. */
  async function startUpWithUnread(dataDir: string): Promise<{ sent: string[]; unread: number | undefined; listed: number | undefined }> {
    const lines: Array<Omit<TraceEntry, 'time'>> = [];
    const account = new ImapAccount(
      accountConfig(server, { name: 'alice' }),
      { getPassword: async () => 'alice-pw', dataDir, trace: { add: (e) => lines.push(e) } },
      // The cache fill at once, so the test sees it (and what follows it) without waiting.
      { coldCacheFillDelayMs: 0, autoIdleDelayMs: 600_000 },
    );
    const c = new UiController(controllerOptions([{ name: 'alice', protocol: 'imap', create: async () => account }]));
    c.start();
    try {
      await until(() => c.state.current?.path === 'INBOX' && c.state.current.opened && !!c.rowAt(0), 'the INBOX rows', c);
      await until(() => (c.state.accounts[0]?.folders ?? []).some((f) => f.path === 'Work'), 'the folder list', c);
      // The cache's reconciliation of INBOX (a cold start: its first fill) has run.
      const headers = (account as unknown as { headers: { lastResult: Map<string, unknown> } | null }).headers;
      assert.ok(headers, 'the header cache is on');
      await until(() => headers.lastResult.has('INBOX'), 'the cache reconciliation', c);
      // Whatever the UI did about it has reached the server once this NOOP is answered: its
      // reaction is queued on the same connection ahead of it once the UI is idle.
      await until(() => c.state.loading.length === 0, 'the UI to be idle', c);
      const client = (account as unknown as { client: ImapFlow }).client;
      await client.noop();
      await until(() => c.state.loading.length === 0, 'the UI to be idle', c);
      const listed = c.state.accounts[0]?.folders.find((f) => f.path === 'INBOX')?.unread;
      return { sent: commands(lines), unread: c.state.current?.unread, listed };
    } finally {
      c.stop();
      await account.close();
    }
  }

  /** Checks common to both starts: each of these once, never STATUS/LSUB, no second open. */
  function eachOnce(sent: string[]): void {
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
    // Only the test's own NOOP: the cache's work did not make the UI open INBOX again.
    assert.equal(count(sent, /^NOOP\b/), 1, shown);
    const select = indexOf(sent, /^SELECT INBOX\b/);
    assert.ok(indexOf(sent, /^ID\b/) < select && indexOf(sent, /^(AUTHENTICATE|LOGIN)\b/) < select, `ID and login before SELECT: ${shown}`);
    assert.ok(indexOf(sent, /^LIST\b/) > select, `the folder list after SELECT: ${shown}`);
    assert.match(sent[indexOf(sent, /^LIST\b/)]!, /^LIST "" "\*"/, shown);
  }

  test('cold: login → SELECT → newest window → unread count → folder list, each command once', async () => {
    const { sent, unread, listed } = await startUpWithUnread(dataDir);
    const shown = sent.join(' | ');
    eachOnce(sent);
    // No window fetched twice (the cache's first fill is not new mail to refetch rows for).
    const fetches = sent.filter((s) => /^(UID )?FETCH\b/.test(s));
    assert.ok(fetches.length >= 1, shown);
    assert.equal(new Set(fetches).size, fetches.length, `a FETCH repeated: ${shown}`);
    // The order: SELECT, the newest window first, then the folder list (LIST-STATUS of every folder).
    const select = indexOf(sent, /^SELECT INBOX\b/);
    const newest = indexOf(sent, new RegExp(`^FETCH ${MESSAGES - 49}:${MESSAGES} `));
    assert.ok(newest > select, `the newest window (${MESSAGES - 49}:${MESSAGES}) after SELECT: ${shown}`);
    assert.equal(fetches[0], sent[newest], `the newest window is the first FETCH: ${shown}`);
    assert.ok(indexOf(sent, /^LIST\b/) > newest, `the folder list after the newest window: ${shown}`);
    // The unread count waits for the newest rows, and is right once it arrives.
    assert.ok(indexOf(sent, /^UID SEARCH RETURN \(COUNT\) UNSEEN$/) > newest, `the unread count after the newest window: ${shown}`);
    assert.equal(unread, MESSAGES - SEEN, "the open folder's unread count");
    assert.equal(listed, MESSAGES - SEEN, "INBOX's unread count in the folder pane");
    // The cache's first fill: one UID list.
    assert.equal(count(sent, /^UID SEARCH RETURN \(ALL\) ALL$/), 1, shown);
  });

  test('warm (same data dir, nothing changed): no FETCH at all, each command once', async () => {
    const sent = await startUp(dataDir);
    eachOnce(sent);
    // The rows come from the header cache, and the unchanged folder needs no reconciliation.
    assert.equal(count(sent, /\bFETCH\b/), 0, sent.join(' | '));
    assert.equal(count(sent, /^UID SEARCH RETURN \(ALL\)/), 0, sent.join(' | '));
  });
});
