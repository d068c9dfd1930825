// Server discovery with real parts on 127.0.0.1: a DNS server (dns2) answering A/SRV/MX, an HTTPS
// autoconfig server with its own self-signed certificate, and the test Dovecot that a discovered
// configuration then logs in to. tmail's resolver is pointed at the DNS server, and autoconfig
// host names resolve through it too, so nothing leaves the machine.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { discover, type DiscoveryDeps } from '../../src/discovery/discover.js';
import { lookupVia } from '../../src/discovery/deps-from-env.js';
import { startAutoconfigServer, type AutoconfigServer } from '../helpers/autoconfig-server.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { testContext } from '../unit/cli-context.js';

const autoconfigXml = (imapsPort: number, pop3sPort: number) => `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <incomingServer type="imap">
      <hostname>127.0.0.1</hostname><port>${imapsPort}</port><socketType>SSL</socketType>
      <authentication>password-cleartext</authentication><username>%EMAILLOCALPART%</username>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>127.0.0.1</hostname><port>${pop3sPort}</port><socketType>SSL</socketType>
      <authentication>password-cleartext</authentication><username>%EMAILLOCALPART%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.test</hostname><port>587</port><socketType>STARTTLS</socketType>
      <authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>`;

describe('account discovery against local DNS, HTTPS and Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let dns: TestDnsServer;
  let web: AutoconfigServer;
  let root: string;
  let n = 0;

  before(async () => {
    server = await startDovecot();
    web = await startAutoconfigServer(['autoconfig.example.test', 'wellknown.test'], {
      'autoconfig.example.test/mail/config-v1.1.xml': autoconfigXml(server.ports.imaps, server.ports.pop3s),
      'wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml': autoconfigXml(server.ports.imaps, server.ports.pop3s).replace(/%EMAILLOCALPART%/g, 'bob'),
    });
    dns = await startDnsServer({
      A: {
        'autoconfig.example.test': ['127.0.0.1'],
        'wellknown.test': ['127.0.0.1'],
        'untrusted.test': ['127.0.0.1'],
        'autoconfig.untrusted.test': ['127.0.0.1'],
      },
      SRV: {
        '_imaps._tcp.srv.test': [
          { target: 'backup.srv.test', port: 1, priority: 20 },
          { target: '127.0.0.1', port: server.ports.imaps, priority: 10, weight: 5 },
        ],
        '_imap._tcp.srv.test': [{ target: '127.0.0.1', port: server.ports.imap, priority: 0 }],
        '_pop3s._tcp.srv.test': [{ target: '.', port: 0 }],
        '_submission._tcp.srv.test': [{ target: 'smtp.srv.test', port: 587 }],
      },
      MX: {
        'hosted.test': [
          { exchange: 'aspmx.l.google.com', priority: 1 },
          { exchange: 'alt1.aspmx.l.google.com', priority: 5 },
        ],
      },
    });
    root = mkdtempSync(join(tmpdir(), 'tmail-discovery-it-'));
  });

  after(async () => {
    await server?.stop();
    await dns?.close();
    await web?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function deps(extra: Partial<DiscoveryDeps> = {}): DiscoveryDeps {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([dns.address]);
    return { resolver, lookup: lookupVia(resolver), ca: web.ca, httpsPort: web.port, timeoutMs: 4000, ...extra };
  }

  test('autoconfig at autoconfig.DOMAIN over verified HTTPS; the address is not sent', async () => {
    const r = await discover('alice@example.test', deps());
    assert.deepEqual(
      r.findings.map((f) => [f.kind, f.source]),
      [['autoconfig', 'https://autoconfig.example.test/mail/config-v1.1.xml']],
    );
    assert.deepEqual(r.findings[0]!.imap, { host: '127.0.0.1', port: server.ports.imaps, security: 'tls', user: 'alice' });
    assert.deepEqual(r.findings[0]!.smtp, { host: 'smtp.example.test', port: 587, security: 'starttls', user: 'alice@example.test' });
    assert.deepEqual(r.problems, []);
    assert.ok(web.requests.includes('GET autoconfig.example.test/mail/config-v1.1.xml'), web.requests.join('\n'));
    assert.ok(!web.requests.some((q) => q.includes('alice')), 'the address must not be sent');
  });

  test('autoconfig at DOMAIN/.well-known when there is no autoconfig host', async () => {
    const r = await discover('x@wellknown.test', deps());
    assert.deepEqual(
      r.findings.map((f) => f.source),
      ['https://wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml'],
    );
    assert.equal(r.findings[0]!.imap?.user, 'bob');
  });

  test('an untrusted certificate is refused and said so', async () => {
    const r = await discover('x@example.test', deps({ ca: undefined }));
    assert.deepEqual(r.findings, []);
    assert.ok(
      r.problems.some((p) => /autoconfig\.example\.test.*(self[- ]signed|certificate)/i.test(p)),
      r.problems.join('\n'),
    );
  });

  test('RFC 6186 SRV records: priority and weight, implicit TLS preferred, "." means not offered', async () => {
    const r = await discover('alice@srv.test', deps());
    assert.equal(r.findings.length, 1);
    const f = r.findings[0]!;
    assert.equal(f.kind, 'srv');
    assert.deepEqual(f.imap, { host: '127.0.0.1', port: server.ports.imaps, security: 'tls' });
    assert.equal(f.pop3, undefined);
    assert.deepEqual(f.smtp, { host: 'smtp.srv.test', port: 587, security: 'starttls' });
  });

  test("MX records of a hosted domain give the provider's settings", async () => {
    const r = await discover('me@hosted.test', deps());
    assert.deepEqual(
      r.findings.map((f) => [f.kind, f.source]),
      [['mx', 'the MX record of hosted.test (aspmx.l.google.com, hosted by Gmail)']],
    );
    assert.equal(r.findings[0]!.imap?.host, 'imap.gmail.com');
  });

  test('nothing anywhere: no findings and no noise', async () => {
    const r = await discover('me@nothing.test', deps());
    assert.deepEqual(r, { findings: [], problems: [] });
  });

  test('tmail account add ADDRESS: discovered settings, a wrong password, then the corrected one logs in to Dovecot', async () => {
    const dir = join(root, `case${++n}`);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      TMAIL_CONFIG_DIR: join(dir, 'config'),
      TMAIL_DATA_DIR: join(dir, 'data'),
      TMAIL_DNS_SERVER: dns.address,
      TMAIL_AUTOCONFIG_CA: web.caFile,
      TMAIL_AUTOCONFIG_PORT: String(web.port),
      WRONG_PW: 'not-alice-pw',
      ALICE_PW: 'alice-pw',
    };
    const answers = [
      '',
      '',
      '',
      '',
      '', // protocol, host, security, port, user: all as discovered
      '2',
      'WRONG_PW',
      server.caFile,
      'no',
      '', // password from $WRONG_PW, the test CA, no smtp, name = address
      '',
      '',
      '',
      'ALICE_PW', // login failed -> What now? [1]: user [alice], source [2], variable
    ];
    const t = testContext(env, { input: `${answers.join('\n')}\n` });
    const code = await main(['account', 'add', 'alice@example.test'], t.ctx);
    const out = t.stdout();
    assert.equal(code, 0, `${out}\n${t.stderr()}`);
    assert.match(out, /Found in https:\/\/autoconfig\.example\.test\/mail\/config-v1\.1\.xml:/);
    assert.match(out, new RegExp(`Port \\[${server.ports.imaps}\\]: `));
    assert.match(out, /User name \[alice\]: /);
    assert.match(out, /Login test failed: .*\n[\s\S]*What now\? \[1\]: User name \[alice\]: /);
    assert.match(out, /Login OK\./);
    assert.doesNotMatch(out + t.stderr(), /not-alice-pw|alice-pw/);
    const saved = JSON.parse(readFileSync(join(env.TMAIL_CONFIG_DIR!, 'config.json'), 'utf8')) as { accounts: unknown[] };
    assert.deepEqual(saved.accounts, [
      {
        name: 'alice@example.test',
        protocol: 'imap',
        host: '127.0.0.1',
        port: server.ports.imaps,
        security: 'tls',
        user: 'alice',
        email: 'alice@example.test',
        passwordEnv: 'ALICE_PW',
        ca: server.caFile,
      },
    ]);
    assert.ok(dns.queries.includes('_imaps._tcp.example.test'), 'SRV was asked in parallel');
  });

  test('giving up after a failed login saves nothing', async () => {
    const dir = join(root, `case${++n}`);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      TMAIL_CONFIG_DIR: join(dir, 'config'),
      TMAIL_DATA_DIR: join(dir, 'data'),
      TMAIL_DNS_SERVER: dns.address,
      WRONG_PW: 'nope',
    };
    const answers = ['', '', '', '', '', '2', 'WRONG_PW', server.caFile, 'no', '', '4'];
    const t = testContext(env, { input: `${answers.join('\n')}\n` });
    const code = await main(['account', 'add', 'alice@srv.test'], t.ctx);
    assert.equal(code, 1, t.stdout());
    assert.match(t.stdout(), /Found in DNS SRV records of srv\.test/);
    assert.match(t.stderr(), /nothing was saved/);
    assert.equal(existsSync(join(env.TMAIL_CONFIG_DIR!, 'config.json')), false);
  });
});
