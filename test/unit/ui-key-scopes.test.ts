// Dialog, prompt and compose keys come from the key table too, each scope on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionFor, buildKeyTable } from '../../src/ui/keys/bindings.js';
import { editLine } from '../../src/ui/keys/line-editor.js';
import { composeCommand } from '../../src/ui/state/compose-keys.js';
import { functionKeysIn } from '../../src/ui/input-tap.js';
import type { ComposeView } from '../../src/compose/ui-flow.js';

test('key scopes: the same key means one thing per scope; rebinding stays in its scope', () => {
  const t = buildKeyTable();
  assert.equal(actionFor(t, 'y', 'dialog'), 'yes');
  assert.equal(actionFor(t, 'y'), undefined, 'y does nothing on the mail screen');
  assert.equal(actionFor(t, 'C-u'), 'halfPageUp');
  assert.equal(actionFor(t, 'C-u', 'dialog'), 'clearLine');
  assert.equal(actionFor(t, 'y', 'compose'), 'send');
  const mine = buildKeyTable({ yes: 'j', send: 'C-s' });
  assert.equal(actionFor(mine, 'j', 'dialog'), 'yes');
  assert.equal(actionFor(mine, 'j'), 'down', 'a dialog binding does not take a mail key away');
  assert.equal(actionFor(mine, 'y', 'dialog'), undefined);
  assert.equal(actionFor(mine, 'C-s', 'compose'), 'send');
  assert.equal(actionFor(mine, 's', 'compose'), undefined);
});

test('line editor: one for every prompt', () => {
  assert.deepEqual(editLine('ab', 'erase', ''), { kind: 'change', value: 'a' });
  assert.deepEqual(editLine('ab', 'clearLine', ''), { kind: 'change', value: '' });
  assert.deepEqual(editLine('ab', 'submit', ''), { kind: 'submit', value: 'ab' });
  assert.deepEqual(editLine('ab', 'cancel', ''), { kind: 'cancel' });
  assert.deepEqual(editLine('ab', 'yes', 'y'), { kind: 'change', value: 'aby' }, 'a dialog key that is not an edit is text');
  assert.equal(editLine('ab', undefined, '\u001b[31m'.slice(0, 1)), undefined, 'control characters never enter');
});

test('compose keys: rebinding send changes the compose screen', () => {
  const view = (extra: Partial<ComposeView> = {}) => ({
    current: { title: 'New', from: '', to: '', cc: '', bcc: '', subject: '', attachments: [], ...extra } as ComposeView,
  });
  const t = buildKeyTable({ send: 'C-s' });
  assert.deepEqual(composeCommand(view(), t, { spec: 'C-s', text: '' }), { kind: 'send' });
  assert.equal(composeCommand(view(), t, { spec: 's', text: 's' }), undefined);
  assert.deepEqual(composeCommand(view({ confirmDiscard: true }), t, { spec: 'y', text: 'y' }), { kind: 'discard', yes: true });
  assert.deepEqual(composeCommand(view({ prompt: { label: '', value: 'x' } }), t, { spec: 'enter', text: '' }), { kind: 'prompt', value: 'x', submit: true });
  assert.equal(composeCommand(view({ busy: 'Sending…' }), t, { spec: 'C-s', text: '' }), undefined, 'nothing while busy');
});

test('input tap: function keys are found in raw input, everything else passes on', () => {
  assert.deepEqual(functionKeysIn('j\u001b[15~k\u001bOP\u001b[A\u001b'), ['f5', 'f1'], 'arrows and a lone Esc are not function keys');
  assert.deepEqual(functionKeysIn('\u001b[[E'), ['f5'], 'the Linux console F5');
});
