// The UI acts on an error's kind: a refused login offers P to enter the password again (never
// drawn) and logs in with it; an untrusted certificate names the `ca` field of config.json.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccountError } from '../../src/domain/errors.js';
import { FakeAccount } from './ui-fake-account.js';
import { KEY, mountUi } from './ui-harness.js';

class PasswordAccount extends FakeAccount {
  password = 'wrong';
  logins: string[] = [];
  override async connect(): Promise<void> {
    this.logins.push(this.password);
    if (this.password !== 'hunter2') throw new AccountError('auth', 'login failed: authentication failed (user or password wrong)');
  }
}

test('a refused login: P asks for the password without echo and logs in again with it', async () => {
  const acc = new PasswordAccount({ name: 'work', inboxSize: 5 });
  const ui = await mountUi([acc], {
    cols: 140,
    slots: [{ name: 'work', protocol: 'imap', create: async () => acc, reenterPassword: (p) => (acc.password = p) }],
  });
  try {
    await ui.waitFor((t) => t.includes('work: login refused (P: enter the password again) · '), 'refusal with the key');
    await ui.press('P');
    await ui.waitFor((t) => t.includes('Password for work (not shown'), 'secret prompt');
    await ui.press('h', 'u', 'n', 't', 'e', 'r', 'x', KEY.backspace, '2');
    const typing = ui.frame();
    assert.doesNotMatch(typing, /hunt|\*\*/, 'the password is never drawn, not even as stars');
    await ui.press(KEY.enter);
    await ui.waitFor((t) => t.includes('Message number 5'), 'logged in with the new password');
    assert.deepEqual(acc.logins, ['wrong', 'hunter2']);
    assert.doesNotMatch(ui.frame(), /hunter2/);
  } finally {
    await ui.done();
  }
});

test('an untrusted certificate names the ca field; P without a refused login says so', async () => {
  const acc = new FakeAccount({ name: 'corp', inboxSize: 1 });
  acc.connect = async () => {
    throw new AccountError('tls', "certificate for mail.corp is not trusted (self-signed) — set `ca` to the server's certificate", { hint: 'ca' });
  };
  const ui = await mountUi([acc], { cols: 240 });
  try {
    await ui.waitFor((t) => t.includes('(config.json, account "corp": "ca": "/path/cert.pem")'), 'the ca field');
    await ui.press('P');
    await ui.waitFor((t) => t.includes('No login was refused'), 'nothing to re-enter');
  } finally {
    await ui.done();
  }
});
