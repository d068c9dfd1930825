// Saved searches (config `searches`): validated with clear lines, listed under their account in
// the folder pane with their match counts, opened like a folder showing the matches, actions on
// rows acting on the real messages. Driven through the controller over a fake backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MailAccount } from '../../src/accounts/account.js';
import { ConfigError } from '../../src/config/errors.js';
import { validateConfig } from '../../src/config/validate.js';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { UiController } from '../../src/ui/state/controller.js';
import type { ControllerOptions } from '../../src/ui/state/controller-options.js';
import { folderRows } from '../../src/ui/state/folder-rows.js';
import { noLoader, until } from '../helpers/ui-controller.js';
import { FakeAccount } from './ui-fake-account.js';

const account = (extra: Record<string, unknown>) => ({ name: 'work', protocol: 'imap', host: 'mail.example.org', user: 'me', ...extra });

test('config: searches per account are checked with clear lines', () => {
  const ok = validateConfig(
    {
      accounts: [
        account({
          searches: [
            { name: 'Unread', query: 'is:unread' },
            { name: 'Boss', query: 'from:boss and since:2026-01-01', folder: 'INBOX' },
          ],
        }),
      ],
    },
    { file: 'config.json', baseDir: '/tmp' },
  );
  assert.deepEqual(ok.config.accounts[0]!.searches, [
    { name: 'Unread', query: 'is:unread' },
    { name: 'Boss', query: 'from:boss and since:2026-01-01', folder: 'INBOX' },
  ]);
  const bad = (searches: unknown): string => {
    try {
      validateConfig({ accounts: [account({ searches })] }, { file: 'config.json', baseDir: '/tmp' });
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.message;
    }
    throw new Error('accepted');
  };
  assert.match(bad('is:unread'), /searches must be a list like \[\{ "name": "Unread", "query": "is:unread" \}\], got string/);
  assert.match(bad([{ name: 'Unread' }]), /searches\[0\]\.query is missing/);
  assert.match(bad([{ name: '', query: 'x' }]), /searches\[0\]\.name must be a non-empty string/);
  assert.match(
    bad([
      { name: 'A', query: 'x' },
      { name: 'a', query: 'y' },
    ]),
    /searches\[1\]\.name repeats "a"/,
  );
  const warned = validateConfig({ accounts: [account({ searches: [{ name: 'A', query: 'x', fodler: 'INBOX' }] })] }, { file: 'config.json', baseDir: '/tmp' });
  assert.match(warned.warnings.join('\n'), /searches\[0\]: unknown field "fodler" is ignored/);
});

function start(acc: FakeAccount, searches: ControllerOptions['accounts'][number]['searches']): UiController {
  const c = new UiController({
    accounts: [{ name: acc.name, protocol: acc.protocol, create: async () => acc as MailAccount, ...(searches ? { searches } : {}) }],
    keys: buildKeyTable(),
    loader: noLoader,
    cols: 100,
    rows: 30,
    onQuit: () => undefined,
    pollMs: 0,
  });
  c.start();
  return c;
}

const key = (c: UiController, ...specs: string[]) => {
  for (const spec of specs) c.handleKey({ spec, text: spec.length === 1 ? spec : '' });
};

for (const protocol of ['imap', 'pop3'] as const) {
  test(`${protocol}: a saved search is a virtual folder with its count; Enter shows the matches; actions act on the real messages`, async () => {
    // The fake's unread messages are the UIDs divisible by 3: 9, 6, 3 of 10.
    const acc = new FakeAccount({ inboxSize: 10, protocol });
    const c = start(acc, [
      { name: 'Unread', query: 'is:unread' },
      { name: 'Old', query: 'is:read', folder: 'Archive' },
      { name: 'Broken', query: 'from:(' },
    ]);
    try {
      await until(() => c.state.accounts[0]!.searches?.[0]?.count === 3, 'the count', c);
      const rows = folderRows(c.state);
      assert.deepEqual(
        rows.slice(0, 5).map((r) => r.kind),
        ['account', 'search', 'search', 'search', 'folder'],
        'saved searches come right under their account',
      );
      assert.match(c.state.accounts[0]!.searches![2]!.error ?? '', /column 1: "from:" needs a value/, 'a bad query is named, not counted');
      assert.equal(c.state.accounts[0]!.searches![2]!.count, undefined);
      // Into the folder pane, onto "Unread", Enter.
      key(c, 'h');
      assert.equal(c.state.focus, 'folders');
      c.store.set({ folderCursor: 1 });
      key(c, 'enter');
      await until(() => c.state.search?.saved === 'Unread', 'the saved search open', c);
      assert.deepEqual(c.state.search!.uids, [9, 6, 3]);
      assert.equal(c.state.current?.path, 'INBOX');
      assert.equal(c.state.focus, 'list');
      await until(() => c.rowAt(0)?.uid === 9, 'the first match listed', c);
      // N on the first match marks the real message 9 read, in INBOX.
      acc.flagCalls.length = 0;
      key(c, 'N');
      await until(() => acc.flagCalls.length === 1, 'flag call', c);
      assert.deepEqual(acc.flagCalls[0], { op: 'add', path: 'INBOX', uids: [9], flags: ['\\Seen'] });
      // The count follows when the folders are refreshed.
      c.poll();
      await until(() => c.state.accounts[0]!.searches?.[0]?.count === 2, 'the count refreshed', c);
      // Esc leaves the saved search for the whole folder.
      key(c, 'esc');
      assert.equal(c.state.search, undefined);
      // A broken query says why instead of opening.
      c.store.set({ focus: 'folders', folderCursor: 3 });
      key(c, 'enter');
      assert.match(c.state.error ?? '', /^Saved search "Broken": /);
    } finally {
      await c.stop();
    }
  });
}
