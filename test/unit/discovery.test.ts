// Parsing what discovery finds: autoconfig XML (placeholders, hostile values), SRV record choice,
// the provider table and MX matches; and the shell quoting of suggested commands.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { shellQuote, tmailCommand } from '../../src/domain/shell-quote.js';
import { parseAutoconfig } from '../../src/discovery/autoconfig-xml.js';
import { discover } from '../../src/discovery/discover.js';
import { pickSrv, type DnsResolver } from '../../src/discovery/dns-records.js';
import { providerForDomain, providerForMx } from '../../src/discovery/providers.js';

const xml = (servers: string) => `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.org">
    <domain>example.org</domain>
    <displayName>Example Mail</displayName>
    ${servers}
  </emailProvider>
</clientConfig>`;

const server = (tag: string, type: string, host: string, port: string, socket: string, user = '%EMAILADDRESS%', auth = 'password-cleartext') =>
  `<${tag} type="${type}"><hostname>${host}</hostname><port>${port}</port><socketType>${socket}</socketType><authentication>${auth}</authentication><username>${user}</username></${tag}>`;

describe('autoconfig XML', () => {
  test('first server of each type, socket types mapped, username placeholders filled in', () => {
    const found = parseAutoconfig(
      xml(
        server('incomingServer', 'imap', 'imap.example.org', '993', 'SSL') +
          server('incomingServer', 'imap', 'imap2.example.org', '143', 'STARTTLS') +
          server('incomingServer', 'pop3', 'pop.%EMAILDOMAIN%', '110', 'STARTTLS', '%EMAILLOCALPART%') +
          server('outgoingServer', 'smtp', 'SMTP.Example.org', '587', 'STARTTLS'),
      ),
      'me@example.org',
    );
    assert.deepEqual(found, {
      imap: { host: 'imap.example.org', port: 993, security: 'tls', user: 'me@example.org' },
      pop3: { host: 'pop.example.org', port: 110, security: 'starttls', user: 'me' },
      smtp: { host: 'smtp.example.org', port: 587, security: 'starttls', user: 'me@example.org' },
    });
  });

  test('plain socket type is "none"; OAuth2-only servers are flagged', () => {
    const found = parseAutoconfig(xml(server('incomingServer', 'imap', 'imap.example.org', '143', 'plain', '%EMAILADDRESS%', 'OAuth2')), 'a@example.org');
    assert.equal(found.imap?.security, 'none');
    assert.equal(found.oauth2Only, true);
  });

  test('hostile or broken values are dropped, not passed on', () => {
    const found = parseAutoconfig(
      xml(
        server('incomingServer', 'imap', 'evil host;rm -rf', '993', 'SSL') +
          server('incomingServer', 'pop3', 'pop.example.org', '99999', 'SSL') +
          server('outgoingServer', 'smtp', 'smtp.example.org', '465', 'WEIRD'),
      ),
      'a@example.org',
    );
    assert.deepEqual(found, {});
  });

  test('declared entities are not expanded', () => {
    const text = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY h "evil.example">]>${xml(server('incomingServer', 'imap', '&h;', '993', 'SSL'))}`;
    assert.equal(parseAutoconfig(text, 'a@example.org').imap, undefined);
  });

  test('not an autoconfig file: a clear reason', () => {
    assert.throws(() => parseAutoconfig('<html><body>Not found</body></html>', 'a@b.example'), /not an autoconfig file/);
  });
});

describe('SRV records', () => {
  const rec = (name: string, priority: number, weight: number, port = 993) => ({ name, port, priority, weight });

  test('lowest priority, then highest weight', () => {
    assert.equal(pickSrv([rec('b.example', 10, 5), rec('a.example', 5, 1), rec('c.example', 5, 9)])?.name, 'c.example');
  });

  test('"." means the service is not offered; a trailing dot is removed', () => {
    assert.equal(pickSrv([rec('.', 0, 0, 0)]), undefined);
    assert.equal(pickSrv([rec('', 0, 0, 0)]), undefined);
    assert.equal(pickSrv([rec('Imap.Example.org.', 0, 0)])?.name, 'imap.example.org');
  });
});

describe('provider table and MX', () => {
  test('address domains and hosted domains', () => {
    assert.equal(providerForDomain('GMail.com')?.imap?.host, 'imap.gmail.com');
    assert.equal(providerForDomain('hotmail.com')?.oauthProvider, 'microsoft');
    assert.equal(providerForDomain('example.org'), undefined);
    assert.equal(providerForMx('aspmx.l.google.com.')?.name, 'Gmail');
    assert.equal(providerForMx('example-org.mail.protection.outlook.com')?.imap?.host, 'outlook.office365.com');
    assert.equal(providerForMx('in1-smtp.messagingengine.com')?.name, 'Fastmail');
    assert.equal(providerForMx('notgoogle.com'), undefined, 'a suffix match needs a dot boundary');
  });

  test('a table hit needs no network at all', async () => {
    const refuse = async () => {
      throw new Error('no network expected');
    };
    const resolver: DnsResolver = { resolveSrv: refuse, resolveMx: refuse, resolve4: refuse };
    const r = await discover('someone@gmail.com', { resolver });
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0]!.kind, 'table');
    assert.match(r.findings[0]!.source, /table of large providers \(Gmail\)/);
    assert.equal(r.findings[0]!.imap?.user, 'someone@gmail.com');
  });
});

describe('shell quoting of suggested commands', () => {
  test('plain words stay as they are; anything else is single-quoted', () => {
    assert.equal(shellQuote('alice'), 'alice');
    assert.equal(shellQuote('me@example.org'), 'me@example.org');
    assert.equal(shellQuote('alice (IMAP)'), "'alice (IMAP)'");
    assert.equal(shellQuote("bob's $HOME `x`"), `'bob'\\''s $HOME \`x\`'`);
    assert.equal(shellQuote(''), "''");
    assert.equal(tmailCommand('account', 'mode', 'alice (IMAP)', 'pop3'), "tmail account mode 'alice (IMAP)' pop3");
  });

  test('a real shell reads every quoted word back unchanged', () => {
    for (const word of ['alice (IMAP)', "it's", 'a;b|c&d', '$(id) `id` $HOME', 'tab\there', '*?[x]', 'ünïcode 名前', '-n', '\\back']) {
      assert.equal(execFileSync('sh', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' }), word);
    }
  });
});
