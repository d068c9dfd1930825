// Canaries: tmail leans on a few undocumented internals of its libraries (each pinned to an exact
// version in package.json). One test per internal fails loudly, naming the internal and the file
// that uses it, when an upgrade changes it — rather than tmail silently losing a feature.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { MailParser } from 'mailparser';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { Text, render, useStdin } from 'ink';
import React from 'react';

const changed = (internal: string, usedBy: string, detail: string) =>
  `LIBRARY INTERNAL CHANGED: ${internal} (used by ${usedBy}) — ${detail}. Check the upgrade's changes, adapt ${usedBy}, then this canary.`;

const offlineClient = () => new ImapFlow({ host: '127.0.0.1', port: 9, secure: false, auth: { user: 'u', pass: 'p' }, logger: false });

test('imapflow: the private command runner `run(command, ...args)` (sendIdOnce and plainWithInitialResponse wrap it)', () => {
  const client = offlineClient() as unknown as { run?: unknown };
  assert.equal(
    typeof client.run,
    'function',
    changed('imapflow ImapFlow#run', 'src/accounts/imap/connect-options.ts sendIdOnce, plain-initial-response.ts', 'it is no longer a method'),
  );
  assert.equal(
    (client.run as (...a: unknown[]) => unknown).length >= 1,
    true,
    changed('imapflow ImapFlow#run', 'src/accounts/imap/connect-options.ts', 'it takes no command argument'),
  );
});

test('imapflow: `write(data)` and the `authCapabilities` Map (plainWithInitialResponse answers a continuation and records the mechanism)', () => {
  const client = offlineClient() as unknown as { write?: unknown; authCapabilities?: unknown };
  const usedBy = 'src/accounts/imap/plain-initial-response.ts';
  assert.equal(typeof client.write, 'function', changed('imapflow ImapFlow#write', usedBy, 'it is no longer a method'));
  assert.ok(client.authCapabilities instanceof Map, changed('imapflow ImapFlow#authCapabilities', usedBy, 'not a Map'));
});

test('imapflow: the command table `commands` (a Map) and `exec(command, attributes, { untagged })` (SORT/THREAD in raw-command.ts, AUTHENTICATE PLAIN in plain-initial-response.ts)', () => {
  const client = offlineClient() as unknown as { commands?: unknown; exec?: unknown };
  assert.ok(client.commands instanceof Map, changed('imapflow ImapFlow#commands', 'src/accounts/imap/raw-command.ts', 'not a Map of command handlers'));
  assert.ok(
    (client.commands as Map<string, unknown>).has('SEARCH'),
    changed('imapflow ImapFlow#commands', 'src/accounts/imap/raw-command.ts', 'built-in commands are not registered in it'),
  );
  assert.equal(typeof client.exec, 'function', changed('imapflow ImapFlow#exec', 'src/accounts/imap/raw-command.ts', 'it is no longer a method'));
});

test("imapflow: a server that never greets fails with code 'GREETING_TIMEOUT' (the wrong-protocol probe keys on it)", async () => {
  const sockets = new Set<Socket>();
  const server = createServer((s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: 'u', pass: 'p' }, logger: false, greetingTimeout: 300 });
  client.on('error', () => undefined);
  try {
    const err = await client.connect().then(
      () => undefined,
      (e: unknown) => e as { code?: string },
    );
    assert.equal(
      err?.code,
      'GREETING_TIMEOUT',
      changed('imapflow error code GREETING_TIMEOUT', 'src/accounts/imap/imap-account.ts otherProtocolError', `got ${String(err?.code)}`),
    );
  } finally {
    client.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('mailparser: the undocumented part tree `MailParser#tree` (contentType, children, node.charset) read by structure-warnings.ts', async () => {
  const raw = ['Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=x-odd', '', 'hello', '--b--', ''].join('\r\n');
  const parser = new MailParser();
  parser.on('data', (d: { type: string; release?: () => void }) => d.release?.());
  await new Promise<void>((resolve, reject) => {
    parser.on('end', resolve).on('error', reject);
    Readable.from([Buffer.from(raw)]).pipe(parser);
  });
  const tree = (parser as unknown as { tree?: { contentType?: unknown; children?: Array<{ contentType?: unknown; node?: { charset?: unknown } }> } }).tree;
  const where = 'src/mime/mime-walk.ts and src/mime/structure-warnings.ts';
  assert.ok(tree && typeof tree === 'object', changed('mailparser MailParser#tree', where, 'there is no tree'));
  assert.equal(tree.contentType, 'multipart/mixed', changed('mailparser tree.contentType', where, 'not the part type string'));
  assert.ok(Array.isArray(tree.children) && tree.children.length === 1, changed('mailparser tree.children', where, 'not an array of parts'));
  assert.equal(tree.children[0]?.contentType, 'text/plain', changed('mailparser tree.children[].contentType', where, 'not the part type string'));
  assert.equal(tree.children[0]?.node?.charset, 'x-odd', changed('mailparser tree.children[].node.charset', where, 'the declared charset is not there'));
});

test('nodemailer: the deep import `nodemailer/lib/addressparser` (drafts and header summaries)', () => {
  const where = 'src/compose/draft.ts and src/store/header-summary.ts';
  assert.equal(typeof addressparser, 'function', changed('nodemailer/lib/addressparser', where, 'the default export is not a function'));
  const parsed = addressparser('Alice <alice@example.org>, bob@example.org') as Array<{ name: string; address: string }>;
  assert.deepEqual(
    parsed,
    [
      { name: 'Alice', address: 'alice@example.org' },
      { name: '', address: 'bob@example.org' },
    ],
    changed('nodemailer/lib/addressparser', where, 'its result shape changed'),
  );
});

test('nodemailer: the deep import `nodemailer/lib/mail-composer` (building outgoing messages)', async () => {
  const where = 'src/compose/build-message.ts';
  assert.equal(typeof MailComposer, 'function', changed('nodemailer/lib/mail-composer', where, 'the default export is not a class'));
  const built = await new MailComposer({ from: 'a@example.org', to: 'b@example.org', subject: 'hi', text: 'body' }).compile().build();
  assert.ok(
    Buffer.isBuffer(built) && /^Subject: hi$/m.test(built.toString()),
    changed('nodemailer/lib/mail-composer', where, 'compile().build() no longer yields the message'),
  );
});

let inkEmitter: unknown;
function InkProbe() {
  inkEmitter = useStdin().internal_eventEmitter;
  return React.createElement(Text, null, 'x');
}

test("ink: useStdin().internal_eventEmitter emits every raw 'input' (function keys in App.tsx)", async () => {
  const stdout = Object.assign(new PassThrough(), { columns: 80, rows: 24, isTTY: false });
  const stdin = Object.assign(new PassThrough(), { isTTY: false, setRawMode: () => undefined, ref: () => undefined, unref: () => undefined });
  const app = render(React.createElement(InkProbe), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  try {
    const e = inkEmitter as { on?: unknown; off?: unknown } | undefined;
    const where = 'src/ui/components/App.tsx';
    assert.ok(
      e && typeof e.on === 'function' && typeof e.off === 'function',
      changed('ink useStdin().internal_eventEmitter', where, 'it is gone or not an EventEmitter'),
    );
  } finally {
    app.unmount();
  }
});
