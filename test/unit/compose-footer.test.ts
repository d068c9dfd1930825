// The compose screens name the keys bound now, not the defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { composeFooter, discardQuestion, promptHint, resumeFooter } from '../../src/ui/keys/compose-footer.js';

test('compose footer: the default keys give the familiar line', () => {
  const keys = buildKeyTable();
  assert.equal(composeFooter(keys), 's send · e edit · t/C/b To/Cc/Bcc · f From · a attach · p postpone · q cancel');
  assert.equal(discardQuestion(keys), 'Discard this draft? y = discard, any other key = keep it');
  assert.equal(resumeFooter(keys), 'r resume that draft · n start a new message · Esc back');
  assert.equal(promptHint('(Tab completes, Enter sets, Esc cancels)', keys), '(Tab completes, Enter sets, Esc cancels)');
});

test('compose footer: a rebound key is the key the screen names', () => {
  const keys = buildKeyTable({ send: 'x', editTo: 'T', discard: 'C-g', yes: 'j', resumeDraft: 'R', cancel: 'C-c', submit: 'C-m', complete: 'C-i' });
  const footer = composeFooter(keys);
  assert.match(footer, /^x send · /);
  assert.match(footer, / T\/C\/b To\/Cc\/Bcc /);
  assert.match(footer, / Ctrl-g cancel$/);
  assert.doesNotMatch(footer, /\bs send|q cancel/);
  assert.equal(discardQuestion(keys), 'Discard this draft? j = discard, any other key = keep it');
  assert.match(resumeFooter(keys), /^R resume that draft · n start a new message · Ctrl-g back$/);
  assert.equal(promptHint('(Tab completes, Enter sets, Esc cancels)', keys), '(Ctrl-i completes, Ctrl-m sets, Ctrl-c cancels)');
  assert.equal(promptHint('(no address completion here)', keys), '(no address completion here)', 'a hint without key words stays');
});

test('compose footer: an action bound to nothing is left out, not shown with a stale key', () => {
  const keys = buildKeyTable();
  keys.postpone.keys = [];
  assert.doesNotMatch(composeFooter(keys), /postpone/);
});
