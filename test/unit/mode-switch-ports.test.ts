// Per-protocol port memory (`ports` in an account): validated precisely, used by a model switch,
// and the port left behind is recorded, so custom ports survive IMAP -> POP3 -> IMAP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainSwitch, planSwitch } from '../../src/config/mode-switch.js';
import type { AccountConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate.js';

const opts = { file: '/c/config.json', baseDir: '/c' };
const raw = (extra: Record<string, unknown>) => ({
  accounts: [{ name: 'a', protocol: 'imap', host: 'h', port: 10993, security: 'tls', user: 'u', ...extra }],
});
const account = (extra: Record<string, unknown>) => validateConfig(raw(extra), opts).config.accounts[0]!;

/** Applies a plan the way updateAccount does (patch on the raw entry, then validation). */
function switched(a: AccountConfig, target: 'imap' | 'pop3'): AccountConfig {
  const { patch } = planSwitch(a, target);
  return validateConfig({ accounts: [{ ...a, ...patch }] }, opts).config.accounts[0]!;
}

test('ports: validated per protocol with a precise message', () => {
  assert.deepEqual(account({ ports: { imap: 10993, pop3: 10995 } }).ports, { imap: 10993, pop3: 10995 });
  assert.throws(() => account({ ports: 995 }), /account "a" \(accounts\[0\]\): ports must be an object like \{ "imap": 993, "pop3": 995 \}, got 995/s);
  assert.throws(() => account({ ports: { smtp: 25 } }), /ports has an unknown protocol "smtp" \(known: imap, pop3\)/);
  assert.throws(() => account({ ports: { pop3: '995' } }), /ports\.pop3 must be an integer 1-65535, got "995" \(write the number without quotes\)/);
  assert.throws(() => account({ ports: { pop3: 70000 } }), /ports\.pop3 must be an integer 1-65535, got 70000/);
});

test('a switch takes the remembered port of the target protocol and records the one it leaves', () => {
  const imap = account({ ports: { pop3: 10995 } });
  const pop3 = switched(imap, 'pop3');
  assert.deepEqual([pop3.protocol, pop3.port, pop3.ports], ['pop3', 10995, { pop3: 10995, imap: 10993 }]);
  assert.match(explainSwitch(planSwitch(imap, 'pop3'), '/d', ''), /The port changes from 10993 to 10995 \(the POP3 port in "ports" in config\.json\)\./);
  const back = switched(pop3, 'imap');
  assert.deepEqual([back.protocol, back.port], ['imap', 10993]);
  // Nothing new to record: the round trip is stable.
  assert.deepEqual(switched(back, 'pop3'), pop3);
});

test('a custom port without memory stays; after the user fixes it, the way back restores the old one', () => {
  const imap = account({});
  const pop3 = switched(imap, 'pop3');
  assert.deepEqual([pop3.port, pop3.ports], [10993, { imap: 10993 }]);
  const fixed = { ...pop3, port: 10995 };
  const back = switched(fixed, 'imap');
  assert.deepEqual([back.port, back.ports], [10993, { imap: 10993, pop3: 10995 }]);
});

test('standard ports still map to the other protocol default and are remembered too', () => {
  const imap = validateConfig({ accounts: [{ name: 'a', protocol: 'imap', host: 'h', user: 'u' }] }, opts).config.accounts[0]!;
  const pop3 = switched(imap, 'pop3');
  assert.deepEqual([pop3.port, pop3.ports], [995, { imap: 993 }]);
  assert.equal(switched(pop3, 'imap').port, 993);
});
