// What the IMAP message list says matches what the server holds: a message whose only attachment
// is a forwarded message/rfc822 carries the attachment mark; on a server with SORT but without
// SORT=DISPLAY (hidden with imap_capability) "from" sorts by address, and the account says so.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { accountConfig, makeAccount, otherDevice } from './support/imap-fixtures.js';

const FORWARD_ONLY = [
  'From: Fwd <fwd@example.org>',
  'To: alice@example.test',
  'Subject: only a forwarded message',
  'Date: Mon, 01 Jan 2024 10:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary=X',
  '',
  '--X',
  'Content-Type: text/plain',
  '',
  'see the message below',
  '--X',
  'Content-Type: message/rfc822',
  '',
  'From: Inner <inner@example.org>',
  'Subject: the original',
  'Content-Type: text/plain',
  '',
  'inner body',
  '--X--',
  '',
].join('\r\n');

const PLAIN_MULTIPART = FORWARD_ONLY.replace('only a forwarded message', 'no attachment').replace(
  /--X\r\nContent-Type: message\/rfc822[\s\S]*--X--/,
  '--X\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--X--',
);

const fromMessage = (name: string, address: string, n: number) =>
  `From: ${name} <${address}>\r\nTo: alice@example.test\r\nSubject: s${n}\r\nDate: Mon, 01 Jan 2024 10:0${n}:00 +0000\r\n\r\nbody\r\n`;

describe('IMAP list words against Dovecot', dovecotTestOptions(), () => {
  let server: DovecotServer;
  let noDisplay: DovecotServer | undefined;
  let device: ImapFlow;

  before(async () => {
    server = await startDovecot();
    device = await otherDevice(server);
    await device.append('INBOX', FORWARD_ONLY);
    await device.append('INBOX', PLAIN_MULTIPART);
  });
  after(async () => {
    await device?.logout().catch(() => undefined);
    await server?.stop();
    await noDisplay?.stop();
  });

  test('a forwarded message/rfc822 as the only attachment gets the attachment mark', async () => {
    const t = await makeAccount(accountConfig(server));
    try {
      await t.account.connect();
      await t.account.openFolder('INBOX');
      const rows = await t.account.fetchWindow('INBOX', 0, 10);
      const bySubject = new Map(rows.map((r) => [r.subject, r.hasAttachments]));
      assert.equal(bySubject.get('only a forwarded message'), true);
      assert.equal(bySubject.get('no attachment'), false);
    } finally {
      await t.dispose();
    }
  });

  test('SORT without SORT=DISPLAY: "from" is by address, and the capabilities say so', async () => {
    const caps = [...device.capabilities.keys()].filter((c) => c !== 'SORT=DISPLAY' && !/^(AUTH=|SASL-IR|LOGINDISABLED|STARTTLS)/.test(c));
    assert.ok(caps.includes('SORT'), 'Dovecot offers SORT');
    noDisplay = await startDovecot({ imapCapability: caps.join(' ') });
    const other = await otherDevice(noDisplay);
    try {
      assert.ok(other.capabilities.has('SORT') && !other.capabilities.has('SORT=DISPLAY'), 'SORT=DISPLAY hidden');
      // Names and addresses in opposite orders: by name Adam < Zed, by address alpha < zulu.
      await other.append('INBOX', fromMessage('Zed', 'alpha@example.org', 1));
      await other.append('INBOX', fromMessage('Adam', 'zulu@example.org', 2));
    } finally {
      await other.logout().catch(() => undefined);
    }
    const t = await makeAccount(accountConfig(noDisplay));
    try {
      await t.account.connect();
      assert.equal(t.account.capabilities.fromSort, 'address');
      await t.account.openFolder('INBOX');
      const rows = await t.account.fetchWindow('INBOX', 0, 10, 'from');
      assert.deepEqual(
        rows.map((r) => r.from[0]?.address),
        ['alpha@example.org', 'zulu@example.org'],
      );
    } finally {
      await t.dispose();
    }
    const full = await makeAccount(accountConfig(server));
    try {
      await full.account.connect();
      assert.equal(full.account.capabilities.fromSort, 'name', 'with SORT=DISPLAY the order is by name');
    } finally {
      await full.dispose();
    }
  });
});
