// Warm start in the UI controller: with a backend that can peek its header cache, the INBOX's
// first screen is shown before the login completes; after it, the folder is opened on the server
// and the list keeps what it shows (new mail shifts the cursor, it does not blank the list).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageSummary, OpenedFolder } from '../../src/domain/index.js';
import { FakeAccount } from './ui-fake-account.js';
import { startController } from '../helpers/ui-controller.js';

const until = async (pred: () => boolean, what: string) => {
  const end = Date.now() + 5000;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

class CachedFake extends FakeAccount {
  peeks = 0;
  constructor(
    private readonly cachedTotal: number,
    inboxSize: number,
  ) {
    super({ inboxSize });
  }
  async peekCachedFolder(path: string, count: number): Promise<{ folder: OpenedFolder; newest: MessageSummary[] } | null> {
    this.peeks++;
    if (path !== 'INBOX') return null;
    const newest: MessageSummary[] = [];
    for (let uid = this.cachedTotal; uid > this.cachedTotal - count && uid > 0; uid--) {
      newest.push({ ...(await this.fetchWindow('INBOX', 0, 1))[0]!, uid, subject: `cached ${uid}` });
    }
    this.windowCalls.length = 0;
    return { folder: { path, uidValidity: 1n, uidValidityChanged: false, total: this.cachedTotal, unread: 7 }, newest };
  }
}

const controllerFor = (acc: FakeAccount) => startController([acc]);

test('the cached INBOX is on screen before the login completes, then opened on the server', async () => {
  const acc = new CachedFake(1000, 1000);
  let release!: () => void;
  acc.connectGate = new Promise<void>((r) => (release = r));
  const c = controllerFor(acc);
  try {
    await until(() => c.rowAt(0) !== undefined, 'cached first row');
    assert.equal(c.state.current?.path, 'INBOX');
    assert.equal(c.state.current?.total, 1000);
    assert.equal(c.state.current?.unread, 7);
    assert.equal(c.rowAt(0)?.subject, 'cached 1000');
    assert.equal(acc.windowCalls.length, 0, 'nothing asked of the server yet');
    assert.equal(c.state.accounts[0]?.status, 'connecting');
    release();
    await until(() => c.state.accounts[0]?.status === 'connected', 'connected');
    // Same total on the server: what is shown stays, nothing is refetched for it.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(c.rowAt(0)?.subject, 'cached 1000');
    assert.equal(acc.windowCalls.filter((w) => w.start === 0).length, 0);
  } finally {
    await c.stop();
  }
});

test('mail that arrived while away replaces the cached screen once the server answers', async () => {
  const acc = new CachedFake(995, 1000);
  let release!: () => void;
  acc.connectGate = new Promise<void>((r) => (release = r));
  const c = controllerFor(acc);
  try {
    await until(() => c.rowAt(0)?.subject === 'cached 995', 'cached first row');
    release();
    await until(() => c.state.current?.total === 1000 && c.rowAt(0)?.uid === 1000, 'server state');
    assert.equal(c.rowAt(0)?.subject, 'Message number 1000');
  } finally {
    await c.stop();
  }
});

test('a backend without a cache opens the INBOX after the login as before', async () => {
  const acc = new FakeAccount({ inboxSize: 100 });
  const c = controllerFor(acc);
  try {
    await until(() => c.rowAt(0) !== undefined, 'first row');
    assert.equal(c.rowAt(0)?.uid, 100);
  } finally {
    await c.stop();
  }
});
