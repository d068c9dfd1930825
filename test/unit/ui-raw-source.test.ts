// The data an in-app source view needs: the loader's rawSource() gives the raw message as
// sanitized lines, reading no more than asked and saying when it stopped short.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeAccount } from './ui-fake-account.js';
import { testLoader } from './ui-harness.js';

test('rawSource: sanitized raw lines, bounded, with a cut flag', async () => {
  const account = new FakeAccount({ inboxSize: 3, subjects: new Map([[2, 'Hi \u001b]0;title\u0007 there']]) });
  const loader = await testLoader();
  const message = await loader.load(account, 'INBOX', 2);
  const whole = await loader.rawSource!(message);
  assert.equal(whole.cut, false);
  const subject = whole.lines.find((l) => l.startsWith('Subject:'));
  assert.ok(subject, whole.lines.join('\n'));
  assert.doesNotMatch(subject, /\u001b|\u0007/, 'no escape sequence reaches the screen');
  assert.match(subject, /Hi .*there/);
  assert.ok(whole.lines.some((l) => l.startsWith('From:')));

  const head = await loader.rawSource!(message, 20);
  assert.equal(head.cut, true);
  assert.ok(head.lines.join('\n').length <= 20);
});
