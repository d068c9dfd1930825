// Shared set-up for the IMAP integration tests: account configs pointing at the private Dovecot,
// a throw-away data dir, and an independent imapflow connection ("another device") used to
// prepare mailboxes and to check what the server really holds.
import { ImapFlow } from 'imapflow';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AccountConfig } from '../../../src/config/types.js';
import type { DovecotServer } from '../../helpers/dovecot.js';
import { ImapAccount, type ImapTuning } from '../../../src/accounts/imap/imap-account.js';
import type { AccountEvent } from '../../../src/accounts/account.js';

export function accountConfig(server: DovecotServer, overrides: Partial<AccountConfig> = {}): AccountConfig {
  return {
    name: 'test',
    protocol: 'imap',
    host: server.host,
    port: server.ports.imap,
    security: 'starttls',
    user: 'alice',
    ca: server.caFile,
    ...overrides,
  };
}

export interface TestAccount {
  account: ImapAccount;
  events: AccountEvent[];
  dataDir: string;
  passwordRequests: () => number;
  dispose(): Promise<void>;
}

export async function makeAccount(config: AccountConfig, password = 'alice-pw', dataDir?: string, tuning: Partial<ImapTuning> = {}): Promise<TestAccount> {
  const dir = dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'tmail-imap-')));
  let requests = 0;
  const account = new ImapAccount(
    config,
    {
      getPassword: async () => {
        requests++;
        return password;
      },
      dataDir: path.join(dir, 'data'),
    },
    tuning,
  );
  const events: AccountEvent[] = [];
  account.onEvent((e) => events.push(e));
  return {
    account,
    events,
    dataDir: path.join(dir, 'data'),
    passwordRequests: () => requests,
    dispose: async () => {
      await account.close();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A second, independent client (as another device would be), over implicit TLS. */
export async function otherDevice(server: DovecotServer, user = 'alice', pass = 'alice-pw'): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: server.host,
    port: server.ports.imaps,
    secure: true,
    auth: { user, pass },
    logger: false,
    tls: { ca: await readFile(server.caFile, 'utf8') },
    disableAutoIdle: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export function rawMessage(n: number, opts: { subject?: string; date?: Date; attachment?: boolean } = {}): string {
  const date = opts.date ?? new Date(Date.UTC(2024, 0, 1) + n * 60_000);
  const subject = opts.subject ?? `Message ${n}`;
  const head = [
    `From: Sender ${n} <sender${n}@example.org>`,
    'To: Alice <alice@example.org>',
    `Subject: ${subject}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <msg-${n}@example.org>`,
    'MIME-Version: 1.0',
  ];
  if (!opts.attachment) {
    return [...head, 'Content-Type: text/plain; charset=utf-8', '', `Body of message ${n}.`, ''].join('\r\n');
  }
  return [
    ...head,
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of message ${n}.`,
    '--b1',
    'Content-Type: application/pdf; name="report.pdf"',
    'Content-Disposition: attachment; filename="report.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0xLjQK',
    '--b1--',
    '',
  ].join('\r\n');
}

/** Appends messages 1..count (ascending date) to `folder`; returns their UIDs. */
export async function appendMessages(client: ImapFlow, folder: string, count: number, first = 1): Promise<number[]> {
  const uids: number[] = [];
  for (let n = first; n < first + count; n++) {
    const res = await client.append(folder, rawMessage(n, { attachment: n % 5 === 0 }), [], new Date(Date.UTC(2024, 0, 1) + n * 60_000));
    if (!res || res.uid === undefined) throw new Error('APPEND returned no UID');
    uids.push(res.uid);
  }
  return uids;
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
