import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unstuffBody } from '../../src/accounts/pop3/response-reader.js';

/** The rule written out on text: what unstuffBody must do on bytes. */
function reference(raw: Buffer, lf: boolean): Buffer {
  let text = raw.toString('latin1');
  if (text.startsWith('.')) text = text.slice(1);
  text = text.replaceAll('\n.', '\n');
  if (lf) text = text.replaceAll('\r\n', '\n');
  return Buffer.from(text, 'latin1');
}

test('unstuffBody agrees with the text rule on every short mix of ".", CR, LF, a letter and an 8-bit byte', () => {
  const alphabet = [0x2e, 0x0d, 0x0a, 0x61, 0xe9];
  let cases = 0;
  for (let len = 0; len <= 6; len++) {
    const total = alphabet.length ** len;
    for (let k = 0; k < total; k++) {
      const bytes: number[] = [];
      for (let i = 0, v = k; i < len; i++, v = Math.floor(v / alphabet.length)) bytes.push(alphabet[v % alphabet.length]!);
      const raw = Buffer.from(bytes);
      for (const lf of [false, true]) {
        assert.deepEqual(unstuffBody(raw, lf), reference(raw, lf), `${JSON.stringify(raw.toString('latin1'))} lf=${lf}`);
        cases++;
      }
    }
  }
  assert.ok(cases > 30_000);
});

test('unstuffBody on a realistic message: dot-stuffed lines, CRLF, a trailing line without LF', () => {
  const raw = Buffer.from('Subject: x\r\n\r\n..leading dot\r\n.\r\nmiddle\r\n...\r\nlast', 'latin1');
  assert.equal(unstuffBody(raw, true).toString('latin1'), 'Subject: x\n\n.leading dot\n\nmiddle\n..\nlast');
  assert.equal(unstuffBody(raw, false).toString('latin1'), 'Subject: x\r\n\r\n.leading dot\r\n\r\nmiddle\r\n..\r\nlast');
});
