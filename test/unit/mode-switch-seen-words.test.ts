// The model-switch explanation says what POP3 does to read/unread on every server, no more: POP3
// carries no flags (every downloaded message starts unread here), and some servers (GNU Mailutils,
// Courier) mark a message read on the server when POP3 downloads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainSwitch, planSwitch } from '../../src/config/mode-switch.js';
import { validateConfig } from '../../src/config/validate.js';

const opts = { file: '/c/config.json', baseDir: '/c' };
const account = (protocol: 'imap' | 'pop3') =>
  validateConfig({ accounts: [{ name: 'a', protocol, host: 'h', security: 'tls', user: 'u' }] }, opts).config.accounts[0]!;

test('IMAP -> POP3: every downloaded message starts unread here; some servers mark it read on download', () => {
  for (const leaveOnServer of [false, true]) {
    const text = explainSwitch(planSwitch(account('imap'), 'pop3', { leaveOnServer }), '/d', 'hint');
    assert.match(text, /POP3 does not carry read\/unread: every downloaded message starts unread here/);
    assert.match(text, /Some servers also mark a message as read on the server when POP3 downloads it/);
    if (leaveOnServer) assert.match(text, /other devices may show it read although you have not opened it/);
  }
});

test('POP3 -> IMAP: read/unread set here is not copied; messages left on the server may show as read there', () => {
  const text = explainSwitch(planSwitch(account('pop3'), 'imap'), '/d', 'hint');
  assert.match(text, /Read\/unread set here while on POP3 is not copied to the server/);
  assert.match(text, /some servers mark mail read when POP3 downloads it/);
});
