// The status line tells the truth about connections: a "lost" line goes once the account is
// connected again; `$` on an account whose login failed logs in again (or says why not) instead
// of "Checking for new mail…" forever.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccountError } from '../../src/domain/index.js';
import type { UiController } from '../../src/ui/state/controller.js';
import { listOrder, orderLabel } from '../../src/ui/state/list-order.js';
import { startController } from '../helpers/ui-controller.js';
import { FakeAccount } from './ui-fake-account.js';

const until = async (pred: () => boolean, what: string, c?: UiController) => {
  const end = Date.now() + 5000;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}; error: ${c?.state.error ?? '-'}, info: ${c?.state.info ?? '-'}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const controllerFor = (acc: FakeAccount) => startController([acc]);

/** Fails its first `failures` logins the way a wrong password does. */
class FlakyLogin extends FakeAccount {
  connects = 0;
  constructor(private failures: number) {
    super({ name: 'work', inboxSize: 20 });
  }
  override async connect(): Promise<void> {
    this.connects++;
    if (this.connects <= this.failures) throw new AccountError('auth', 'login failed for me on h:993: wrong user or password');
  }
}

test('the "connection lost" line is replaced once the account is connected again', async () => {
  const acc = new FakeAccount({ name: 'work', inboxSize: 20 });
  const c = controllerFor(acc);
  try {
    await until(() => c.state.accounts[0]?.status === 'connected' && c.state.current?.opened === true, 'connected', c);
    const lost = 'connection to h:993 lost: the server closed the connection (the server process may have crashed or restarted)';
    acc.emit({ type: 'connection', state: 'reconnecting', error: lost });
    assert.equal(c.state.error, `work: ${lost}`);
    assert.equal(c.state.accounts[0]?.status, 'reconnecting');
    acc.emit({ type: 'connection', state: 'connected' });
    assert.equal(c.state.error, undefined);
    assert.equal(c.state.info, 'work: connected again');
    assert.equal(c.state.accounts[0]?.status, 'connected');
  } finally {
    await c.stop();
  }
});

test('an error that is not about the outage stays after the reconnect', async () => {
  const acc = new FakeAccount({ name: 'work', inboxSize: 20 });
  const c = controllerFor(acc);
  try {
    await until(() => c.state.accounts[0]?.status === 'connected', 'connected', c);
    acc.emit({ type: 'connection', state: 'reconnecting', error: 'connection to h:993 lost: the server reset the connection' });
    acc.emit({ type: 'error', message: 'the server refused to move 1 message(s) in INBOX' });
    acc.emit({ type: 'connection', state: 'connected' });
    assert.equal(c.state.error, 'the server refused to move 1 message(s) in INBOX');
  } finally {
    await c.stop();
  }
});

test('$ after a failed login logs in again, and opens the INBOX when that works', async () => {
  const acc = new FlakyLogin(1);
  const c = controllerFor(acc);
  try {
    await until(() => c.state.accounts[0]?.status === 'error', 'login failed', c);
    assert.match(c.state.error ?? '', /wrong user or password/);
    c.handleKey({ spec: '$', text: '$' });
    assert.equal(c.state.info, 'work: logging in again…');
    await until(() => c.state.accounts[0]?.status === 'connected' && c.state.info === 'work: connected', 'connected after $', c);
    assert.equal(acc.connects, 2);
    await until(() => c.state.current?.path === 'INBOX' && c.state.current.opened === true, 'INBOX open', c);
    assert.equal(c.state.error, undefined);
  } finally {
    await c.stop();
  }
});

test('$ when the login fails again shows why, not "Checking for new mail…"', async () => {
  const acc = new FlakyLogin(5);
  const c = controllerFor(acc);
  try {
    await until(() => c.state.accounts[0]?.status === 'error', 'login failed', c);
    c.handleKey({ spec: '$', text: '$' });
    await until(() => acc.connects === 2 && c.state.accounts[0]?.status === 'error', 'second login failed', c);
    await until(() => /wrong user or password/.test(c.state.error ?? ''), 'error shown', c);
    assert.notEqual(c.state.info, 'Checking for new mail…');
  } finally {
    await c.stop();
  }
});

test('$ while still connecting says so', async () => {
  const acc = new FakeAccount({ name: 'work', inboxSize: 20 });
  let release!: () => void;
  acc.connectGate = new Promise((r) => (release = r));
  const c = controllerFor(acc);
  try {
    await until(() => c.state.accounts[0]?.status === 'connecting', 'connecting', c);
    c.handleKey({ spec: '$', text: '$' });
    assert.equal(c.state.info, 'work: still connecting; new mail shows once it is connected');
    release();
    await until(() => c.state.accounts[0]?.status === 'connected', 'connected', c);
  } finally {
    await c.stop();
  }
});

test('sorting by sender on an account that sorts by address says "by sender address"', async () => {
  for (const [fromSort, label] of [
    ['address', 'Sorted by sender address A-Z (this server cannot sort by name), newest first for each'],
    ['name', 'Sorted by sender A-Z, newest first for each'],
  ] as const) {
    const acc = new FakeAccount({ name: 'work', inboxSize: 20 });
    acc.capabilities.sortOrders = ['arrival', 'date', 'from', 'subject'];
    acc.capabilities.fromSort = fromSort;
    const c = controllerFor(acc);
    try {
      await until(() => c.state.current?.opened === true, 'INBOX open', c);
      c.handleKey({ spec: 'o', text: 'o' });
      c.handleKey({ spec: 'o', text: 'o' });
      assert.equal(c.state.sort, 'from');
      assert.equal(c.state.info, label);
      assert.equal(orderLabel(listOrder(c.state), c.state.sortFromByAddress), fromSort === 'address' ? 'by sender address' : 'by sender');
    } finally {
      await c.stop();
    }
  }
});
