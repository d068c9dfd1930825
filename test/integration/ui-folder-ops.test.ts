// The folder pane's create / rename / subscribe / delete and `C` copy, through the UI controller
// against the real Dovecot, on a server whose personal namespace is "INBOX." with "." between
// levels: the user types "Work/Notes" and the server gets "INBOX.Work.Notes".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { UiController } from '../../src/ui/state/controller.js';
import { folderRows } from '../../src/ui/state/folder-rows.js';
import { noLoader, until } from '../helpers/ui-controller.js';
import { dovecotTestOptions, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { generateMaildir } from '../helpers/maildir-generator.js';
import { accountConfig, makeAccount } from './support/imap-fixtures.js';

describe('UI folder operations and copy on Dovecot (namespace "INBOX.")', dovecotTestOptions(), () => {
  let server: DovecotServer;

  before(async () => {
    server = await startDovecot({ namespace: { separator: '.', prefix: 'INBOX.' } });
    await generateMaildir(server.maildir('alice'), { count: 3, seed: 1 });
    await server.fixOwnership('alice');
  });
  after(async () => {
    await server?.stop();
  });

  test('+ creates, C copies into it, = renames, S unsubscribes, d deletes after naming the message lost', async () => {
    const t = await makeAccount(accountConfig(server));
    const check = await makeAccount(accountConfig(server));
    const c = new UiController({
      accounts: [{ name: 'alice', protocol: 'imap', create: async () => t.account }],
      keys: buildKeyTable(),
      loader: noLoader,
      cols: 120,
      rows: 30,
      onQuit: () => undefined,
      pollMs: 0,
    });
    const press = (...keys: string[]) => {
      for (const k of keys) c.handleKey({ spec: k, text: k.length === 1 ? k : '' });
    };
    const type = (text: string) => {
      for (const ch of text) c.handleKey({ spec: ch, text: ch });
    };
    const cursorTo = (path: string) => {
      const i = folderRows(c.state).findIndex((r) => r.folder?.path === path);
      assert.ok(i >= 0, path);
      c.store.set({ folderCursor: i });
    };
    const serverFolders = async () => {
      await check.account.connect();
      return check.account.listFolders();
    };
    try {
      c.start();
      await until(() => c.state.current?.opened === true && c.state.accounts[0]!.folders.length > 0 && c.rowAt(0) !== undefined, 'INBOX open', c);
      press('h');
      cursorTo('INBOX');
      press('+');
      type('Work/Notes');
      press('enter');
      await until(() => c.state.info === 'Created folder Work/Notes', 'created', c);
      assert.ok((await serverFolders()).some((f) => f.path === 'INBOX.Work.Notes'));

      // Copy the newest INBOX message into it with the filterable picker.
      press('l');
      assert.equal(c.state.focus, 'list');
      press('C');
      type('notes');
      press('enter');
      await until(() => c.state.info === 'Copied to Work/Notes', `copied (${c.state.info ?? c.state.error})`, c);
      assert.equal((await serverFolders()).find((f) => f.path === 'INBOX.Work.Notes')?.total, 1);
      assert.equal(c.state.current?.total, 3, 'the original stays');

      press('h');
      cursorTo('INBOX.Work.Notes');
      press('=', 'C-u');
      type('Done');
      press('enter');
      await until(() => c.state.info === 'Renamed Work/Notes to Done', `renamed (${c.state.info ?? c.state.error})`, c);
      let folders = await serverFolders();
      assert.ok(folders.some((f) => f.path === 'INBOX.Done') && !folders.some((f) => f.path === 'INBOX.Work.Notes'));

      cursorTo('INBOX.Done');
      const subscribedBefore = c.state.accounts[0]!.folders.find((f) => f.path === 'INBOX.Done')?.subscribed;
      press('S');
      await until(() => /subscribed/i.test(c.state.info ?? '') || c.state.error !== undefined, 'subscription changed', c);
      assert.equal(c.state.error, undefined);
      assert.equal(c.state.accounts[0]!.folders.find((f) => f.path === 'INBOX.Done')?.subscribed, !subscribedBefore);

      cursorTo('INBOX.Done');
      press('d');
      const o = c.state.overlay;
      assert.ok(o?.kind === 'confirmFolderDelete');
      assert.equal(o.text, 'Delete folder Done? its 1 message will be lost for good (y/n)');
      press('y');
      await until(() => c.state.info === 'Deleted folder Done', `deleted (${c.state.info ?? c.state.error})`, c);
      folders = await serverFolders();
      assert.ok(!folders.some((f) => f.path === 'INBOX.Done'));
    } finally {
      await c.stop();
      await t.dispose();
      await check.dispose();
    }
  });
});
