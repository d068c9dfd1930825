// The delete prompt warns before a delete for good, and the status line says what the backend
// really did (moved to Trash, deleted for good, or only marked deleted).
import { test } from 'node:test';
import type { RemovalOutcome } from '../../src/accounts/account.js';
import type { FolderInfo } from '../../src/domain/index.js';
import { FakeAccount } from './ui-fake-account.js';
import { mountUi } from './ui-harness.js';
import { removalNote } from '../../src/ui/state/removal-words.js';
import { flagColumn } from '../../src/ui/components/MessageList.js';
import assert from 'node:assert/strict';

class NoTrash extends FakeAccount {
  override async listFolders(): Promise<FolderInfo[]> {
    return (await super.listFolders()).filter((f) => f.specialUse !== 'trash');
  }
}

class ReportsOutcome extends FakeAccount {
  constructor(private readonly outcome: RemovalOutcome) {
    super({ inboxSize: 5 });
  }
  override async deleteMessages(path: string, uids: number[]): Promise<RemovalOutcome> {
    await super.deleteMessages(path, uids);
    return this.outcome;
  }
}

test('without a Trash, d warns that the delete is for good and says so afterwards', async () => {
  const ui = await mountUi([new NoTrash({ inboxSize: 5 })]);
  try {
    await ui.waitFor((t) => t.includes('Message number 5'), 'list');
    await ui.press('d');
    await ui.waitFor((t) => t.includes('Delete for good, cannot be undone: "Message number 5"? (y/n)'), 'warning prompt');
    await ui.press('y');
    await ui.waitFor((t) => t.includes('Message deleted for good'), 'status');
  } finally {
    await ui.done();
  }
});

test('a message left marked deleted (no UIDPLUS) is reported as such, not as moved', async () => {
  const ui = await mountUi([new ReportsOutcome({ result: 'left-deleted', destination: 'Trash' })]);
  try {
    await ui.waitFor((t) => t.includes('Message number 5'), 'list');
    await ui.press('d');
    await ui.waitFor((t) => t.includes('Delete "Message number 5"? (y/n)'), 'plain prompt (Trash exists)');
    await ui.press('y');
    await ui.waitFor((t) => t.includes('Copied to Trash; original hidden'), 'status');
  } finally {
    await ui.done();
  }
});

test('status words for every outcome', () => {
  assert.equal(removalNote(undefined, 'fallback'), 'fallback');
  assert.equal(removalNote({ result: 'moved', destination: 'Trash' }, 'x', 'delete'), 'Message deleted (moved to Trash)');
  assert.equal(removalNote({ result: 'moved', destination: 'Archive' }, 'x'), 'Moved to Archive');
  assert.equal(removalNote({ result: 'expunged' }, 'x', 'delete'), 'Message deleted for good');
  assert.match(
    removalNote({ result: 'left-deleted' }, 'x', 'delete'),
    /^Message hidden, marked deleted until the server expunges it \(an expunge now would also remove messages another client marked deleted\)$/,
  );
  assert.equal(
    removalNote({ result: 'moved', destination: 'Archive', recovered: 'the connection was lost; after reconnecting, the server had already moved it' }, 'x'),
    'Moved to Archive (the connection was lost; after reconnecting, the server had already moved it)',
  );
});

test('a message left marked deleted shows D in the flag column', () => {
  const m = {
    uid: 1,
    flags: ['\\Deleted', '\\Seen'],
    date: new Date(0),
    from: [],
    to: [],
    cc: [],
    subject: 's',
    size: 1,
    hasAttachments: false,
    location: { kind: 'server' as const },
  };
  assert.equal(flagColumn(m), 'D  ');
  assert.equal(flagColumn({ ...m, flags: [] }), 'N  ');
});
