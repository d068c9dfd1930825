// One contract suite (test/contract/account-contract.ts), run against every backend the UI can be
// given: the in-memory fake (both models), IMAP and POP3 on a private Dovecot, and IMAP and POP3
// on the embedded demo server. Each backend is built through the registry, as the app does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe } from 'node:test';
import type { MailAccount } from '../../src/accounts/account.js';
import { createAccount } from '../../src/accounts/index.js';
import type { AccountConfig } from '../../src/config/types.js';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server.js';
import { accountContract } from '../contract/account-contract.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { FakeAccount } from '../unit/ui-fake-account.js';

/** Tracks what a describe() opened, so after() can close it. */
function resources() {
  const accounts: MailAccount[] = [];
  const dirs: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const a of accounts) await a.close().catch(() => undefined);
    for (const s of stops) await s();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  return {
    async open(config: AccountConfig, password: string): Promise<MailAccount> {
      const dir = await mkdtemp(join(tmpdir(), 'tmail-contract-'));
      dirs.push(dir);
      const account = await createAccount(config, { dataDir: join(dir, 'data'), getPassword: async () => password });
      accounts.push(account);
      await account.connect();
      if (account.capabilities.downloadsMail) await account.sync!();
      return account;
    },
    onClose: (stop: () => Promise<void>) => stops.push(stop),
  };
}

for (const protocol of ['imap', 'pop3'] as const) {
  describe(`contract: in-memory fake (${protocol})`, () => {
    accountContract({
      open: async () => {
        const account: MailAccount = new FakeAccount({ protocol, inboxSize: 30 });
        await account.connect();
        if (account.sync) await account.sync();
        return account;
      },
    });
  });
}

for (const protocol of ['imap', 'pop3'] as const) {
  describe(`contract: demo server (${protocol})`, () => {
    const r = resources();
    accountContract({
      open: async () => {
        const demo: DemoServer = await startDemoServer();
        r.onClose(() => demo.close());
        const config = demo.accounts().find((a) => a.protocol === protocol)!;
        return r.open(config, demo.credentials.password);
      },
    });
  });
}

describe('contract: Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer | undefined;
  // Started by the first subject that needs it and shared by both (alice: IMAP, bob: POP3).
  const dovecot = async (): Promise<DovecotServer> => {
    if (!server) {
      server = await startDovecot();
      for (const [user, seed] of [
        ['alice', 31],
        ['bob', 32],
      ] as const) {
        await generateMaildir(server.maildir(user), { count: 12, seed });
        await server.fixOwnership(user);
      }
    }
    return server;
  };
  after(async () => {
    await server?.stop();
  });

  describe('IMAP', () => {
    const r = resources();
    accountContract({
      open: async () => {
        const s = await dovecot();
        return r.open({ name: 'alice', protocol: 'imap', host: s.host, port: s.ports.imap, security: 'starttls', user: 'alice', ca: s.caFile }, 'alice-pw');
      },
    });
  });

  describe('POP3', () => {
    const r = resources();
    accountContract({
      open: async () => {
        const s = await dovecot();
        return r.open({ name: 'bob', protocol: 'pop3', host: s.host, port: s.ports.pop3s, security: 'tls', user: 'bob', ca: s.caFile }, 'bob-pw');
      },
    });
  });
});
