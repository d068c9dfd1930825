// The hand-off keys (O, W, U, |), the save prompt's Tab completion and last directory, copy (C),
// the type-to-filter folder picker (i, m) and the folder pane's create/rename/delete/subscribe,
// driven through the controller over fakes. No program is really opened: `handoff.run` records.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { FolderInfo } from '../../src/domain/index.js';
import type { OpenPlan } from '../../src/handoff/index.js';
import type { MessageLoader, ReaderMessage } from '../../src/ui/message-loader.js';
import type { UiController } from '../../src/ui/state/controller.js';
import { folderRows } from '../../src/ui/state/folder-rows.js';
import { startController, until } from '../helpers/ui-controller.js';
import { FakeAccount } from './ui-fake-account.js';

const press = (c: UiController, ...keys: string[]) => {
  for (const k of keys) c.handleKey({ spec: k, text: k.length === 1 ? k : '' });
};
const type = (c: UiController, text: string) => {
  for (const ch of text) c.handleKey({ spec: ch === ' ' ? 'space' : ch, text: ch });
};

/** A fake whose folders can be created, renamed, deleted and subscribed to. */
class FolderFake extends FakeAccount {
  readonly ops: string[] = [];
  private extra: FolderInfo[] = [];
  private gone = new Set<string>();
  private unsubscribed = new Set<string>();
  constructor() {
    super({ inboxSize: 30 });
    Object.assign(this.capabilities, { folderOps: true, subscriptions: true });
  }
  override async listFolders(): Promise<FolderInfo[]> {
    const base = (await super.listFolders()).filter((f) => !this.gone.has(f.path));
    return [...base, ...this.extra].map((f) => ({ ...f, subscribed: !this.unsubscribed.has(f.path) }));
  }
  async createFolder(path: string): Promise<void> {
    this.ops.push(`create ${path}`);
    this.extra.push({ path, name: path.split('/').pop()!, delimiter: '/', selectable: true, total: 0, unread: 0 });
  }
  async renameFolder(path: string, newPath: string): Promise<void> {
    this.ops.push(`rename ${path} ${newPath}`);
    this.gone.add(path);
    this.extra = this.extra.filter((f) => f.path !== path);
    this.extra.push({ path: newPath, name: newPath.split('/').pop()!, delimiter: '/', selectable: true, total: 10, unread: 0 });
  }
  async deleteFolder(path: string): Promise<void> {
    this.ops.push(`delete ${path}`);
    this.gone.add(path);
  }
  async subscribeFolder(path: string, on: boolean): Promise<void> {
    this.ops.push(`${on ? 'subscribe' : 'unsubscribe'} ${path}`);
    if (on) this.unsubscribed.delete(path);
    else this.unsubscribed.add(path);
  }
}

const MESSAGE: ReaderMessage = {
  from: 'a@example.org',
  to: 'me@example.org',
  cc: '',
  date: 'Mon 2024-01-01 10:00',
  subject: 'Links',
  text: 'See https://example.org/one and <https://example.com/two?x=1>.\nAgain https://example.org/one',
  headerLines: [],
  attachments: [
    { filename: 'a.pdf', contentType: 'application/pdf', size: 3 },
    { filename: 'b.txt', contentType: 'text/plain', size: 2 },
  ],
  warnings: [],
};

function loader(): MessageLoader & { asked: (number | 'html')[] } {
  const asked: (number | 'html')[] = [];
  return {
    asked,
    load: async () => MESSAGE,
    render: (t) => t.split('\n'),
    saveAttachment: async (_m, i, dir) => join(dir, `saved-${i}`),
    content: async (_m, which) => {
      asked.push(which);
      if (which === 'html') return { bytes: Buffer.from('<p>hi</p>'), filename: 'message.html', contentType: 'text/html' };
      return { bytes: Buffer.from('PDF'), filename: MESSAGE.attachments[which]!.filename, contentType: MESSAGE.attachments[which]!.contentType };
    },
    rawStream: async () => Readable.from([Buffer.from('Subject: Links\r\n\r\nline one\r\nline two\r\n')]),
  };
}

async function readerOpen(c: UiController): Promise<void> {
  await until(() => c.state.current?.opened === true && c.rowAt(0) !== undefined, 'INBOX', c);
  press(c, 'enter');
  await until(() => c.state.reader?.status === 'ready', 'message open', c);
}

