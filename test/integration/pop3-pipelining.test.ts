// PIPELINING (RFC 2449) against the real Dovecot, watched through the TCP proxy: the sync sends a
// batch's RETRs (and DELEs) without waiting when CAPA offers PIPELINING, one at a time when the
// proxy strips it from CAPA, and a connection cut in the middle of a pipelined burst loses and
// duplicates nothing.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import { syncMailbox, type SyncOptions } from '../../src/accounts/pop3/sync.js';
import type { AccountConfig } from '../../src/config/types.js';
import { Maildir } from '../../src/store/maildir.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { assertExactly, pop3Config, serverCount, snapshot } from '../helpers/pop3-sync-fixtures.js';
import { pop3ByReply, startTcpProxy, type ProxyHooks, type TcpProxy } from '../helpers/tcp-proxy.js';

const USERS = ['offered', 'hidden', 'no-uidl', 'cut-retr', 'cut-dele'].map((u) => ({ user: u, password: `${u}-pw` }));
const COUNT = 120;
const BATCH = 50;

/**
 * Commands the client sent before the server had answered the one before them: for each command,
 * how many bytes the server had sent when it arrived. A pipelined burst shows as several commands
 * at the same byte count.
 */
interface Watch {
  hooks: ProxyHooks;
  /** The longest run of one command word sent without waiting for a reply in between. */
  longestBurst(word: string): number;
  /**
   * The login and the commands after it, each group of commands sent without waiting for a reply
   * in between joined by '+': e.g. ['CAPA', 'USER+PASS', 'CAPA+LIST+UIDL', …].
   */
  groups(): string[];
}

function watch(extra: ProxyHooks = {}): Watch {
  const seen: { word: string; serverBytes: number }[] = [];
  return {
    hooks: {
      ...extra,
      onClientLine: (line, conn) => {
        seen.push({ word: line.split(' ')[0]!, serverBytes: conn.serverBytes });
        return extra.onClientLine?.(line, conn) ?? 'forward';
      },
    },
    groups() {
      const out: string[] = [];
      for (const [i, s] of seen.entries()) {
        if (i > 0 && seen[i - 1]!.serverBytes === s.serverBytes) out[out.length - 1] += `+${s.word}`;
        else out.push(s.word);
      }
      return out;
    },
    longestBurst(word) {
      let best = 0;
      let run = 0;
      for (const [i, s] of seen.entries()) {
        const prev = seen[i - 1];
        run = s.word === word && prev?.word === word && prev.serverBytes === s.serverBytes ? run + 1 : s.word === word ? 1 : 0;
        best = Math.max(best, run);
      }
      return best;
    },
  };
}

/** Removes PIPELINING from the CAPA replies, as a server without it would answer. */
const withoutPipelining = pop3ByReply((reply, command) => (command === 'CAPA' ? reply.replace(/^PIPELINING\r\n/m, '') : reply));

