// Triage keys over a fake backend: tags (x, X, Ctrl-T), `;` + an action on the tagged set as ONE
// backend call, the undo stack (u), jumps (n/p, J/K), honest deletes, the search language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RemovalOutcome } from '../../src/accounts/account.js';
import type { UiController } from '../../src/ui/state/controller.js';
import { FakeAccount } from './ui-fake-account.js';
import { startController, until } from '../helpers/ui-controller.js';
import { taggedHere } from '../../src/ui/state/tags.js';

/** A fake whose delete moves to Trash, as an IMAP account with a Trash does. */
class TrashDeletes extends FakeAccount {
  deleteCalls: number[][] = [];
  moveCalls: { uids: number[]; from: string; to: string }[] = [];
  override async deleteMessages(path: string, uids: number[]): Promise<RemovalOutcome | undefined> {
    this.deleteCalls.push([...uids]);
    if (path === 'Trash') return super.deleteMessages(path, uids);
    return super.moveMessages(path, uids, 'Trash');
  }
  override async moveMessages(path: string, uids: number[], destination: string): Promise<RemovalOutcome | undefined> {
    this.moveCalls.push({ uids: [...uids], from: path, to: destination });
    return super.moveMessages(path, uids, destination);
  }
}

const key = (c: UiController, ...specs: string[]) => {
  for (const spec of specs) c.handleKey({ spec, text: spec.length === 1 ? spec : '' });
};
const type = (c: UiController, text: string) => {
  for (const ch of text) c.handleKey({ spec: ch === ' ' ? 'space' : ch, text: ch });
};
const listed = (c: UiController) => until(() => !!c.state.current?.opened && !!c.rowAt(0), 'rows', c);

test('x tags and moves on, the status counts them; ;N marks all read in one call and u restores them', async () => {
  const acc = new TrashDeletes({ inboxSize: 20 });
  const c = startController([acc]);
  try {
    await listed(c);
    // Rows 0..2 are UIDs 20, 19, 18 (18 is unread).
    key(c, 'x', 'x', 'x');
    assert.equal(c.state.listCursor, 3);
    assert.deepEqual(taggedHere(c.state), [20, 19, 18]);
    assert.match(c.state.info ?? '', /3 messages tagged/);
    key(c, 'k', 'x');
    assert.deepEqual(taggedHere(c.state), [20, 19], 'x again untags');
    key(c, 'k', 'x');
    assert.deepEqual(taggedHere(c.state), [20, 19, 18]);
    acc.flagCalls.length = 0;
    key(c, ';', 'N');
    assert.equal(c.state.tagPrefix, undefined, '; applies to one action only');
    await until(() => /Marked 3 messages read/.test(c.state.info ?? ''), 'marked read', c);
    assert.equal(acc.flagCalls.length, 1, 'one backend call for the whole set');
    assert.deepEqual([...acc.flagCalls[0]!.uids].sort(), [18, 19, 20]);
    assert.ok(!acc.flagsOf('INBOX', 15).has('\\Seen'), 'an untagged unread message stays unread');
    assert.ok(c.rowAt(0)!.flags.includes('\\Seen'));
    key(c, 'u');
    await until(() => /Undone: Restored the flags of 1 message/.test(c.state.info ?? ''), 'undone', c);
    // Only 18 was unread before among the tagged: the undo clears \Seen on it alone.
    const undoCall = acc.flagCalls.at(-1)!;
    assert.equal(undoCall.op, 'remove');
    assert.deepEqual(undoCall.uids, [18]);
    assert.ok(!acc.flagsOf('INBOX', 18).has('\\Seen'));
    assert.ok(acc.flagsOf('INBOX', 20).has('\\Seen'), 'messages that were read stay read');
    key(c, 'C-t');
    assert.equal(c.state.tagged, undefined);
  } finally {
    await c.stop();
  }
});

