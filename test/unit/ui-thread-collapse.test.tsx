// Collapsing threads in the thread view: `z` folds the thread under the cursor into one row with
// its count and an unread mark, moves skip the hidden rows, an action on the row applies to the
// whole thread (one backend call), `Z` collapses all loaded threads or expands them all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageSummary, SortOrder } from '../../src/domain/index.js';
import { collapsedAt, folderPos, listPos } from '../../src/ui/state/collapsed-threads.js';
import type { UiState } from '../../src/ui/state/types.js';
import { FakeAccount } from './ui-fake-account.js';
import { mountUi } from './ui-harness.js';

test('list and folder positions around collapsed threads', () => {
  const s = {
    current: { account: 'a', path: 'INBOX', total: 20, unread: 0, opened: true },
    threads: true,
    collapsed: {
      account: 'a',
      path: 'INBOX',
      threads: [
        { pos: 2, uids: [18, 17, 16], unread: false },
        { pos: 10, uids: [10, 9], unread: true },
      ],
    },
  } satisfies Pick<UiState, 'current' | 'threads' | 'collapsed'>;
  // List 0 1 2(=2..4) 3(=5) … 7(=9) 8(=10..11) 9(=12)
  assert.deepEqual(
    [0, 1, 2, 3, 7, 8, 9].map((p) => folderPos(s, p)),
    [0, 1, 2, 5, 9, 10, 12],
  );
  assert.deepEqual(
    [0, 2, 3, 4, 5, 11, 12].map((f) => listPos(s, f)),
    [0, 2, 2, 2, 3, 8, 9],
  );
  assert.equal(collapsedAt(s, 2)?.uids.length, 3);
  assert.equal(collapsedAt(s, 3), undefined);
  assert.equal(collapsedAt(s, 8)?.unread, true);
  // Outside the thread view (or in a limited list) nothing is collapsed.
  assert.equal(folderPos({ ...s, threads: false }, 3), 3);
  assert.equal(folderPos({ ...s, search: { query: 'x', uids: [] } }, 3), 3);
});

/** Thread rows repeat depth 0,1,1,2: a message, two replies, a reply to the second reply. */
const depthAt = (pos: number) => [0, 1, 1, 2][pos % 4]!;

class ThreadingFake extends FakeAccount {
  constructor() {
    super({ inboxSize: 40 });
    this.capabilities.sortOrders = ['arrival', 'thread'];
  }
  override async fetchWindow(path: string, start: number, count: number, sort: SortOrder = 'arrival'): Promise<MessageSummary[]> {
    const rows = await super.fetchWindow(path, start, count);
    if (sort === 'thread') return rows.map((r, i) => ({ ...r, subject: `Topic ${Math.floor((start + i) / 4)}`, threadDepth: depthAt(start + i) }));
    return rows;
  }
}

const statusLine = (frame: string) => frame.split('\n').find((l) => /\d+\/\d+ │/.test(l)) ?? '';
const topicRows = (frame: string) => frame.split('\n').filter((l) => /Topic \d+/.test(l));

test('z collapses the thread to one row with its count; moves skip it; N on it marks the whole thread; z expands', async () => {
  const acc = new ThreadingFake();
  const ui = await mountUi([acc], { cols: 100, rows: 30 });
  try {
    await ui.waitFor((t) => /Message number 40/.test(t), 'first window');
    await ui.press('v');
    await ui.waitFor((t) => /threads/.test(statusLine(t)) && /Topic 0/.test(t), 'thread rows');
    // Inside the first thread (its second reply), z: the thread is one row, the cursor on it.
    await ui.press('j', 'j', 'z');
    let f = await ui.waitFor((t) => /\[4\] Topic 0/.test(t), 'the collapsed row');
    let rows = topicRows(f);
    // UID 39 (unread) is in the thread: the row is marked N although its root (40) was read.
    assert.match(rows[0]!, /║>N .*\[4\] Topic 0/);
    assert.match(rows[1]!, / Topic 1 /);
    assert.match(ui.controller.state.info ?? '', /^Thread collapsed: 4 messages in one row; an action on it applies to all 4/);
    assert.match(statusLine(f), /1\/37 │/);
    assert.equal(ui.controller.state.listCursor, 0);
    // j goes to the next thread's root, k back onto the collapsed row.
    await ui.press('j');
    assert.equal(ui.controller.rowAt(ui.controller.state.listCursor)?.uid, 36);
    await ui.press('k');
    // N on the collapsed row: the whole thread, in one call.
    acc.flagCalls.length = 0;
    await ui.press('N');
    await ui.waitFor(() => acc.flagCalls.length === 1, 'one flag call');
    assert.deepEqual(acc.flagCalls[0]!.uids.sort(), [37, 38, 39, 40]);
    f = await ui.waitFor((t) => /^Marked the whole thread, 4 messages read/.test(ui.controller.state.info ?? '') && !/║>N/.test(t), 'the note');
    assert.match(topicRows(f)[0]!, /║> .*\[4\] Topic 0/, 'no unread mark once all are read');
    // d on it asks once for the whole thread; any key but y keeps it.
    await ui.press('d');
    await ui.waitFor(() => ui.controller.state.overlay?.kind === 'confirmDelete', 'the question');
    const q = ui.controller.state.overlay as { uids?: number[]; subject: string };
    assert.deepEqual([...(q.uids ?? [])].sort(), [37, 38, 39, 40]);
    assert.match(q.subject, /the thread of 4 messages/);
    await ui.press('n');
    await ui.waitFor(() => ui.controller.state.overlay === undefined, 'not deleted');
    // z on it expands it again.
    await ui.press('z');
    f = await ui.waitFor((t) => !/\[4\]/.test(t) && /├─Topic 0/.test(t), 'expanded');
    assert.match(statusLine(f), /1\/40 │/);
    // Z collapses all loaded threads, Z again expands them all.
    await ui.press('Z');
    f = await ui.waitFor((t) => /Collapsed 10 threads; Z expands them all/.test(ui.controller.state.info ?? '') && /\[4\] Topic 1/.test(t), 'all collapsed');
    rows = topicRows(f);
    assert.match(rows[1]!, /\[4\] Topic 1/);
    assert.match(statusLine(f), /1\/10 │/);
    await ui.press('G');
    await ui.waitFor((t) => /10\/10 │/.test(statusLine(t)) && /\[4\] Topic 9/.test(t), 'the last thread');
    await ui.press('Z');
    f = await ui.waitFor((t) => /All threads expanded/.test(ui.controller.state.info ?? '') && /37\/40/.test(t), 'all expanded');
    assert.match(statusLine(f), /37\/40 │/, 'the cursor stays on the same message');
    // Outside the thread view, z says where it works.
    await ui.press('v', 'z');
    await ui.waitFor(() => /Threads collapse in the thread view \(v\)/.test(ui.controller.state.info ?? ''), 'explained');
  } finally {
    await ui.done();
  }
});