describe('POP3 PIPELINING against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let proxy: TcpProxy;
  let base: string;
  before(async () => {
    server = await startDovecot({ users: USERS });
    // Plain POP3 through the proxy so it can see commands (loopback only, opted in on purpose).
    proxy = await startTcpProxy({ host: server.host, port: server.ports.pop3 });
    base = await mkdtemp(join(tmpdir(), 'tmail-pop3pipe-'));
  });
  after(async () => {
    await proxy?.stop();
    await server?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  const options = (user: string, extra: Partial<AccountConfig> = {}): SyncOptions => ({
    config: pop3Config(server, user, extra),
    getPassword: async () => `${user}-pw`,
    maildir: new Maildir(join(base, user, 'Maildir')),
    statePath: join(base, user, 'pop3-state.json'),
    batchSize: BATCH,
  });
  const viaProxy = (user: string) => options(user, { port: proxy.port, security: 'none', allowInsecureAuth: true });
  const generate = async (user: string) => {
    const { messages } = await generateMaildir(server.maildir(user), { count: COUNT, seed: 11 });
    await server.fixOwnership(user);
    return snapshot(messages!);
  };

  test('CAPA offers PIPELINING: a batch of RETRs and of DELEs each leave without waiting for replies', async () => {
    const expected = await generate('offered');
    const lines: string[] = [];
    const w = watch({
      onClientLine: (line) => {
        lines.push(line);
        return 'forward';
      },
    });
    proxy.hooks = w.hooks;
    const r = await syncMailbox(viaProxy('offered'));
    assert.equal(r.downloaded, COUNT);
    // Offered before login: USER and PASS in one burst, then CAPA, LIST and UIDL in one burst.
    assert.deepEqual(w.groups().slice(0, 3), ['CAPA', 'USER+PASS', 'CAPA+LIST+UIDL']);
    // The first two batches are asked for at once (two arenas), before the first reply.
    assert.equal(w.longestBurst('RETR'), 2 * BATCH, 'the first two batches of RETR sent before the first reply');
    // Batch 3 is asked for once batch 1's bytes are handed to the file writer, before batch 1's
    // DELEs: the server never waits for our disk (two batches in memory at most).
    const firstDele = lines.findIndex((l) => l.startsWith('DELE'));
    assert.ok(lines.indexOf(`RETR ${2 * BATCH + 1}`) < firstDele, `RETR ${2 * BATCH + 1} before the first DELE`);
    assert.ok(w.longestBurst('DELE') >= BATCH, `a whole batch of DELE sent at once (longest burst ${w.longestBurst('DELE')})`);
    await assertExactly(options('offered').maildir, expected);
    assert.equal(await serverCount(server, 'offered', 'offered-pw'), 0);
  });

  test('CAPA without PIPELINING: one command at a time, same result', async () => {
    const expected = await generate('hidden');
    const w = watch({ onServerData: withoutPipelining });
    proxy.hooks = w.hooks;
    const r = await syncMailbox(viaProxy('hidden'));
    assert.equal(r.downloaded, COUNT);
    assert.deepEqual(w.groups().slice(0, 6), ['CAPA', 'USER', 'PASS', 'CAPA', 'LIST', 'UIDL'], 'each command waits for the reply before it');
    assert.equal(w.longestBurst('RETR'), 1, 'each RETR waits for the reply before it');
    assert.equal(w.longestBurst('DELE'), 1, 'each DELE waits for the reply before it');
    await assertExactly(options('hidden').maildir, expected);
    assert.equal(await serverCount(server, 'hidden', 'hidden-pw'), 0);
  });

  test('UIDL refused in the pipelined burst after login: messages matched by header hash (TOP), same result', async () => {
    const expected = await generate('no-uidl');
    const w = watch({ onServerData: pop3ByReply((reply, command) => (command === 'UIDL' ? '-ERR Unknown command: UIDL\r\n' : reply)) });
    proxy.hooks = w.hooks;
    const r = await syncMailbox(viaProxy('no-uidl'));
    assert.equal(w.groups()[2], 'CAPA+LIST+UIDL');
    assert.equal(r.usedHeaderHashFallback, true);
    assert.equal(r.downloaded, COUNT);
    await assertExactly(options('no-uidl').maildir, expected);
    assert.equal(await serverCount(server, 'no-uidl', 'no-uidl-pw'), 0);
  });

  // The first two batches' RETRs are sent at once; the cut comes when about half of the second
  // batch's replies have arrived, while the first batch is stored and deleted (its DELEs not yet
  // committed by QUIT).
  test('a cut in the middle of a pipelined RETR burst: nothing lost, nothing stored twice', async () => {
    const user = 'cut-retr';
    const expected = await generate(user);
    let retrSent = false;
    // Replies are counted by their terminator; the cut comes after a batch and a half of them.
    const END = '\r\n.\r\n';
    let replies = 0;
    let tail = '';
    const w = watch({
      onClientLine: (line) => {
        if (line.startsWith('RETR')) retrSent = true;
        return 'forward';
      },
      // Only what the server sent after the first RETR (before it, the listing). A chunk can hold
      // many replies: it is forwarded up to the cut's terminator, and the next chunk is cut.
      onServerData: (chunk) => {
        if (!retrSent) return [chunk];
        if (replies >= BATCH + BATCH / 2) return 'cut';
        const text = tail + chunk.toString('latin1');
        let at = text.indexOf(END);
        while (at !== -1) {
          if (++replies === BATCH + BATCH / 2) return [chunk.subarray(0, at + END.length - tail.length)];
          at = text.indexOf(END, at + END.length);
        }
        tail = text.slice(-(END.length - 1));
        return [chunk];
      },
    });
    proxy.hooks = w.hooks;
    const cutsBefore = proxy.cuts;
    await assert.rejects(syncMailbox(viaProxy(user)), (e: unknown) => e instanceof AccountError && (e.kind === 'network' || e.kind === 'protocol'));
    assert.equal(proxy.cuts, cutsBefore + 1, 'the proxy cut the connection');
    assert.equal(w.longestBurst('RETR'), 2 * BATCH, 'the cut batch was pipelined');
    proxy.hooks = {};
    assert.equal(await serverCount(server, user, `${user}-pw`), COUNT, 'no QUIT: the server removed nothing');
    const clean = await syncMailbox(options(user));
    assert.equal(clean.downloaded, COUNT - BATCH, 'the first batch was recorded; the cut one is fetched again');
    await assertExactly(options(user).maildir, expected);
    assert.equal(await serverCount(server, user, `${user}-pw`), 0);
  });

  test('a cut in the middle of a pipelined DELE burst: nothing lost, nothing stored twice', async () => {
    const user = 'cut-dele';
    const expected = await generate(user);
    let deles = 0;
    const w = watch({ onClientLine: (line) => (line.startsWith('DELE') && ++deles === BATCH + BATCH / 2 ? 'cut' : 'forward') });
    proxy.hooks = w.hooks;
    await assert.rejects(syncMailbox(viaProxy(user)), (e: unknown) => e instanceof AccountError && (e.kind === 'network' || e.kind === 'protocol'));
    assert.equal(w.longestBurst('DELE'), BATCH, 'the DELEs were pipelined');
    proxy.hooks = {};
    // The server kept everything (no QUIT); the stored batches are known and only DELEd now. The
    // last batch's RETRs went out before those DELEs, so it may be stored too by the time the
    // cut is seen.
    assert.equal(await serverCount(server, user, `${user}-pw`), COUNT);
    const clean = await syncMailbox(options(user));
    assert.ok([0, COUNT - 2 * BATCH].includes(clean.downloaded), `downloaded ${clean.downloaded}`);
    await assertExactly(options(user).maildir, expected);
    assert.equal(await serverCount(server, user, `${user}-pw`), 0);
  });
});
