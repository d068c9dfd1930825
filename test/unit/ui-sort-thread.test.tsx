// `o` cycles the sort, `v` toggles the thread view: the order reaches the backend, the status bar
// says it, thread rows are drawn as a tree, and the list stays virtualized (fake account).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageSummary, SortOrder } from '../../src/domain/index.js';
import { threadPrefix } from '../../src/ui/components/MessageList.js';
import { nextSort } from '../../src/ui/state/list-order.js';
import { FakeAccount } from './ui-fake-account.js';
import { mountUi } from './ui-harness.js';

/** Thread rows repeat depth 0,1,1,2: a message, two replies, a reply to the second reply. */
const depthAt = (pos: number) => [0, 1, 1, 2][pos % 4]!;

class SortingFake extends FakeAccount {
  readonly orders: SortOrder[] = [];
  constructor(sortOrders: SortOrder[]) {
    super({ inboxSize: 100_000 });
    this.capabilities.sortOrders = sortOrders;
  }
  override async fetchWindow(path: string, start: number, count: number, sort: SortOrder = 'arrival'): Promise<MessageSummary[]> {
    this.orders.push(sort);
    const rows = await super.fetchWindow(path, start, count);
    if (sort === 'from') return rows.map((r) => this.summary(path, 100_001 - r.uid));
    if (sort === 'thread') return rows.map((r, i) => ({ ...r, subject: `Topic ${Math.floor((start + i) / 4)}`, threadDepth: depthAt(start + i) }));
    return rows;
  }
}

const statusLine = (frame: string) => frame.split('\n').find((l) => /\d+\/100000/.test(l)) ?? '';

test('o cycles arrival -> date -> sender -> subject, asking the backend for that order from the top', async () => {
  const acc = new SortingFake(['arrival', 'date', 'from', 'subject', 'thread']);
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor((t) => /Message number 100000/.test(t), 'first window');
    await ui.press('j', 'j');
    await ui.press('o');
    await ui.waitFor((t) => /1\/100000 │ by date/.test(statusLine(t)), 'date order in the status bar');
    assert.equal(acc.orders.at(-1), 'date');
    await ui.press('o');
    await ui.waitFor((t) => /by sender/.test(statusLine(t)) && /Message number 1\s/.test(t), 'sender order rows');
    assert.equal(acc.orders.at(-1), 'from');
    await ui.press('o', 'o');
    await ui.waitFor((t) => /1\/100000/.test(statusLine(t)) && !/│ by /.test(statusLine(t)) && /Message number 100000/.test(t), 'back to arrival');
    assert.equal(acc.orders.at(-1), 'arrival');
  } finally {
    await ui.done();
  }
});

test('v shows threads as a tree, virtualized; v again returns to the sort', async () => {
  const acc = new SortingFake(['arrival', 'date', 'from', 'subject', 'thread']);
  const ui = await mountUi([acc], { cols: 100, rows: 30 });
  try {
    await ui.waitFor((t) => /Message number 100000/.test(t), 'first window');
    await ui.press('v');
    const f = await ui.waitFor((t) => /threads/.test(statusLine(t)) && /Topic 0/.test(t), 'thread rows');
    const rows = f.split('\n').filter((l) => /Topic \d+/.test(l));
    assert.match(rows[0]!, / Topic 0 /);
    assert.match(rows[1]!, /├─Topic 0/);
    assert.match(rows[2]!, /└─Topic 0/);
    assert.match(rows[3]!, / {2}└─Topic 0/);
    assert.match(rows[4]!, / Topic 1 /);
    assert.ok(rows.length <= ui.controller.pageSize());
    await ui.press('G');
    await ui.waitFor((t) => /100000\/100000 │ threads/.test(statusLine(t)) && /Topic 24999/.test(t), 'end of the thread list');
    const fetched = acc.windowCalls.reduce((n, c) => n + c.count, 0);
    assert.ok(fetched <= 600, `fetched ${fetched} rows, not the folder`);
    await ui.press('v');
    await ui.waitFor((t) => /1\/100000/.test(statusLine(t)) && !/threads/.test(statusLine(t)) && /Message number 100000/.test(t), 'threads off');
    assert.equal(acc.orders.at(-1), 'arrival');
  } finally {
    await ui.done();
  }
});

test('an account that only has arrival order says so instead of pretending', async () => {
  const acc = new SortingFake(['arrival']);
  const ui = await mountUi([acc]);
  try {
    await ui.waitFor((t) => /Message number 100000/.test(t), 'first window');
    await ui.press('o');
    await ui.waitFor((t) => /Arrival order only/.test(t), 'no SORT note');
    await ui.press('v');
    await ui.waitFor((t) => /No threads on this account/.test(t), 'no threads note');
    assert.ok(acc.orders.every((o) => o === 'arrival'));
  } finally {
    await ui.done();
  }
});

test('tree connectors look ahead only through fetched rows', () => {
  const rows: Array<number | undefined> = [0, 1, 2, 1, undefined];
  const rowAt = (p: number) => (rows[p] === undefined ? undefined : ({ threadDepth: rows[p] } as MessageSummary));
  assert.equal(threadPrefix(0, rowAt), '');
  assert.equal(threadPrefix(1, rowAt), '├─');
  assert.equal(threadPrefix(2, rowAt), '  └─');
  assert.equal(threadPrefix(3, rowAt), '└─', 'unknown rows after it: drawn as the last reply');
  assert.equal(nextSort('subject', ['arrival', 'date', 'from', 'subject']), 'arrival');
  assert.equal(nextSort('arrival', ['arrival', 'thread']), 'arrival');
});