function recorder() {
  const plans: OpenPlan[] = [];
  return {
    plans,
    run: async (plan: OpenPlan) => {
      plans.push(plan);
      return {};
    },
  };
}

test('O opens the picked attachment through the system handler; W the HTML part', async () => {
  const l = loader();
  const r = recorder();
  const c = startController([new FakeAccount({ inboxSize: 5 })], { loader: l, handoff: { run: r.run } });
  try {
    await readerOpen(c);
    press(c, 'O');
    const o = c.state.overlay;
    assert.ok(o?.kind === 'picker' && o.purpose === 'openAttachment', 'two attachments: a picker');
    press(c, 'j', 'enter');
    await until(() => r.plans.length === 1, 'opened', c);
    assert.deepEqual(l.asked, [1]);
    assert.match(r.plans[0]!.argv.join(' '), /b\.txt/);
    await until(() => /Opened b\.txt/.test(c.state.info ?? ''), 'status says so', c);
    press(c, 'W');
    await until(() => r.plans.length === 2, 'html opened', c);
    assert.deepEqual(l.asked, [1, 'html']);
    assert.match(r.plans[1]!.argv.join(' '), /\.html/);
  } finally {
    await c.stop();
  }
});

test('O, W, U and | act on the row under the list cursor without opening it', async () => {
  const l = loader();
  let loads = 0;
  const counting: MessageLoader = {
    ...l,
    load: async (...args) => {
      loads++;
      return l.load(...args);
    },
  };
  const r = recorder();
  const c = startController([new FakeAccount({ inboxSize: 5 })], { loader: counting, handoff: { run: r.run } });
  try {
    await until(() => c.state.current?.opened === true && c.rowAt(0) !== undefined, 'INBOX', c);
    press(c, 'j');
    const row = c.rowAt(1)!;
    press(c, 'O');
    await until(() => c.state.overlay?.kind === 'picker', 'attachment picker from the list', c);
    press(c, 'enter');
    await until(() => r.plans.length === 1, 'opened', c);
    press(c, 'W');
    await until(() => r.plans.length === 2, 'html opened from the list', c);
    press(c, 'U');
    await until(() => c.state.overlay?.kind === 'picker' && c.state.overlay.purpose === 'url', 'links from the list', c);
    press(c, 'esc', '|');
    const o = c.state.overlay;
    assert.ok(o?.kind === 'prompt' && o.purpose === 'pipe', 'pipe prompt from the list');
    press(c, 'esc');
    assert.equal(loads, 1, 'the row was loaded once for all four keys');
    assert.equal(c.state.reader, undefined, 'nothing was opened in the reader');
    assert.deepEqual(c.rowAt(1)!.flags, row.flags, 'its flags are untouched (not marked read)');
  } finally {
    await c.stop();
  }
});

test('O, W, U and | in an empty folder say so', async () => {
  const c = startController([new FakeAccount({ inboxSize: 0 })], { loader: loader() });
  try {
    await until(() => c.state.current?.opened === true, 'INBOX', c);
    for (const k of ['O', 'W', 'U', '|']) {
      press(c, k);
      assert.equal(c.state.overlay, undefined, k);
      assert.equal(c.state.info, 'This folder is empty', k);
    }
  } finally {
    await c.stop();
  }
});

test('U lists the links numbered, once each; Enter opens the chosen one', async () => {
  const r = recorder();
  const c = startController([new FakeAccount({ inboxSize: 5 })], { loader: loader(), handoff: { run: r.run } });
  try {
    await readerOpen(c);
    press(c, 'U');
    const o = c.state.overlay;
    assert.ok(o?.kind === 'picker' && o.purpose === 'url');
    assert.deepEqual(
      o.items.map((i) => i.label),
      ['1  https://example.org/one', '2  https://example.com/two?x=1'],
    );
    press(c, 'j', 'enter');
    await until(() => r.plans.length === 1, 'opened', c);
    assert.equal(r.plans[0]!.argv.at(-1), 'https://example.com/two?x=1');
    assert.equal(c.state.overlay, undefined);
  } finally {
    await c.stop();
  }
});

