// The pure reducer: plain data in, plain data out, no backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageLoader } from '../../src/ui/message-loader.js';
import { reduce } from '../../src/ui/state/reducer.js';
import type { UiState } from '../../src/ui/state/types.js';

const loader = {
  load: async () => {
    throw new Error('not used');
  },
  render: (t: string) => t.split('\n'),
  saveAttachment: async () => '',
} as MessageLoader;
const env = { loader, traceAdded: 7 };

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

const base = (): UiState =>
  deepFreeze({
    cols: 100,
    rows: 30,
    focus: 'list',
    accounts: [
      {
        name: 'a',
        protocol: 'imap',
        status: 'connected',
        folders: [{ path: 'INBOX', name: 'INBOX', delimiter: '/', selectable: true, total: 500, unread: 0 }],
      },
    ],
    folderCursor: 0,
    current: { account: 0, path: 'INBOX', total: 500, unread: 0, opened: true },
    listCursor: 0,
    listTop: 0,
    loading: [],
  } as unknown as UiState);

test('reducer: list moves change cursor and top, never the input, and ask for the rows in view', () => {
  const s = base();
  const step = reduce(s, 'down', env)!;
  assert.equal(step.state.listCursor, 1);
  assert.deepEqual(step.effects, [{ type: 'ensureVisible' }]);
  assert.equal(s.listCursor, 0, 'the old state is unchanged (it is frozen: a mutation would throw)');
  const bottom = reduce(s, 'bottom', env)!.state;
  assert.equal(bottom.listCursor, 499);
  assert.ok(bottom.listTop > 0 && bottom.listTop <= 499, 'the top row follows the cursor');
  const paged = reduce(bottom, 'pageUp', env)!.state;
  assert.ok(paged.listCursor < 499 && paged.listTop < bottom.listTop);
});

test('reducer: pure view intents give state; work for backends gives undefined (an effect)', () => {
  const s = base();
  assert.equal(reduce(s, 'help', env)!.state.overlay?.kind, 'help');
  assert.deepEqual(reduce(s, 'trace', env)!.state.tracePane, { all: false, version: 7 });
  assert.equal(reduce(s, 'nextPane', env)!.state.focus, 'folders');
  assert.equal(reduce(s, 'back', env)!.state.focus, 'folders');
  assert.equal(reduce({ ...s, current: undefined }, 'search', env)!.state.info, 'Open a folder first');
  for (const a of ['quit', 'open', 'toggleFlag', 'delete', 'move', 'sync', 'compose', 'sortOrder'] as const) {
    assert.equal(reduce(s, a, env), undefined, `${a} is an effect`);
  }
  assert.equal(reduce({ ...s, focus: 'folders' }, 'quit', env), undefined, 'whatever the focus');
  // After ":folder Drafts" the folder pane may still have the focus: E must still reach the draft.
  for (const a of ['compose', 'reply', 'forward', 'editDraft'] as const) {
    assert.equal(reduce({ ...s, focus: 'folders' }, a, env), undefined, `${a} whatever the focus`);
  }
});

test('reducer: the folder pane cursor stays on its rows', () => {
  const s = { ...base(), focus: 'folders' as const };
  assert.equal(reduce(s, 'down', env)!.state.folderCursor, 1);
  assert.equal(reduce(s, 'bottom', env)!.state.folderCursor, 1, 'two rows: the account and INBOX');
  assert.equal(reduce(s, 'up', env)!.state.folderCursor, 0);
  assert.equal(reduce(s, 'open', env), undefined, 'opening is an effect');
});

test('reducer: actions that need a backend are left to the effects, in the list and the reader', () => {
  // A reducer that answers an effect's action with "nothing to do" swallows the key silently
  // (E on a draft once did nothing at all).
  for (const action of ['compose', 'reply', 'replyAll', 'forward', 'editDraft', 'sync', 'open', 'delete', 'move'] as const) {
    assert.equal(reduce(base(), action, env), undefined, action);
  }
});

test('reducer: G on a 4M-character body scrolls to its end wrapping only the last screens', () => {
  let wrapped = 0;
  const counting = {
    ...loader,
    render: (t: string, w: number) => {
      wrapped += t.length;
      return t.match(new RegExp(`.{1,${w}}`, 'gsu')) ?? [''];
    },
  } as MessageLoader;
  const text = `${'x'.repeat(4_000_000)}THE END`;
  const message = { from: 'a', to: 'b', cc: '', date: 'd', subject: 's', text, headerLines: [], attachments: [], warnings: [] };
  const s = deepFreeze({
    ...base(),
    focus: 'reader',
    reader: { account: 'a', path: 'INBOX', uid: 1, status: 'ready', message, scroll: 0, fullHeaders: false },
  } as unknown as UiState);
  const end = reduce(s, 'bottom', { loader: counting, traceAdded: 0 })!.state;
  assert.ok(wrapped < 200_000, `wrapped ${wrapped} characters`);
  assert.ok(end.reader!.scroll > 0);
  const up = reduce(end, 'up', { loader: counting, traceAdded: 0 })!.state;
  assert.equal(up.reader!.scroll, end.reader!.scroll - 1);
  assert.ok(wrapped < 200_000, `wrapped ${wrapped} characters after a step up`);
});