test(';d deletes the tagged set with one call after asking, and u moves them back', async () => {
  const acc = new TrashDeletes({ inboxSize: 10 });
  const c = startController([acc]);
  try {
    await listed(c);
    key(c, 'x', 'j', 'x');
    assert.deepEqual(taggedHere(c.state), [10, 8]);
    key(c, ';', 'd');
    const o = c.state.overlay;
    assert.equal(o?.kind, 'confirmDelete');
    assert.ok(o?.kind === 'confirmDelete' && o.subject === '2 tagged messages' && !o.permanent);
    key(c, 'y');
    await until(() => /2 messages deleted \(moved to Trash\)/.test(c.state.info ?? ''), 'deleted', c);
    assert.deepEqual(acc.deleteCalls, [[10, 8]]);
    assert.equal(c.state.tagged, undefined, 'the removed messages are no longer tagged');
    assert.equal(c.state.listCursor, 1, 'the cursor stays on UID 7, now the second row');
    await until(() => c.state.current?.total === 8, 'list shrinks', c);
    key(c, 'u');
    await until(() => /Undone: Moved 2 messages back to INBOX/.test(c.state.info ?? ''), 'undone', c);
    assert.deepEqual(acc.moveCalls.at(-1), { uids: [1, 2], from: 'Trash', to: 'INBOX' });
    await until(() => c.state.current?.total === 10, 'back in the list', c);
    key(c, 'u');
    assert.equal(c.state.info, 'Nothing to undo');
  } finally {
    await c.stop();
  }
});

test('without tags, ;m and m move the current message; C copies it; u undoes the move', async () => {
  const acc = new TrashDeletes({ inboxSize: 5 });
  const c = startController([acc]);
  try {
    await listed(c);
    key(c, 'C');
    assert.equal(c.state.overlay?.kind, 'picker');
    key(c, 'enter');
    await until(() => /Copied to Archive/.test(c.state.info ?? ''), 'copied', c);
    key(c, ';', 'm');
    assert.equal(c.state.overlay?.kind === 'picker' && c.state.overlay.title, 'Move to folder: type to filter');
    key(c, 'enter');
    await until(() => /Moved to Archive/.test(c.state.info ?? ''), 'moved', c);
    assert.deepEqual(acc.moveCalls[0], { uids: [5], from: 'INBOX', to: 'Archive' });
    key(c, 'u');
    await until(() => /Undone: Moved 1 message back to INBOX/.test(c.state.info ?? ''), 'undone', c);
  } finally {
    await c.stop();
  }
});

test('X tags by a search-language query; a syntax error is shown with its column', async () => {
  const acc = new FakeAccount({ inboxSize: 12 });
  const c = startController([acc]);
  try {
    await listed(c);
    key(c, 'X');
    type(c, 'is:unread');
    key(c, 'enter');
    await until(() => c.state.tagged !== undefined, 'tagged', c);
    assert.deepEqual(taggedHere(c.state), [12, 9, 6, 3]);
    key(c, 'X');
    type(c, 'from:(');
    key(c, 'enter');
    assert.match(c.state.error ?? '', /^Query: column \d+/);
  } finally {
    await c.stop();
  }
});

test('/ and L take the search language; Esc leaves the limited list', async () => {
  const acc = new FakeAccount({ inboxSize: 12 });
  const c = startController([acc]);
  try {
    await listed(c);
    key(c, 'L');
    assert.equal(c.state.overlay?.kind === 'prompt' && c.state.overlay.purpose, 'limit');
    type(c, 'is:unread and not subject:"number 3"');
    key(c, 'enter');
    await until(() => c.state.search !== undefined, 'limited', c);
    assert.deepEqual(c.state.search?.uids, [12, 9, 6]);
    key(c, 'esc');
    assert.equal(c.state.search, undefined);
    key(c, '/');
    type(c, 'is:');
    key(c, 'enter');
    assert.match(c.state.error ?? '', /^Search: column/);
  } finally {
    await c.stop();
  }
});