test('| pipes the raw message to a shell command; the exit status and last line reach the status bar', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmail-pipe-'));
  const out = join(dir, 'out.txt');
  const c = startController([new FakeAccount({ inboxSize: 5 })], { loader: loader() });
  try {
    await readerOpen(c);
    press(c, '|');
    type(c, `tee ${out} | wc -l | tr -d ' '`);
    press(c, 'enter');
    await until(() => /finished/.test(c.state.info ?? ''), 'pipe done', c);
    assert.match(c.state.info!, /^4 \(`tee .*` finished\)$/);
    const { readFileSync } = await import('node:fs');
    assert.match(readFileSync(out, 'utf8'), /line two/);
    // In the O picker, | pipes the highlighted attachment (decoded) instead.
    press(c, 'O', 'j', '|');
    const o = c.state.overlay;
    assert.ok(o?.kind === 'prompt' && o.purpose === 'pipe' && o.label === 'Pipe b.txt to: ');
    type(c, 'cat');
    press(c, 'enter');
    await until(() => c.state.info?.startsWith('PDF (') === true, `part piped (${c.state.info})`, c);
    press(c, '|');
    type(c, 'echo oops >&2; exit 3');
    press(c, 'enter');
    await until(() => c.state.error !== undefined, 'failure shown', c);
    assert.match(c.state.error!, /exited with 3: oops/);
  } finally {
    await c.stop();
  }
});

test('the save prompt starts in the last directory used and completes paths on Tab', async () => {
  const base = mkdtempSync(join(tmpdir(), 'tmail-save-'));
  mkdirSync(join(base, 'projects'));
  mkdirSync(join(base, 'private'));
  writeFileSync(join(base, 'notes.txt'), '');
  const c = startController([new FakeAccount({ inboxSize: 5 })], { loader: loader(), downloadDir: base });
  try {
    await readerOpen(c);
    press(c, 's', 'enter');
    let o = c.state.overlay;
    assert.ok(o?.kind === 'prompt' && o.purpose === 'saveDir');
    assert.equal(o.value, `${base}/`);
    type(c, 'p');
    press(c, 'tab');
    await until(() => c.state.overlay?.kind === 'prompt' && c.state.overlay.hint !== undefined, 'candidates listed', c);
    o = c.state.overlay;
    assert.ok(o?.kind === 'prompt');
    assert.equal(o.value, `${base}/pr`);
    assert.equal(o.hint, 'private/  projects/');
    type(c, 'o');
    press(c, 'tab');
    await until(() => c.state.overlay?.kind === 'prompt' && c.state.overlay.value === `${base}/projects/`, 'completed', c);
    press(c, 'enter');
    await until(() => /Saved/.test(c.state.info ?? ''), 'saved', c);
    press(c, 's', 'enter');
    o = c.state.overlay;
    assert.ok(o?.kind === 'prompt');
    assert.equal(o.value, `${base}/projects/`, 'the next prompt starts where the last save went');
  } finally {
    await c.stop();
  }
});

test('C copies the message with the filterable picker; the message stays', async () => {
  const acc = new FakeAccount({ inboxSize: 20, extraFolders: ['Archive', 'Projects/2024', 'Projects/2025'] });
  const c = startController([acc]);
  try {
    await until(() => c.state.current?.opened === true && c.rowAt(0) !== undefined && c.state.accounts[0]!.folders.length > 0, 'INBOX', c);
    press(c, 'C');
    let o = c.state.overlay;
    assert.ok(o?.kind === 'picker' && o.purpose === 'copy' && o.filter === '');
    type(c, 'proj');
    o = c.state.overlay;
    assert.ok(o?.kind === 'picker');
    assert.equal(o.filter, 'proj');
    press(c, 'down', 'enter');
    await until(() => c.state.info === 'Copied to Projects/2025', `copied (info ${c.state.info})`, c);
    assert.deepEqual(acc.moved, []);
    assert.equal(c.listCount(), 20, 'the original stays');
    // The move picker filters the same way: j is a letter of the filter there.
    press(c, 'm');
    type(c, 'arj');
    o = c.state.overlay;
    assert.ok(o?.kind === 'picker' && o.purpose === 'move');
    assert.equal(o.filter, 'arj');
    press(c, 'esc');
    assert.equal(c.state.overlay, undefined);
  } finally {
    await c.stop();
  }
});

