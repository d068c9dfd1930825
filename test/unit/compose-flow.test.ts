// The compose screens' behaviour without rendering: ComposeFlow with a fake account, an "editor"
// script, and a real SMTP sink on loopback. Send failure keeps the draft and the screen, retry
// sends; postpone stores a \Draft copy; cancel asks first; a crashed session's draft is offered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { MailAccount } from '../../src/accounts/account.js';
import type { Flag } from '../../src/domain/index.js';
import type { AccountConfig } from '../../src/config/types.js';
import { AddressCompleter } from '../../src/compose/address-completion.js';
import { ComposeFlow, type ComposeView } from '../../src/compose/ui-flow.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { composeKey } from '../../src/ui/state/compose-keys.js';

const keyTable = buildKeyTable();
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { passwordCredentials } from '../../src/auth/credentials.js';

let sink: SmtpSink;
let dir: string;

before(async () => {
  sink = await startSmtpSink();
  dir = await mkdtemp(join(tmpdir(), 'tmail-flow-'));
  // The "editor": fills To and Subject when empty and writes a line of text.
  await writeFile(
    join(dir, 'edit.sh'),
    [
      '#!/bin/sh',
      'sed -i -e "s/^To: *$/To: Bob <bob@example.org>/" -e "s/^Subject: *$/Subject: Flow test/" "$1"',
      'printf "typed by the editor\\n" >> "$1"',
      '',
    ].join('\n'),
  );
  await chmod(join(dir, 'edit.sh'), 0o755);
  // Another "editor": the same, but writes on the first line of the body, above a signature.
  await writeFile(
    join(dir, 'edit-top.sh'),
    [
      '#!/bin/sh',
      'grep -q "^typed at the top" "$1" && exit 0',
      'sed -i -e "s/^To: *$/To: Bob <bob@example.org>/" -e "s/^Subject: *$/Subject: Flow test/" -e "0,/^$/s//\\ntyped at the top/" "$1"',
      '',
    ].join('\n'),
  );
  await chmod(join(dir, 'edit-top.sh'), 0o755);
});

