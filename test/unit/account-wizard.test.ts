// The account wizard through its prompt interface: scripted answers, a fake discovery and a fake
// login test. A failed login keeps every answer and asks again only what failed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runWizard, type WizardDeps } from '../../src/cli/account-wizard.js';
import type { Asker } from '../../src/cli/prompt.js';
import type { AccountConfig } from '../../src/config/types.js';
import type { DiscoveryResult } from '../../src/discovery/types.js';
import { AccountError } from '../../src/domain/index.js';

/** Answers questions in order; records each question with its default. Runs out loudly. */
function scripted(answers: string[]): Asker & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async ask(question, defaultValue) {
      asked.push(defaultValue === undefined ? question : `${question} [${defaultValue}]`);
      const a = answers.shift();
      if (a === undefined) throw new Error(`no scripted answer for "${question}"`);
      return a || defaultValue || '';
    },
    async askSecret() {
      throw new Error('not used');
    },
  };
}

const env = { HOME: '/nonexistent', TMAIL_CONFIG_DIR: '/nonexistent/config' };

function deps(asker: Asker, extra: Partial<WizardDeps> = {}): WizardDeps & { text: () => string } {
  let text = '';
  return { asker, out: { write: (t: string) => (text += t) }, ctx: { env }, existingNames: [], text: () => text, ...extra };
}

const found: DiscoveryResult = {
  findings: [
    {
      kind: 'autoconfig',
      source: 'https://autoconfig.example.org/mail/config-v1.1.xml',
      imap: { host: 'mail.example.org', port: 993, security: 'tls', user: 'me' },
      pop3: { host: 'mail.example.org', port: 995, security: 'tls', user: 'me' },
      smtp: { host: 'smtp.example.org', port: 465, security: 'tls', user: 'me' },
    },
    { kind: 'srv', source: 'DNS SRV records of example.org (RFC 6186)', imap: { host: 'other.example.org', port: 143, security: 'starttls' } },
  ],
  problems: ['https://example.org/.well-known/autoconfig/mail/config-v1.1.xml: HTTP 500'],
};

describe('account wizard', () => {
  test('shows what was found and where; the first finding fills the defaults', async () => {
    const asker = scripted(['', '', '', '', '', '', '', '', '', '', '', '', '']);
    const d = deps(asker, { discover: async () => found });
    const r = await runWizard(d, 'me@example.org');
    assert.equal(r.outcome, 'untested');
    assert.match(d.text(), /Found in https:\/\/autoconfig\.example\.org\/mail\/config-v1\.1\.xml:\n {2}IMAP {2}mail\.example\.org:993 \(tls\), user me\n/);
    assert.match(d.text(), /Found in DNS SRV records of example\.org \(RFC 6186\):\n {2}IMAP {2}other\.example\.org:143 \(starttls\)/);
    assert.match(d.text(), /\(https:\/\/example\.org\/\.well-known\/autoconfig\/mail\/config-v1\.1\.xml: HTTP 500\)/);
    assert.deepEqual(asker.asked.slice(0, 5), [
      'Protocol (imap or pop3) [imap]',
      'Server host name [mail.example.org]',
      'Security (tls, starttls or none) [tls]',
      'Port [993]',
      'User name [me]',
    ]);
    assert.ok(asker.asked.includes('SMTP server host name [smtp.example.org]'), asker.asked.join('\n'));
    assert.ok(asker.asked.includes('SMTP port [465]'));
    assert.deepEqual(r.outcome === 'untested' && r.account, {
      name: 'me@example.org',
      protocol: 'imap',
      host: 'mail.example.org',
      port: 993,
      security: 'tls',
      user: 'me',
      email: 'me@example.org',
      smtp: { host: 'smtp.example.org', port: 465, security: 'tls' },
    });
  });

  test('a failed login (wrong password) keeps every answer and asks only user and password again', async () => {
    const tried: AccountConfig[] = [];
    const asker = scripted([
      'pop3',
      '',
      '',
      '',
      '',
      'no',
      '2',
      'WRONG_PW',
      '',
      'no',
      'home', // the interview
      '',
      '',
      '',
      'RIGHT_PW', // What now? [1]; user; password source [2]; variable name
    ]);
    const d = deps(asker, {
      discover: async () => found,
      testLogin: async (a) => {
        tried.push(a);
        if (a.passwordEnv !== 'RIGHT_PW') throw new AccountError('auth', 'Authentication failed: wrong user name or password.');
      },
    });
    const r = await runWizard(d, 'me@example.org');
    assert.equal(r.outcome, 'tested');
    assert.equal(tried.length, 2);
    assert.deepEqual(tried[1], { ...tried[0], passwordEnv: 'RIGHT_PW' });
    const afterFailure = asker.asked.slice(asker.asked.indexOf('What now? [1]') + 1);
    assert.deepEqual(afterFailure, ['User name [me]', 'Choice [2]', 'Environment variable name [WRONG_PW]']);
    assert.match(d.text(), /Login test failed: Authentication failed/);
    assert.match(d.text(), /Login OK\./);
    assert.deepEqual(r.outcome === 'tested' && r.account, {
      name: 'home',
      protocol: 'pop3',
      host: 'mail.example.org',
      port: 995,
      security: 'tls',
      user: 'me',
      email: 'me@example.org',
      passwordEnv: 'RIGHT_PW',
      leaveOnServer: false,
    });
  });

  test('a network failure asks host, security and port again (answers as defaults); the user may save anyway', async () => {
    const asker = scripted([
      '',
      '',
      '',
      '',
      '',
      '3',
      '',
      'no',
      '', // interview (no lookup): imap, guessed host
      '1',
      'imap.example.net',
      'starttls',
      '', // change what failed: host, security (the default port follows), port
      '3', // save anyway
    ]);
    let calls = 0;
    const d = deps(asker, {
      testLogin: async () => {
        calls++;
        throw new AccountError('network', 'Cannot connect: connection refused.');
      },
    });
    const r = await runWizard(d, 'me@example.net');
    assert.equal(calls, 2);
    assert.equal(r.outcome, 'failed-saved');
    const second = asker.asked.slice(asker.asked.indexOf('What now? [1]') + 1);
    assert.deepEqual(second.slice(0, 3), ['Server host name [imap.example.net]', 'Security (tls, starttls or none) [tls]', 'Port [143]']);
    assert.equal(r.outcome === 'failed-saved' && `${r.account.host}:${r.account.port} ${r.account.security}`, 'imap.example.net:143 starttls');
  });

  test('giving up saves nothing', async () => {
    const asker = scripted(['', '', '', '', '', '3', '', 'no', '', '4']);
    const r = await runWizard(deps(asker, { testLogin: async () => Promise.reject(new AccountError('tls', 'certificate not trusted')) }), 'a@b.example');
    assert.equal(r.outcome, 'gave-up');
  });
});
