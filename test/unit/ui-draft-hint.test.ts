// Opening a message in Drafts says how to resume it (E edits and sends it); elsewhere it does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildKeyTable } from '../../src/ui/keys/bindings.js';
import { FakeAccount } from './ui-fake-account.js';
import { startController, until } from '../helpers/ui-controller.js';

/** A fake with a Drafts folder marked \Drafts (special use), as an IMAP server lists it. */
function withDrafts(): FakeAccount {
  const acc = new FakeAccount({ inboxSize: 5, extraFolders: ['Drafts'] });
  const folders = (acc as unknown as { folders: { path: string; specialUse?: string }[] }).folders;
  folders.find((f) => f.path === 'Drafts')!.specialUse = 'drafts';
  return acc;
}

const loader = {
  load: async () => ({ from: 'a', to: 'b', cc: '', date: 'd', subject: 's', text: 'body', headerLines: [], attachments: [], warnings: [] }),
  render: (t: string) => t.split('\n'),
  saveAttachment: async () => '',
};

for (const [folder, hinted] of [
  ['Drafts', true],
  ['INBOX', false],
] as const) {
  test(`opening a message in ${folder} ${hinted ? 'names' : 'does not name'} the key that resumes a draft`, async () => {
    const keys = buildKeyTable({ editDraft: 'D' });
    const c = startController([withDrafts()], { loader: loader as never, keys });
    try {
      await until(() => !!c.state.current?.opened, 'INBOX', c);
      c.openFolder('fake', folder);
      await until(() => c.state.current?.path === folder && !!c.state.current.opened && !!c.rowAt(0), folder, c);
      c.handleKey({ spec: 'enter', text: '' });
      await until(() => c.state.reader?.status === 'ready', 'the message', c);
      assert.equal(/D edits and sends it/.test(c.state.info ?? ''), hinted, c.state.info);
    } finally {
      await c.stop();
    }
  });
}