test('i jumps to a folder of any account by part of its name', async () => {
  const a = new FakeAccount({ name: 'work', inboxSize: 10 });
  const b = new FakeAccount({ name: 'home', inboxSize: 10, extraFolders: ['Receipts'] });
  const c = startController([a, b]);
  try {
    await until(() => c.state.accounts.every((x) => x.folders.length > 0) && c.state.current?.opened === true, 'both listed', c);
    press(c, 'i');
    const o = c.state.overlay;
    assert.ok(o?.kind === 'picker' && o.purpose === 'jump');
    assert.ok(
      o.items.some((i) => i.label === 'home: Receipts'),
      o.items.map((i) => i.label).join(', '),
    );
    type(c, 'rece');
    press(c, 'enter');
    await until(() => c.state.current?.account === 'home' && c.state.current.path === 'Receipts' && c.state.current.opened, 'jumped', c);
    assert.equal(c.state.focus, 'list');
    assert.equal(folderRows(c.state)[c.state.folderCursor]?.folder?.path, 'Receipts');
  } finally {
    await c.stop();
  }
});

async function inFolderPane(c: UiController, path: string): Promise<void> {
  await until(() => c.state.current?.opened === true && c.state.accounts[0]!.folders.length > 0, 'INBOX', c);
  press(c, 'h');
  assert.equal(c.state.focus, 'folders');
  const i = folderRows(c.state).findIndex((r) => r.folder?.path === path);
  assert.ok(i >= 0, path);
  for (let k = c.state.folderCursor; k < i; k++) press(c, 'j');
  for (let k = c.state.folderCursor; k > i; k--) press(c, 'k');
}

test('folder pane: + creates, = renames, S unsubscribes, d deletes after naming the messages lost', async () => {
  const acc = new FolderFake();
  const c = startController([acc]);
  try {
    await inFolderPane(c, 'Archive');
    press(c, '+');
    let o = c.state.overlay;
    assert.ok(o?.kind === 'prompt' && o.purpose === 'createFolder');
    assert.equal(o.value, 'Archive/', 'starts under the folder at the cursor');
    type(c, 'Old');
    press(c, 'enter');
    await until(() => c.state.info === 'Created folder Archive/Old', `created (${c.state.info})`, c);
    assert.deepEqual(acc.ops, ['create Archive/Old']);
    assert.equal(folderRows(c.state)[c.state.folderCursor]?.folder?.path, 'Archive/Old', 'the cursor is on the new folder');

    press(c, '=');
    o = c.state.overlay;
    assert.ok(o?.kind === 'prompt' && o.purpose === 'renameFolder' && o.value === 'Archive/Old');
    press(c, 'C-u');
    type(c, 'Older');
    press(c, 'enter');
    await until(() => c.state.info === 'Renamed Archive/Old to Older', `renamed (${c.state.info})`, c);
    assert.equal(acc.ops.at(-1), 'rename Archive/Old Older');

    press(c, 'S');
    await until(() => c.state.info === 'Unsubscribed from Older', 'unsubscribed', c);
    assert.equal(c.state.accounts[0]!.folders.find((f) => f.path === 'Older')?.subscribed, false);

    await inFolderPane(c, 'Archive');
    press(c, 'd');
    o = c.state.overlay;
    assert.ok(o?.kind === 'confirmFolderDelete');
    assert.equal(o.text, 'Delete folder Archive? its 10 messages will be lost for good (y/n)');
    press(c, 'n');
    assert.equal(c.state.info, 'Folder not deleted');
    press(c, 'd', 'y');
    await until(() => c.state.info === 'Deleted folder Archive', 'deleted', c);
    assert.equal(acc.ops.at(-1), 'delete Archive');
    assert.ok(!c.state.accounts[0]!.folders.some((f) => f.path === 'Archive'));
  } finally {
    await c.stop();
  }
});

test('folder keys explain themselves: INBOX, no folder operations, outside the folder pane', async () => {
  const plain = new FakeAccount({ inboxSize: 5 });
  const c = startController([plain]);
  try {
    await until(() => c.state.current?.opened === true, 'INBOX', c);
    press(c, '+');
    assert.match(c.state.info ?? '', /folder pane/);
    await inFolderPane(c, 'Archive');
    press(c, '+');
    assert.equal(c.state.info, 'This account cannot create, rename or delete folders');
    press(c, 'S');
    assert.match(c.state.info ?? '', /no subscriptions/);
    assert.equal(c.state.overlay, undefined);
  } finally {
    await c.stop();
  }
  const ops = new FolderFake();
  const c2 = startController([ops]);
  try {
    await inFolderPane(c2, 'INBOX');
    press(c2, 'd');
    assert.equal(c2.state.info, 'INBOX cannot be deleted');
    press(c2, '=');
    assert.equal(c2.state.info, 'INBOX cannot be renamed');
    assert.deepEqual(ops.ops, []);
  } finally {
    await c2.stop();
  }
});
