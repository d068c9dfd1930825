// The login's commands as Dovecot sees them: with SASL-IR offered, AUTHENTICATE PLAIN carries the
// credentials on the command line (no continuation round trip), they stay out of the trace, and a
// wrong password is still reported as a refused login.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDovecot, dovecotTestOptions, type DovecotServer } from '../helpers/dovecot.js';
import { ImapAccount } from '../../src/accounts/imap/imap-account.js';
import { AccountError } from '../../src/domain/index.js';
import type { TraceEntry } from '../../src/trace/types.js';
import { accountConfig } from './support/imap-fixtures.js';

describe('IMAP login round trips against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let root: string;

  before(async () => {
    server = await startDovecot();
    root = await mkdtemp(path.join(os.tmpdir(), 'tmail-login-'));
  });

  after(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const account = (password: string, lines: Array<Omit<TraceEntry, 'time'>>, dir: string) =>
    new ImapAccount(
      accountConfig(server),
      { getPassword: async () => password, dataDir: path.join(root, dir), trace: { add: (e) => lines.push(e) } },
      { headerCache: false },
    );

  test('AUTHENTICATE PLAIN with the initial response: one round trip, the secret not in the trace', async () => {
    const lines: Array<Omit<TraceEntry, 'time'>> = [];
    const acc = account('alice-pw', lines, 'ok');
    try {
      await acc.connect();
      const opened = await acc.openFolder('INBOX');
      assert.ok(opened.total >= 0);
    } finally {
      await acc.close();
    }
    const auth = lines.findIndex((l) => l.dir === 'C' && /^\S+ AUTHENTICATE PLAIN\b/.test(l.text));
    assert.ok(auth >= 0, 'AUTHENTICATE PLAIN sent');
    const tag = lines[auth]!.text.split(' ')[0]!;
    const done = lines.findIndex((l, i) => i > auth && l.dir === 'S' && l.text.startsWith(`${tag} OK`));
    assert.ok(done > auth, 'the login was accepted');
    const between = lines.slice(auth + 1, done);
    assert.deepEqual(
      between.filter((l) => l.dir === 'S' && l.text.startsWith('+')).map((l) => l.text),
      [],
      'no continuation request: the credentials went with the command',
    );
    assert.deepEqual(
      between.filter((l) => l.dir === 'C').map((l) => l.text),
      [],
      'nothing sent between the command and its answer',
    );
    const text = lines.map((l) => l.text).join('\n');
    const secret = Buffer.from('\x00alice\x00alice-pw').toString('base64');
    assert.ok(!text.includes('alice-pw'), 'password in the trace');
    assert.ok(!text.includes(secret) && !text.includes(secret.slice(0, 12)), 'encoded credentials in the trace');
  });

  test('a wrong password is a refused login, and nothing more is sent', async () => {
    const lines: Array<Omit<TraceEntry, 'time'>> = [];
    const acc = account('not-the-password', lines, 'wrong');
    try {
      await assert.rejects(acc.connect(), (err: unknown) => err instanceof AccountError && err.kind === 'auth');
    } finally {
      await acc.close();
    }
    const auth = lines.filter((l) => l.dir === 'C' && /AUTHENTICATE/.test(l.text));
    assert.equal(auth.length, 1, auth.map((l) => l.text).join(' | '));
    assert.ok(!lines.some((l) => l.text.includes('not-the-password')));
  });
});
