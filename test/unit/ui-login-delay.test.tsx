// POP3 LOGIN-DELAY in the UI: a check the server would refuse is not made; the status line says
// when the next one is allowed (not an error), on start-up and when the user presses `$`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CheckDeferred, MailAccount, SyncProgress, SyncResult } from '../../src/accounts/account.js';
import { FakeAccount } from './ui-fake-account.js';
import { mountUi } from './ui-harness.js';

class DelayedPop3 extends FakeAccount {
  deferredCalls = 0;
  constructor() {
    super({ name: 'home', protocol: 'pop3', inboxSize: 3 });
  }
  async backgroundSync(onProgress?: (p: SyncProgress) => void): Promise<SyncResult | CheckDeferred> {
    if (this.deferredCalls++ === 0) return (this as MailAccount).sync!(onProgress);
    return { deferred: true, nextCheckAt: new Date(2026, 0, 1, 10, 15), message: "next check allowed at 10:15 (the server's LOGIN-DELAY)" };
  }
}

test('a deferred check says when the next is allowed, and $ respects it', async () => {
  const acc = new DelayedPop3();
  const ui = await mountUi([acc], { cols: 130 });
  try {
    await ui.waitFor((t) => t.includes('2 downloaded · '), 'first download through backgroundSync');
    assert.equal(acc.syncCalls, 1);
    await ui.press('$');
    const f = await ui.waitFor((t) => t.includes("home: not checked, next allowed at 10:15 (server's LOGIN-DELAY)"), 'deferred note');
    assert.doesNotMatch(f, /failed|error/i);
    assert.equal(acc.syncCalls, 1, 'no login was made');
    assert.equal(acc.deferredCalls, 2);
  } finally {
    await ui.done();
  }
});
