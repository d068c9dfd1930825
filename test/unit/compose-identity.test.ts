// Identities: config validation, which From a reply uses, the switch order, and signatures (file or
// text, sanitized, "-- " line, added once, swapped not stacked).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/errors.js';
import { validateConfig } from '../../src/config/validate.js';
import type { AccountConfig } from '../../src/config/types.js';
import { identitiesOf, identityOf, nextIdentity, replyIdentity } from '../../src/compose/identity.js';
import { addSignature, readSignature, swapSignature } from '../../src/compose/signature.js';
import type { ParsedMessage } from '../../src/mime/types.js';

const base = { name: 'work', protocol: 'imap', host: 'h', user: 'alice' };
const validate = (raw: unknown) => validateConfig(raw, { file: 'config.json', baseDir: '/cfg', home: '/home/u' });
function problems(raw: unknown): string[] {
  try {
    validate(raw);
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
}

test('config: identities validated field by field; signatureFile resolved like ca; addressBookCommand at the top', () => {
  const { config, warnings } = validate({
    addressBookCommand: "khard email --parsable '%s'",
    accounts: [
      {
        ...base,
        identities: [
          { from: 'Alice <alice@work.example>', signature: 'Alice\nWork' },
          { from: 'alice@club.example', signatureFile: '~/.sig-club', sigfile: 'x' },
        ],
      },
    ],
  });
  assert.equal(config.addressBookCommand, "khard email --parsable '%s'");
  assert.deepEqual(config.accounts[0]!.identities, [
    { from: 'Alice <alice@work.example>', signature: 'Alice\nWork' },
    { from: 'alice@club.example', signatureFile: '/home/u/.sig-club' },
  ]);
  assert.deepEqual(warnings, ['config.json: account "work" (accounts[0]): unknown field "identities[1].sigfile" is ignored']);
  assert.deepEqual(problems({ accounts: [{ ...base, identities: [] }] }), [
    'config.json: account "work" (accounts[0]): identities must be a non-empty list like [{ "from": "You <you@example.org>" }], got a list',
  ]);
  assert.deepEqual(
    problems({
      accounts: [
        { ...base, identities: [{ from: 'not an address' }, { signature: 'x' }, { from: 'a@b.c', signature: 's', signatureFile: 'f' }, { from: 'A <A@B.C>' }] },
      ],
    }),
    [
      'config.json: account "work" (accounts[0]): identities[0].from must be an address like "Your Name <you@example.org>" or "you@example.org", got "not an address"',
      'config.json: account "work" (accounts[0]): identities[1].from is missing',
      'config.json: account "work" (accounts[0]): identities[2].signature and signatureFile are both set; keep only one of them',
      'config.json: account "work" (accounts[0]): identities[3].from repeats the address a@b.c; each identity needs its own address',
    ],
  );
  assert.deepEqual(problems({ addressBookCommand: 7, accounts: [] }), ['config.json: addressBookCommand must be a non-empty string, got 7']);
});

const config: AccountConfig = {
  name: 'work',
  protocol: 'imap',
  host: 'h',
  port: 993,
  security: 'tls',
  user: 'alice',
  email: 'alice@example.test',
  identities: [{ from: 'Alice <alice@work.example>' }, { from: 'Alice (club) <alice@club.example>' }, { from: 'lists@alice.example' }],
};

function original(over: Partial<ParsedMessage>): ParsedMessage {
  return {
    from: [{ name: 'Carol', address: 'carol@example.org' }],
    to: [],
    cc: [],
    replyTo: [],
    subject: 'Hi',
    references: [],
    headerLines: [],
    bodyText: 'hello\n',
    bodySource: 'plain',
    attachments: [],
    warnings: [],
    ...over,
  };
}

test('a reply goes out from the identity the original was sent to: To, then Cc, then Delivered-To; else the first', () => {
  assert.equal(replyIdentity(config, original({ to: [{ name: '', address: 'ALICE@club.example' }] })).from, 'Alice (club) <alice@club.example>');
  assert.equal(
    replyIdentity(config, original({ to: [{ name: '', address: 'x@list.example' }], cc: [{ name: '', address: 'lists@alice.example' }] })).from,
    'lists@alice.example',
  );
  const viaList = original({
    to: [{ name: '', address: 'list@lists.example' }],
    headerLines: ['Delivered-To: alice@club.example', 'X-Original-To: <lists@alice.example>'],
  });
  assert.equal(replyIdentity(config, viaList).from, 'Alice (club) <alice@club.example>');
  assert.equal(replyIdentity(config, original({ to: [{ name: '', address: 'someone@else.example' }] })).from, 'Alice <alice@work.example>');
  // Without identities the one From is the old default (smtp.from, email, user).
  assert.deepEqual(identitiesOf({ ...config, identities: undefined }), [{ from: 'alice@example.test' }]);
});

test('every identity counts as self for reply-all; the switch key cycles through them', () => {
  const me = identityOf(config, 'lists@alice.example');
  assert.equal(me.from, 'lists@alice.example');
  assert.deepEqual(me.addresses.sort(), ['alice@club.example', 'alice@example.test', 'alice@work.example', 'lists@alice.example']);
  assert.equal(nextIdentity(config, 'Alice <alice@work.example>').from, 'Alice (club) <alice@club.example>');
  assert.equal(nextIdentity(config, 'lists@alice.example').from, 'Alice <alice@work.example>');
  assert.equal(nextIdentity(config, 'Somebody <typed@by.hand>').from, 'Alice <alice@work.example>');
});

test('signatures: from a file (a leading "-- " line dropped, controls stripped) or text; added once; swapped, not stacked', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-sig-'));
  try {
    await writeFile(join(dir, 'sig'), '-- \r\nAlice\x1b]0;evil\x07 Club\r\n\r\n');
    const club = await readSignature({ from: 'a@b.c', signatureFile: join(dir, 'sig') });
    assert.equal(club, 'Alice Club');
    assert.equal(await readSignature({ from: 'a@b.c', signature: '\nAlice\nWork  \n' }), 'Alice\nWork');
    await assert.rejects(readSignature({ from: 'a@b.c', signatureFile: join(dir, 'missing') }), /signature file .*missing of a@b\.c cannot be read \(ENOENT\)/);

    const once = addSignature('\n\n> quoted\n', 'Alice\nWork');
    assert.equal(once, '\n\n> quoted\n\n-- \nAlice\nWork\n');
    assert.equal(addSignature(once, 'Alice\nWork'), once, 'not added twice');
    assert.equal(addSignature('', 'S'), '\n\n-- \nS\n');

    const swapped = swapSignature(`Text\n${once}`, 'Alice\nWork', 'Alice Club');
    assert.deepEqual(swapped, { body: 'Text\n\n\n> quoted\n\n-- \nAlice Club\n', replaced: true });
    assert.deepEqual(swapSignature(swapped.body, 'Alice Club', ''), { body: 'Text\n\n\n> quoted\n', replaced: true });
    assert.deepEqual(swapSignature('Text\n', '', 'New'), { body: 'Text\n\n-- \nNew\n', replaced: true });
    const edited = 'Text\n\n-- \nAlice (edited)\n';
    assert.deepEqual(swapSignature(edited, 'Alice\nWork', 'Alice Club'), { body: edited, replaced: false }, 'an edited signature is left alone');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
