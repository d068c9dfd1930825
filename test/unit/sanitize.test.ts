import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitizeLine, sanitizeText } from '../../src/text/sanitize.js';

test('OSC title change and CSI clear-screen become inert text', () => {
  const out = sanitizeLine('Hi \u001b]0;pwned\u0007there \u001b[2Jnow');
  assert.equal(out, 'Hi there now');
  assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(out));
});

test('DCS, APC, 8-bit CSI/OSC, lone ESC and bidi overrides are removed', () => {
  const hostile = 'a\u001bP1$qm\u001b\\b\u001b_x\u001b\\c\u009b31md\u009d0;t\u009ce\u001bf\u202eg';
  const out = sanitizeLine(hostile);
  assert.equal(out, 'abcdeg');
});

test('an unterminated OSC/DCS loses its introducer but does not hide the rest of the field or body', () => {
  assert.equal(sanitizeLine('ok\u001b]8;;http://evil rest of subject'), 'ok8;;http://evil rest of subject');
  assert.equal(sanitizeLine('a\u001bPq b'), 'aq b');
  assert.equal(sanitizeLine('a\u009d0;t b'), 'a 0;t b');
  assert.equal(sanitizeText('line one \u001b]0;x\nline two\nline three'), 'line one 0;x\nline two\nline three');
  // Terminated ones still vanish whole, including after an unterminated one.
  assert.equal(sanitizeLine('x\u001b]y \u001b]0;title\u0007z'), 'xy z');
});

test('thousands of unterminated introducers are stripped in linear time', { timeout: 30_000 }, () => {
  const out = sanitizeText('\u001b]\u001bP\u009d'.repeat(200_000) + 'end');
  assert.equal(out, 'end');
});

test('line controls become spaces in one-line strings', () => {
  assert.equal(sanitizeLine('Subject\r\nBcc: x\ty'), 'Subject Bcc: x y');
});

test('text keeps newlines, expands tabs, normalises CRLF and strips controls', () => {
  assert.equal(sanitizeText('a\tb\r\nc\u0007d\u0000\n\u001b[31mred\u001b[0m'), 'a       b\ncd\nred');
});

test('Unicode line and paragraph separators cannot break a one-line field', () => {
  assert.equal(sanitizeLine('Subject\u2028Injected\u2029row'), 'Subject Injected row');
  assert.equal(sanitizeText('para\u2029next\u2028line'), 'para\nnext\nline');
});
