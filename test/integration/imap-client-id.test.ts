// The IMAP ID tmail sends, as Dovecot sees it on the wire (and a canary for the wrapper around
// imapflow's internal `run` in connect-options.ts): exactly one ID per connection, naming tmail
// and tmail's version, and nothing of imapflow's (name, version, vendor, support-url).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { ImapAccount } from '../../src/accounts/imap/imap-account.js';
import type { TraceEntry } from '../../src/trace/types.js';
import { accountConfig } from './support/imap-fixtures.js';

const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const imapflowPkg = JSON.parse(await readFile(new URL('../../node_modules/imapflow/package.json', import.meta.url), 'utf8')) as { version: string };

describe('IMAP ID against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let root: string;

  before(async () => {
    server = await startDovecot();
    root = await mkdtemp(path.join(os.tmpdir(), 'tmail-id-'));
  });

  after(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  for (const security of ['starttls', 'tls'] as const) {
    test(`one ID, with tmail's name and version (${security})`, async () => {
      const lines: Array<Omit<TraceEntry, 'time'>> = [];
      const config = accountConfig(server, security === 'tls' ? { security, port: server.ports.imaps } : { security });
      const account = new ImapAccount(
        config,
        { getPassword: async () => 'alice-pw', dataDir: path.join(root, security), trace: { add: (e) => lines.push(e) } },
        { headerCache: false },
      );
      try {
        await account.connect();
        // The connection is usable afterwards (the wrapper passes every other command through).
        const opened = await account.openFolder('INBOX');
        assert.ok(opened.total >= 0);
      } finally {
        await account.close();
      }
      const ids = lines.filter((l) => l.dir === 'C' && /^\S+ ID\b/.test(l.text));
      assert.equal(ids.length, 1, `ID commands sent: ${ids.map((l) => l.text).join(' | ')}`);
      const id = ids[0]!.text;
      assert.match(id, /"name" "tmail"/);
      assert.ok(id.includes(`"version" "${pkg.version}"`), id);
      assert.doesNotMatch(id, /imapflow|Postal|vendor|support-url/i);
      assert.ok(!id.includes(imapflowPkg.version) || imapflowPkg.version === pkg.version, id);
      // Dovecot answered it (so the answer reached imapflow's serverInfo as before).
      assert.ok(
        lines.some((l) => l.dir === 'S' && /^\* ID \(/.test(l.text)),
        'server ID answer',
      );
    });
  }
});