test('n / p jump between unread messages, then on to the next folder with unread mail; J/K step', async () => {
  const acc = new FakeAccount({ inboxSize: 7 });
  const c = startController([acc]);
  try {
    await listed(c);
    await until(() => (c.state.accounts[0]?.folders.length ?? 0) > 0, 'folders', c);
    // UIDs 7..1 newest first: unread are 6 and 3 (rows 1 and 4).
    const at = (row: number) => until(() => c.state.listCursor === row, `row ${row}`, c);
    key(c, 'n');
    await at(1);
    key(c, 'n');
    await at(4);
    key(c, 'p');
    await at(1);
    assert.equal(acc.unreadPositionCalls, 1, 'one search, kept while the folder does not change');
    key(c, 'J', 'J');
    assert.equal(c.state.listCursor, 3);
    key(c, 'K');
    assert.equal(c.state.listCursor, 2);
    key(c, 'n');
    await at(4);
    key(c, 'n');
    // Archive (10 messages, some unread) is next in the folder pane: its first unread row is chosen.
    await until(() => c.state.current?.path === 'Archive' && /No more unread here/.test(c.state.info ?? ''), 'next folder', c);
    const first = c.rowAt(c.state.listCursor);
    assert.ok(first && !first.flags.includes('\\Seen'), 'the cursor is on an unread message');
    for (let p = 0; p < c.state.listCursor; p++) assert.ok(c.rowAt(p)?.flags.includes('\\Seen'), `row ${p} above it is read`);
    assert.match(c.state.info ?? '', /No more unread here: opened Archive/);
  } finally {
    await c.stop();
  }
});

test('an empty folder says so; d in Trash says before asking that it is for good', async () => {
  const acc = new TrashDeletes({ inboxSize: 3 });
  const c = startController([acc]);
  try {
    await listed(c);
    c.openFolder('fake', 'Trash');
    await until(() => !!c.state.current?.opened, 'trash open', c);
    key(c, 'd');
    assert.equal(c.state.info, 'This folder is empty');
    key(c, 'x');
    assert.equal(c.state.info, 'This folder is empty');
    c.openFolder('fake', 'INBOX');
    await listed(c);
    key(c, 'd', 'y');
    await until(() => acc.deleteCalls.length === 1, 'deleted', c);
    c.openFolder('fake', 'Trash');
    await until(() => !!c.state.current?.opened && !!c.rowAt(0), 'trash rows', c);
    key(c, 'd');
    const o = c.state.overlay;
    assert.ok(o?.kind === 'confirmDelete' && o.permanent, 'the question warns: deleted for good');
    key(c, 'y');
    await until(() => /deleted for good/.test(c.state.info ?? ''), 'status says what happened', c);
    assert.ok(!/u undoes/.test(c.state.info ?? ''));
  } finally {
    await c.stop();
  }
});

test(':tag, :read, :move and :undo act on the tagged messages, else on the current one', async () => {
  const acc = new TrashDeletes({ inboxSize: 9 });
  const c = startController([acc]);
  try {
    await listed(c);
    key(c, ':');
    type(c, 'tag is:unread');
    key(c, 'enter');
    await until(() => c.state.tagged !== undefined, 'tagged', c);
    assert.deepEqual(taggedHere(c.state), [9, 6, 3]);
    acc.flagCalls.length = 0;
    key(c, ':');
    type(c, 'read');
    key(c, 'enter');
    await until(() => /Marked 3 messages read/.test(c.state.info ?? ''), 'read', c);
    assert.deepEqual(
      acc.flagCalls.map((f) => [f.op, f.uids]),
      [['add', [9, 6, 3]]],
    );
    key(c, ':');
    type(c, 'move Archive');
    key(c, 'enter');
    await until(() => /Moved 3 messages to Archive/.test(c.state.info ?? ''), 'moved', c);
    assert.deepEqual(acc.moveCalls, [{ uids: [9, 6, 3], from: 'INBOX', to: 'Archive' }]);
    key(c, ':');
    type(c, 'undo');
    key(c, 'enter');
    await until(() => /Undone: Moved 3 messages back/.test(c.state.info ?? ''), 'undone', c);
    await listed(c);
    key(c, ':');
    type(c, 'flag');
    key(c, 'enter');
    await until(() => /Marked 1 message flagged/.test(c.state.info ?? ''), 'one flagged', c);
  } finally {
    await c.stop();
  }
});