after(async () => {
  await sink.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Stored {
  folder: string;
  raw: Buffer;
  flags: Flag[];
}

function fakeAccount(stored: Stored[], flagged: string[]): MailAccount {
  const original = 'From: Carol <carol@example.org>\r\nTo: alice@example.test\r\nSubject: Question\r\nMessage-ID: <q@example.org>\r\n\r\nWhy?\r\n';
  return {
    name: 'fake',
    protocol: 'imap',
    capabilities: {
      serverFlags: true,
      serverFolders: true,
      serverSearch: true,
      push: false,
      mailLocation: 'server',
      downloadsMail: false,
      sortOrders: ['arrival'],
    },
    connect: async () => undefined,
    close: async () => undefined,
    listFolders: async () => [],
    openFolder: async () => {
      throw new Error('unused');
    },
    fetchWindow: async () => [],
    fetchSummaries: async () => [],
    fetchRaw: async () => Readable.from([Buffer.from(original)]),
    addFlags: async (path, uids, flags) => void flagged.push(`${path}:${uids.join(',')}:${flags.join(' ')}`),
    removeFlags: async () => undefined,
    deleteMessages: async (path, uids, o) => void flagged.push(`delete ${path}:${uids.join(',')}:${JSON.stringify(o)}`),
    moveMessages: async () => undefined,
    copyMessages: async () => undefined,
    search: async () => [],
    onEvent: () => () => undefined,
    appendMessage: async (folder, raw, flags) => void stored.push({ folder, raw, flags }),
    specialFolder: async (use) => (use === 'sent' ? 'Sent Items' : 'Drafts'),
  };
}

function setup(name: string, over: Partial<AccountConfig> = {}, addresses?: AddressCompleter, editor = 'edit.sh') {
  const stored: Stored[] = [];
  const flagged: string[] = [];
  const views: (ComposeView | undefined)[] = [];
  const notices: string[] = [];
  const failures: string[] = [];
  const sent: unknown[] = [];
  let suspended = 0;
  const config: AccountConfig = {
    name,
    protocol: 'imap',
    host: '127.0.0.1',
    port: 1,
    security: 'tls',
    user: 'alice',
    email: 'alice@example.test',
    smtp: { host: sink.host, port: sink.port, security: 'starttls', user: sink.user, ca: sink.caFile, from: 'Alice <alice@example.test>' },
    ...over,
  };
  const dataDir = join(dir, name);
  const account = fakeAccount(stored, flagged);
  const flow = new ComposeFlow(
    {
      suspend: async (fn) => {
        suspended++;
        return fn();
      },
      env: { PATH: process.env.PATH, EDITOR: join(dir, editor) },
      account: (i) => (i === 0 ? { config, smtpCredentials: passwordCredentials(sink.user, async () => sink.password), dataDir } : undefined),
      ...(addresses ? { addresses } : {}),
    },
    {
      setView: (v) => views.push(v),
      notify: (t) => notices.push(t),
      fail: (e, c) => failures.push(`${c ?? ''}${e instanceof Error ? e.message : String(e)}`),
      account: async () => account,
      afterSend: (i, original) => sent.push({ i, original }),
    },
  );
  const last = () => views.at(-1);
  // Keys go through the key table, as in the UI.
  const key = (text: string, spec = text) => composeKey(flow, keyTable, { spec, text });
  const drafts = async () => (existsSync(join(dataDir, 'drafts')) ? (await readdir(join(dataDir, 'drafts'))).filter((n) => n.endsWith('.eml')) : []);
  const until = async (pred: () => boolean, what: string) => {
    for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(pred(), `timed out waiting for ${what}; last view: ${JSON.stringify(last())}`);
  };
  const draftText = async () => readFile(join(dataDir, 'drafts', (await drafts())[0]!), 'utf8');
  return { flow, stored, flagged, views, notices, failures, sent, last, key, drafts, draftText, until, suspended: () => suspended };
}

test('reply: editor under suspend, confirm view, refused send keeps draft + screen, retry sends, \\Answered + Sent copy', async () => {
  const t = setup('reply');
  await t.flow.start('reply', 0, { path: 'INBOX', uid: 7 });
  assert.equal(t.suspended(), 1, 'the editor ran with the UI suspended');
  const v = t.last()!;
  assert.equal(v.title, 'Reply');
  assert.equal(v.to, 'Carol <carol@example.org>');
  assert.equal(v.subject, 'Re: Question');
  assert.equal((await t.drafts()).length, 1);

  sink.failNext = 'Mailbox full';
  const before = sink.received.length;
  t.key('s');
  assert.equal(t.last()!.busy, 'Sending…');
  t.key('q'); // ignored while busy
  await t.until(() => !t.last()?.busy, 'the failed send');
  assert.match(t.last()!.error!, /^Not sent: .*Mailbox full.* the draft is kept; s to retry/);
  assert.equal(sink.received.length, before);
  assert.equal((await t.drafts()).length, 1, 'draft still on disk');

  t.key('s');
  await t.until(() => t.last() === undefined, 'the confirm screen to close');
  assert.equal(sink.received.length, before + 1);
  assert.match(sink.received.at(-1)!.raw.toString(), /typed by the editor/);
  assert.deepEqual(t.notices, ['Sent to 1 recipient(s), copy in Sent Items']);
  assert.deepEqual(
    t.stored.map((s) => [s.folder, s.flags]),
    [['Sent Items', ['\\Seen']]],
  );
  assert.deepEqual(t.flagged, ['INBOX:7:\\Answered']);
  assert.deepEqual(t.sent, [{ i: 0, original: { path: 'INBOX', uid: 7 } }]);
  assert.deepEqual(await t.drafts(), [], 'draft removed once sent and filed');
});

test('new message: attach (missing file explained, real file added), postpone to Drafts with \\Draft', async () => {
  const t = setup('postpone');
  await t.flow.start('new', 0);
  assert.equal(t.last()!.to, 'Bob <bob@example.org>');
  t.key('a');
  for (const ch of join(dir, 'missing.txt')) t.key(ch);
  t.key('', 'enter');
  await t.until(() => !!t.last()?.error, 'attach error');
  assert.match(t.last()!.error!, /missing\.txt does not exist/);
  await writeFile(join(dir, 'real.txt'), 'data');
  t.key('a');
  for (const ch of join(dir, 'real.txt')) t.key(ch);
  t.key('', 'enter');
  await t.until(() => t.last()?.attachments.length === 1, 'attachment listed');
  t.key('p');
  await t.until(() => t.last() === undefined, 'postponed');
  assert.deepEqual(
    t.stored.map((s) => [s.folder, s.flags]),
    [['Drafts', ['\\Draft', '\\Seen']]],
  );
  assert.match(t.stored[0]!.raw.toString(), /real\.txt/);
  assert.deepEqual(t.notices, ['Draft saved in Drafts']);
  assert.deepEqual(await t.drafts(), []);
});

test('cancel asks first; any key but y keeps the draft; a draft left by a crash is offered on the next c', async () => {
  const t = setup('cancel');
  await t.flow.start('new', 0);
  t.key('q');
  assert.equal(t.last()!.confirmDiscard, true);
  t.key('n');
  assert.equal(t.last()!.confirmDiscard, false);
  assert.equal((await t.drafts()).length, 1);

  // As if tmail died here: a new flow (new process) finds the draft and offers it.
  const again = setup('cancel');
  await again.flow.start('new', 0);
  assert.ok(again.last()!.resume, 'resume offered');
  again.key('r');
  await again.until(() => !!again.last() && !again.last()!.resume && again.last()!.to !== '', 'resumed draft');
  assert.equal((await again.drafts()).length, 1, 'the same draft, not a second one');
  again.key('c');
  again.key('y');
  await again.until(() => again.last() === undefined, 'discarded');
  assert.deepEqual(await again.drafts(), []);
  assert.deepEqual(again.notices, ['Draft discarded']);
});

test('no smtp block: said once, before the editor opens; nothing written', async () => {
  const t = setup('no-smtp', { smtp: undefined });
  await t.flow.start('new', 0);
  await t.flow.start('reply', 0, { path: 'INBOX', uid: 7 });
  assert.equal(t.suspended(), 0, 'the editor never ran');
  assert.deepEqual(t.views, [], 'no compose screen');
  assert.deepEqual(await t.drafts(), []);
  assert.equal(t.failures.length, 2);
  for (const n of t.failures) {
    assert.equal(n, 'No "smtp" block: account no-smtp cannot send mail; add one to it in config.json (README, "Writing mail")');
    assert.equal(n.split('"smtp"').length, 2, 'said once in the line');
  }
  assert.deepEqual(t.notices, []);
});

test('To prompt: Tab completes the last address from seen addresses, Tab again cycles, Enter sets it; a bad address is refused', async () => {
  const addresses = new AddressCompleter({ dataDir: join(dir, 'book'), env: {} });
  await addresses.record([{ address: 'carol@example.org', name: 'Carol' }]);
  await addresses.record([{ address: 'carol@example.org', name: 'Carol' }]);
  await addresses.record([{ address: 'carl@example.org', name: 'Carl' }]);
  try {
    const t = setup('complete', {}, addresses);
    await t.flow.start('new', 0);
    t.key('t');
    assert.deepEqual(t.last()!.prompt, { label: 'To: ', value: 'Bob <bob@example.org>', field: 'to', hint: '(Tab completes, Enter sets, Esc cancels)' });
    for (const ch of ', ca') t.key(ch);
    t.key('', 'tab');
    await t.until(() => t.last()?.prompt?.value === 'Bob <bob@example.org>, Carol <carol@example.org>', 'first candidate');
    assert.match(t.last()!.prompt!.hint!, /Tab 1\/2/);
    t.key('', 'tab');
    await t.until(() => t.last()?.prompt?.value === 'Bob <bob@example.org>, Carl <carl@example.org>', 'second candidate');
    t.key('', 'tab');
    await t.until(() => t.last()?.prompt?.value === 'Bob <bob@example.org>, Carol <carol@example.org>', 'cycled back');
    t.key('', 'enter');
    await t.until(() => t.last()?.to === 'Bob <bob@example.org>, Carol <carol@example.org>', 'To set');
    assert.match(await t.draftText(), /^To: Bob <bob@example.org>, Carol <carol@example.org>$/m);
    // Nothing matches: said in the prompt, value unchanged.
    t.key('b');
    for (const ch of 'zz') t.key(ch);
    t.key('', 'tab');
    await t.until(() => /no address found for "zz"/.test(t.last()?.prompt?.hint ?? ''), 'no match said');
    assert.equal(t.last()!.prompt!.value, 'zz');
    t.key('', 'enter');
    await t.until(() => !!t.last()?.error, 'bad Bcc refused');
    assert.match(t.last()!.error!, /Bcc: "zz" is not an e-mail address/);
    assert.doesNotMatch(await t.draftText(), /zz/);
  } finally {
    await addresses.close();
  }
});

const IDENTITIES = [
  { from: 'Alice <alice@example.test>', signature: 'Alice\nat work' },
  { from: 'Alice at the club <alice@club.example>', signature: 'Club Alice' },
];

test('identities: a signature the user wrote under is left alone when switching, and that is said', async () => {
  const t = setup('ids-edited', { identities: IDENTITIES });
  await t.flow.start('new', 0);
  t.key('f');
  await t.until(() => t.last()?.from === 'Alice at the club <alice@club.example>', 'switched');
  assert.match(t.last()!.error!, /signature was edited, so it was left as it is/);
  assert.match(await t.draftText(), /\n-- \nAlice\nat work\ntyped by the editor\n$/);
});

test('identities: new mail from the first with its signature; f switches From and swaps the signature; sent once, signature once', async () => {
  const t = setup('ids', { identities: IDENTITIES }, undefined, 'edit-top.sh');
  await t.flow.start('new', 0);
  assert.equal(t.last()!.from, 'Alice <alice@example.test>');
  assert.match(await t.draftText(), /\n-- \nAlice\nat work\n/);
  t.key('f');
  await t.until(() => t.last()?.from === 'Alice at the club <alice@club.example>', 'switched');
  const text = await t.draftText();
  assert.match(text, /\n-- \nClub Alice\n$/);
  assert.doesNotMatch(text, /at work/);
  t.key('e'); // editing again adds no second signature
  await t.until(() => t.suspended() === 2 && !t.last()?.busy, 'edited again');
  const before = sink.received.length;
  t.key('s');
  await t.until(() => t.last() === undefined, 'sent');
  const raw = sink.received[before]!.raw.toString();
  assert.match(raw, /^From: Alice at the club <alice@club.example>/m);
  assert.equal(raw.split('Club Alice').length, 2, 'one signature');
  assert.equal(sink.received[before]!.from, 'alice@club.example');
});

test('E on a message in Drafts: edited, sent, and that draft deleted for good; E elsewhere ("edit as new") leaves the original', async () => {
  const t = setup('edit-draft');
  await t.flow.start('draft', 0, { path: 'Drafts', uid: 3 });
  assert.equal(t.last()!.title, 'Draft');
  assert.equal(t.last()!.to, 'alice@example.test', 'the recipients of the message come back');
  t.key('s');
  await t.until(() => t.last() === undefined, 'sent');
  assert.deepEqual(t.flagged, ['delete Drafts:3:{"skipTrash":true}']);

  const u = setup('edit-as-new');
  await u.flow.start('draft', 0, { path: 'INBOX', uid: 7 });
  u.key('s');
  await u.until(() => u.last() === undefined, 'sent');
  assert.deepEqual(u.flagged, [], 'nothing deleted, nothing flagged');
  assert.equal(u.notices.length, 1);
});
