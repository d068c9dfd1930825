// The periodic POP3 check, driven by a fake clock: a check every interval without a key press,
// never two at once (a running `$` postpones it), the server's LOGIN-DELAY pushes it later, 0 turns
// it off, a refused login stops it, and the status bar says when the next one is due.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CheckDeferred, SyncResult } from '../../src/accounts/account.js';
import { AccountError } from '../../src/domain/index.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { UiController } from '../../src/ui/state/controller.js';
import type { CheckClock } from '../../src/ui/state/check-clock.js';
import { clockText } from '../../src/ui/state/check-clock.js';
import { statusText } from '../../src/ui/components/StatusBar.js';
import { noLoader, until } from '../helpers/ui-controller.js';
import { FakeAccount } from './ui-fake-account.js';

const MINUTE = 60_000;
const T0 = new Date(2026, 0, 1, 10, 0).getTime();

class FakeClock implements CheckClock {
  private t = T0;
  private plans: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now(): number {
    return this.t;
  }
  schedule(fn: () => void, ms: number): () => void {
    const plan = { at: this.t + ms, fn, live: true };
    this.plans.push(plan);
    return () => {
      plan.live = false;
    };
  }
  /** Moves time forward, running what fell due. */
  advance(ms: number): void {
    this.t += ms;
    const due = this.plans.filter((p) => p.live && p.at <= this.t);
    this.plans = this.plans.filter((p) => !due.includes(p));
    for (const p of due) p.fn();
  }
  pending(): number[] {
    return this.plans.filter((p) => p.live).map((p) => p.at);
  }
}

const OK: SyncResult = { downloaded: 0, deletedOnServer: 0, keptOnServer: 0, bytes: 0, usedHeaderHashFallback: false };

/** A POP3 account whose checks answer what the test queues (default: nothing new). */
class Pop3 extends FakeAccount {
  checks = 0;
  answers: Array<() => Promise<SyncResult | CheckDeferred>> = [];
  constructor() {
    super({ name: 'home', protocol: 'pop3', inboxSize: 3 });
  }
  async backgroundSync(): Promise<SyncResult | CheckDeferred> {
    this.checks++;
    const next = this.answers.shift();
    return next ? next() : OK;
  }
}

function start(acc: Pop3, clock: FakeClock, checkIntervalMs = 5 * MINUTE): UiController {
  const c = new UiController({
    accounts: [{ name: acc.name, protocol: 'pop3', create: async () => acc, checkIntervalMs }],
    keys: buildKeyTable(),
    loader: noLoader,
    cols: 120,
    rows: 30,
    onQuit: () => undefined,
    pollMs: 0,
    clock,
  });
  c.start();
  return c;
}

const nextCheck = (c: UiController) => c.state.accounts[0]!.nextCheckAt;

test('checks every interval without a key press; the status bar says when', async () => {
  const clock = new FakeClock();
  const acc = new Pop3();
  const c = start(acc, clock);
  try {
    await until(() => acc.checks === 1 && nextCheck(c) !== undefined, 'the check at connect', c);
    assert.equal(nextCheck(c), T0 + 5 * MINUTE);
    assert.deepEqual(clock.pending(), [T0 + 5 * MINUTE]);
    assert.match(statusText(c.state, 3, 120), new RegExp(`next check ${clockText(T0 + 5 * MINUTE)}`));
    clock.advance(5 * MINUTE);
    await until(() => acc.checks === 2 && nextCheck(c) === T0 + 10 * MINUTE, 'the periodic check', c);
    acc.answers.push(async () => ({ ...OK, downloaded: 1 }));
    clock.advance(5 * MINUTE);
    await until(() => acc.checks === 3 && nextCheck(c) === T0 + 15 * MINUTE, 'the next periodic check', c);
    assert.match(c.state.info ?? '', /home: 1 downloaded/, 'new mail is announced');
  } finally {
    await c.stop();
  }
  assert.deepEqual(clock.pending(), [], 'stop cancels the plan');
});

test("a quiet periodic check says nothing; the server's LOGIN-DELAY pushes the next one later", async () => {
  const clock = new FakeClock();
  const acc = new Pop3();
  const c = start(acc, clock);
  try {
    await until(() => acc.checks === 1 && nextCheck(c) !== undefined, 'the check at connect', c);
    c.store.set({ info: 'something the user did' });
    acc.answers.push(async () => ({ deferred: true, nextCheckAt: new Date(T0 + 25 * MINUTE), message: 'later' }));
    clock.advance(5 * MINUTE);
    await until(() => acc.checks === 2 && nextCheck(c) === T0 + 25 * MINUTE, 'the deferral', c);
    assert.equal(c.state.info, 'something the user did', 'a background deferral does not take the status line');
    assert.deepEqual(clock.pending(), [T0 + 25 * MINUTE]);
    clock.advance(20 * MINUTE);
    await until(() => acc.checks === 3, 'the check once the delay is over', c);
    assert.equal(c.state.info, 'something the user did', 'nothing new: nothing said');
  } finally {
    await c.stop();
  }
});

test('never overlaps a running download: the check due meanwhile waits for it and is planned after it', async () => {
  const clock = new FakeClock();
  const acc = new Pop3();
  const c = start(acc, clock);
  try {
    await until(() => acc.checks === 1 && nextCheck(c) !== undefined, 'the check at connect', c);
    let finish!: () => void;
    acc.answers.push(() => new Promise((resolve) => (finish = () => resolve(OK))));
    clock.advance(MINUTE);
    c.handleKey({ spec: '$', text: '$' }); // the user's check, still running when the plan falls due
    await until(() => acc.checks === 2 && c.state.accounts[0]!.sync !== undefined, 'the $ download', c);
    clock.advance(4 * MINUTE);
    await new Promise((r) => setImmediate(r));
    assert.equal(acc.checks, 2, 'no second check while one runs');
    finish();
    await until(() => c.state.accounts[0]!.sync === undefined && nextCheck(c) === T0 + 10 * MINUTE, 'the plan after $', c);
  } finally {
    await c.stop();
  }
});

test('checkInterval 0: no periodic check; a refused login stops the checks', async () => {
  const clock = new FakeClock();
  const off = new Pop3();
  const c = start(off, clock, 0);
  try {
    await until(() => off.checks === 1 && c.state.accounts[0]!.sync === undefined, 'the check at connect', c);
    assert.equal(nextCheck(c), undefined);
    assert.deepEqual(clock.pending(), []);
  } finally {
    await c.stop();
  }
  const refused = new Pop3();
  refused.answers.push(async () => {
    throw new AccountError('auth', 'login refused');
  });
  const d = start(refused, clock);
  try {
    await until(() => refused.checks === 1 && d.state.accounts[0]!.sync === undefined, 'the refused check', d);
    assert.equal(nextCheck(d), undefined);
    assert.deepEqual(clock.pending(), []);
  } finally {
    await d.stop();
  }
});
