// The set of messages tmail left \Deleted and hides: what it keeps, what ends the hiding, how it
// is saved in the summary store (and dropped with a new UIDVALIDITY), and how a sorted or threaded
// UID list leaves them out.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HiddenDeleted, withoutHidden } from '../../src/accounts/imap/hidden-deleted.js';
import { SummaryStore } from '../../src/store/summary-store.js';

test('add, unseen count, drop on expunge, keep only what the server still has', () => {
  const saved: Array<[string, number[]]> = [];
  const h = new HiddenDeleted({ load: async () => undefined, save: (path, uids) => void saved.push([path, [...uids.keys()]]) });
  h.add('INBOX', [3, 5, 9], new Set([5]));
  assert.deepEqual([...h.of('INBOX').keys()], [3, 5, 9]);
  assert.equal(h.unseen('INBOX'), 1);
  assert.equal(h.drop('INBOX', [4]), false, 'not hidden: nothing changes');
  assert.equal(h.drop('INBOX', [3]), true);
  assert.equal(h.keepPresent('INBOX', [1, 2, 5, 7]), true, '9 is gone from the server');
  assert.deepEqual([...h.of('INBOX').keys()], [5]);
  h.noteUnseen('INBOX', 5, false);
  assert.equal(h.unseen('INBOX'), 0);
  h.forget('INBOX');
  assert.equal(h.of('INBOX').size, 0);
  assert.deepEqual(saved.at(-1), ['INBOX', []], 'every change is saved, the last one empty');
});

test('a loaded set does not override what this session recorded first', async () => {
  let release!: () => void;
  const h = new HiddenDeleted({
    load: () =>
      new Promise(
        (resolve) =>
          (release = () =>
            resolve(
              new Map([
                ['INBOX', new Map([[1, true]])],
                ['Work', new Map([[2, false]])],
              ]),
            )),
      ),
    save: () => undefined,
  });
  const ready = h.ready();
  h.add('INBOX', [8], new Set());
  release();
  await ready;
  assert.deepEqual([...h.of('INBOX').keys()], [8]);
  assert.deepEqual([...h.of('Work').keys()], [2]);
});

test('withoutHidden leaves the hidden UIDs and their thread depths out', () => {
  const hidden = new Map([[2, false]]);
  assert.deepEqual(withoutHidden({ uids: [3, 2, 1], depths: [0, 1, 0] }, hidden), { uids: [3, 1], depths: [0, 0] });
  assert.deepEqual(withoutHidden({ uids: [3, 2, 1] }, hidden), { uids: [3, 1] });
});

test('summary store: saved per folder, kept across a first sighting, dropped with another UIDVALIDITY', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-hidden-'));
  try {
    let store = await SummaryStore.open(dir, 'imap');
    store.setHiddenDeleted('INBOX', new Map([[4, true]]));
    store.setHiddenDeleted('Work', new Map([[6, false]]));
    assert.equal(store.noteValidity('INBOX', 7n), false, 'first sighting of the folder');
    store.close();
    store = await SummaryStore.open(dir, 'imap');
    assert.deepEqual(
      store.hiddenDeleted(),
      new Map([
        ['INBOX', new Map([[4, true]])],
        ['Work', new Map([[6, false]])],
      ]),
    );
    assert.equal(store.noteValidity('INBOX', 8n), true);
    assert.deepEqual([...store.hiddenDeleted().keys()], ['Work'], 'the new UIDVALIDITY ends the hiding in INBOX');
    store.forget('Work');
    assert.equal(store.hiddenDeleted().size, 0);
    store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
