import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { validateConfig } from '../../src/config/validate.js';

const good = { name: 'work', protocol: 'imap', host: 'imap.example.com', user: 'me@example.com' };

function check(accounts: unknown[]): { problems: string[]; warnings: string[]; config?: ReturnType<typeof validateConfig>['config'] } {
  try {
    const r = validateConfig({ accounts }, { file: 'config.json', baseDir: '/cfg', home: '/home/u' });
    return { problems: [], warnings: r.warnings, config: r.config };
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return { problems: err.problems, warnings: [] };
  }
}

describe('config: auth', () => {
  test('oauth2 with a tokenCommand, and with a provider and clientId, are kept as given', () => {
    const { config, problems } = check([
      { ...good, auth: { method: 'oauth2', tokenCommand: 'oama access me@example.com' } },
      { ...good, name: 'g', auth: { method: 'oauth2', provider: 'google', clientId: 'abc.apps', clientSecretCommand: 'pass g' } },
      {
        ...good,
        name: 'own',
        auth: {
          method: 'oauth2',
          clientId: 'x',
          tokenEndpoint: 'http://127.0.0.1:8080/token',
          deviceAuthorizationEndpoint: 'https://id.example/device',
          scope: 'mail',
        },
      },
    ]);
    assert.deepEqual(problems, []);
    assert.deepEqual(config!.accounts[0]!.auth, { method: 'oauth2', tokenCommand: 'oama access me@example.com' });
    assert.deepEqual(config!.accounts[1]!.auth, { method: 'oauth2', provider: 'google', clientId: 'abc.apps', clientSecretCommand: 'pass g' });
    assert.equal(config!.accounts[2]!.auth?.method, 'oauth2');
  });

  test("method password is today's behaviour; no auth stays absent", () => {
    const { config } = check([
      { ...good, auth: { method: 'password' } },
      { ...good, name: 'b' },
    ]);
    assert.deepEqual(config!.accounts[0]!.auth, { method: 'password' });
    assert.equal(config!.accounts[1]!.auth, undefined);
  });

  test('unknown method, missing method, wrong type: one clear line each, naming the account and field', () => {
    const { problems } = check([
      { ...good, auth: { method: 'kerberos' } },
      { ...good, name: 'b', auth: {} },
      { ...good, name: 'c', auth: 'oauth2' },
    ]);
    assert.deepEqual(problems, [
      'config.json: account "work" (accounts[0]): auth.method must be "password" or "oauth2", got "kerberos"',
      'config.json: account "b" (accounts[1]): auth.method is missing (one of "password" or "oauth2")',
      'config.json: account "c" (accounts[2]): auth must be an object like {"method": "oauth2", "tokenCommand": "..."}, got "oauth2"',
    ]);
  });

  test('oauth2 without tokenCommand or clientId, clientId without provider or tokenEndpoint, unknown provider', () => {
    const { problems } = check([
      { ...good, auth: { method: 'oauth2' } },
      { ...good, name: 'b', auth: { method: 'oauth2', clientId: 'x' } },
      { ...good, name: 'c', auth: { method: 'oauth2', provider: 'gooogle', clientId: 'x' } },
      { ...good, name: 'd', auth: { method: 'oauth2', clientId: 'x', tokenEndpoint: 'http://id.example/token' } },
      { ...good, name: 'e', auth: { method: 'oauth2', tokenCommand: '' } },
    ]);
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.match(problems[0]!, /account "work" .*auth\.tokenCommand or clientId is needed with "method": "oauth2"/);
    assert.match(problems[1]!, /account "b" .*auth\.provider is needed with clientId: "google" or "microsoft", or give tokenEndpoint/);
    assert.match(problems[2]!, /account "c" .*auth\.provider must be "google" or "microsoft" .*got "gooogle" \(did you mean "google"\?\)/);
    assert.match(problems[3]!, /account "d" .*auth\.tokenEndpoint must be an https:\/\/ address/);
    assert.match(problems[4]!, /account "e" .*auth\.tokenCommand must be a non-empty string/);
  });

  test('smtp.auth is validated the same way; unknown auth fields and unused password sources are warnings', () => {
    const bad = check([{ ...good, smtp: { host: 'smtp.example.com', auth: { method: 'oauth2' } } }]);
    assert.match(bad.problems[0]!, /account "work" .*smtp\.auth\.tokenCommand or clientId is needed/);
    const ok = check([
      {
        ...good,
        passwordCommand: 'pass x',
        auth: { method: 'oauth2', tokenCommand: 't', tokenComand: 'typo' },
        smtp: { host: 's', auth: { method: 'oauth2', tokenCommand: 'u' } },
      },
    ]);
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.config!.accounts[0]!.smtp?.auth, { method: 'oauth2', tokenCommand: 'u' });
    assert.ok(
      ok.warnings.some((w) => /unknown field "auth\.tokenComand" is ignored \(did you mean "tokenCommand"\?\)/.test(w)),
      ok.warnings.join('\n'),
    );
    assert.ok(
      ok.warnings.some((w) => /passwordCommand\/passwordEnv are not used to sign in with "auth\.method": "oauth2"/.test(w)),
      ok.warnings.join('\n'),
    );
  });
});
