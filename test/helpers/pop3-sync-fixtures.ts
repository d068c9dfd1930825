// Shared checks for the POP3 sync tests: what the server still holds and whether the local Maildir
// holds exactly the generated messages (by Message-ID, byte for byte, no duplicates).
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccountConfig } from '../../src/config/types.js';
import { Pop3Client } from '../../src/accounts/pop3/client.js';
import { tlsOptions } from '../../src/accounts/security.js';
import type { Maildir } from '../../src/store/maildir.js';
import type { DovecotServer } from './dovecot.js';
import type { GeneratedMessage } from './maildir-generator.js';

export function pop3Config(server: DovecotServer, user: string, extra: Partial<AccountConfig> = {}): AccountConfig {
  return { name: user, protocol: 'pop3', host: server.host, port: server.ports.pop3s, security: 'tls', user, ca: server.caFile, ...extra };
}

/** Number of messages the server holds for `user`, asked over a fresh POP3 session. */
export async function serverCount(server: DovecotServer, user: string, password: string): Promise<number> {
  const config = pop3Config(server, user);
  const c = await Pop3Client.connect({ host: server.host, port: config.port, security: 'tls', tls: tlsOptions(config) });
  await c.login({ user, password });
  const { count } = await c.stat();
  await c.quit();
  return count;
}

export function messageIdOf(data: Buffer): string | undefined {
  const head = data
    .subarray(0, Math.max(0, data.indexOf('\n\n')) || data.length)
    .toString('latin1')
    .replace(/\n[ \t]+/g, ' ');
  return /^message-id:\s*(<[^>]*>)/im.exec(head)?.[1];
}

/** Every local INBOX message, keyed by Message-ID; fails on a duplicate. */
export async function localMessages(maildir: Maildir): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const root = maildir.folderPath('INBOX');
  for (const sub of ['new', 'cur']) {
    for (const name of await readdir(join(root, sub))) {
      const data = await readFile(join(root, sub, name));
      const id = messageIdOf(data);
      assert.ok(id, `local file ${name} has no Message-ID`);
      assert.ok(!out.has(id), `duplicate in the local Maildir: ${id}`);
      out.set(id, data);
    }
  }
  return out;
}

/** Bytes of the generated messages, read before a sync removes them from the server. */
export async function snapshot(messages: GeneratedMessage[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const m of messages) out.set(m.messageId, await readFile(m.file));
  return out;
}

/** The local Maildir holds exactly `expected` (no loss, no duplicate), byte for byte. */
export async function assertExactly(maildir: Maildir, expected: Map<string, Buffer>): Promise<void> {
  const local = await localMessages(maildir);
  for (const id of expected.keys()) assert.ok(local.has(id), `lost: ${id}`);
  assert.equal(local.size, expected.size, `local has ${local.size} messages, expected ${expected.size}`);
  for (const [id, want] of expected) assert.ok(local.get(id)!.equals(want), `body differs for ${id}`);
}
