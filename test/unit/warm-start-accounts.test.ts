// Warm start with several accounts, in every completion order: each account's login and folder
// list are held by gates and released in each possible interleaving. Whatever the others do,
// account 0's INBOX (drawn from its header cache before the login) is opened on the server right
// after account 0's login — before its own folder list — and then the status bar and the folder
// pane show the server's counts, the same in both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FolderInfo, MessageSummary, OpenedFolder } from '../../src/domain/index.js';
import { FakeAccount } from './ui-fake-account.js';
import { startController } from '../helpers/ui-controller.js';

type Step = { account: number; what: 'login' | 'list' };

class Gate {
  open!: () => void;
  readonly passed = new Promise<void>((r) => (this.open = r));
}

/** A fake server account whose login and folder list wait for the test, with an optional stale cache. */
class GatedAccount extends FakeAccount {
  readonly login = new Gate();
  readonly list = new Gate();
  readonly opens: string[] = [];
  constructor(
    name: string,
    private readonly cached: { total: number; unread: number } | null,
  ) {
    super({ name, inboxSize: 1000 });
    this.connectGate = this.login.passed;
  }
  override async listFolders(): Promise<FolderInfo[]> {
    await this.list.passed;
    return super.listFolders();
  }
  override async openFolder(path: string): Promise<OpenedFolder> {
    this.opens.push(path);
    // The server's own counts, without waiting for the gated folder list.
    const info = (await FakeAccount.prototype.listFolders.call(this)).find((f) => f.path === path)!;
    return { path, uidValidity: 1n, uidValidityChanged: false, total: info.total, unread: info.unread };
  }
  async peekCachedFolder(path: string, count: number): Promise<{ folder: OpenedFolder; newest: MessageSummary[] } | null> {
    if (!this.cached || path !== 'INBOX') return null;
    const newest: MessageSummary[] = [];
    for (let uid = this.cached.total; uid > this.cached.total - count && uid > 0; uid--) {
      newest.push({ ...this.summary('INBOX', uid), subject: `cached ${uid}` });
    }
    return { folder: { path, uidValidity: 1n, uidValidityChanged: false, ...this.cached }, newest };
  }
}

/** Every interleaving of the accounts' steps in which each account logs in before it lists. */
function orders(accounts: number): Step[][] {
  const out: Step[][] = [];
  const walk = (done: number[], prefix: Step[]) => {
    if (prefix.length === accounts * 2) return out.push(prefix);
    for (let a = 0; a < accounts; a++) {
      if (done[a] === 2) continue;
      const next = [...done];
      next[a]!++;
      walk(next, [...prefix, { account: a, what: done[a] === 0 ? 'login' : 'list' }]);
    }
  };
  walk(Array(accounts).fill(0), []);
  return out;
}

/** Lets every promise chain the controller started run to its end (fakes never touch the network). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

async function runOrder(order: Step[], cachedFirst: boolean): Promise<void> {
  const label = order.map((s) => `${s.what}${s.account}`).join(' ');
  const accs = [
    new GatedAccount('first', cachedFirst ? { total: 995, unread: 6 } : null),
    new GatedAccount('second', { total: 990, unread: 2 }),
    new GatedAccount('third', null),
  ];
  const c = startController(accs);
  try {
    await settle();
    if (cachedFirst) {
      assert.equal(c.rowAt(0)?.subject, 'cached 995', `${label}: the cached first screen before any login`);
      assert.equal(c.state.current?.unread, 6);
    }
    for (const [n, step] of order.entries()) {
      accs[step.account]![step.what].open();
      await settle();
      if (step.account === 0 && step.what === 'login') {
        // Before account 0's own folder list, whatever the other accounts have done so far.
        assert.deepEqual(accs[0]!.opens, ['INBOX'], `${label} (step ${n + 1}): INBOX opened on the server right after the login`);
      }
    }
    await settle();
    assert.equal(c.state.error, undefined, label);
    assert.deepEqual(accs[0]!.opens, ['INBOX'], `${label}: opened once`);
    assert.deepEqual(accs[1]!.opens, [], `${label}: the other accounts keep their folders closed`);
    const cur = c.state.current!;
    assert.equal(cur.account, 'first', label);
    assert.equal(cur.path, 'INBOX', label);
    assert.equal(cur.opened, true, label);
    const server = (await FakeAccount.prototype.listFolders.call(accs[0]!)).find((f) => f.path === 'INBOX')!;
    assert.equal(cur.total, server.total, `${label}: status bar total from the server`);
    assert.equal(cur.unread, server.unread, `${label}: status bar unread from the server`);
    const pane = c.state.accounts[0]!.folders.find((f) => f.path === 'INBOX')!;
    assert.equal(pane.total, cur.total, `${label}: folder pane total = status bar total`);
    assert.equal(pane.unread, cur.unread, `${label}: folder pane unread = status bar unread`);
    assert.equal(c.rowAt(0)?.uid, 1000, `${label}: the newest row is the server's`);
    assert.equal(c.rowAt(0)?.subject, 'Message number 1000', label);
    assert.ok(
      c.state.accounts.every((a) => a.status === 'connected' && a.folders.length > 0),
      label,
    );
  } finally {
    await c.stop();
  }
}

const all = orders(3);

test('90 completion orders of three accounts exist (each logs in before it lists)', () => {
  assert.equal(all.length, 90);
});

test('warm start: account 0 opens and reconciles its cached INBOX right after its login, in every order', async () => {
  for (const order of all) await runOrder(order, true);
});

test('cold start: account 0 opens its INBOX right after its login, before any folder list, in every order', async () => {
  for (const order of all) await runOrder(order, false);
});

test('loginAfterFirstFrame, warm: the first screen is the cache, and logins wait until it is drawn', async () => {
  const accs = [new GatedAccount('first', { total: 995, unread: 6 }), new GatedAccount('second', null)];
  const connects = accs.map(() => 0);
  accs.forEach((a, i) => {
    const connect = a.connect.bind(a);
    a.connect = async () => {
      connects[i]!++;
      return connect();
    };
    a.login.open();
    a.list.open();
  });
  const c = startController(accs, { loginAfterFirstFrame: true });
  try {
    assert.equal(await c.firstScreen(), true);
    assert.equal(c.rowAt(0)?.subject, 'cached 995', 'the rows are there before the first frame');
    await settle();
    assert.deepEqual(connects, [0, 0], 'no login before the first frame');
    c.drawn();
    await settle();
    assert.deepEqual(connects, [1, 1]);
    assert.equal(c.rowAt(0)?.subject, 'Message number 1000', 'then the server reconciles it');
  } finally {
    await c.stop();
  }
});

test('loginAfterFirstFrame, cold: nothing cached, the logins start at once', async () => {
  const accs = [new GatedAccount('first', null)];
  let connects = 0;
  const connect = accs[0]!.connect.bind(accs[0]!);
  accs[0]!.connect = async () => {
    connects++;
    return connect();
  };
  const c = startController(accs, { loginAfterFirstFrame: true });
  try {
    assert.equal(await c.firstScreen(), false);
    await settle();
    assert.equal(connects, 1, 'logging in while the UI loads');
  } finally {
    await c.stop();
  }
});
