// The backend contract as executable assertions: every MailAccount implementation (the in-memory
// fake, IMAP and POP3 on Dovecot, both protocols on the demo server) must pass the same tests.
// The UI relies on exactly these promises, e.g. that summaries fetched by UID (search results)
// carry the same flags and location as the same message in a window.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Readable } from 'node:stream';
import type { MailAccount } from '../../src/accounts/account.js';
import type { MessageSummary } from '../../src/domain/index.js';
import { changeFlags, deleteWithUndo, moveWithUndo, undoAction } from '../../src/accounts/undo.js';
import { matches, parseSearch } from '../../src/search/index.js';

export interface ContractSubject {
  /**
   * A connected account whose INBOX holds at least 3 messages with distinct plain-ASCII subjects
   * (a backend that downloads mail has already synced).
   */
  open(): Promise<MailAccount>;
}

const INBOX = 'INBOX';

/** A summary as compared across calls: flags in a stable order, without list-only fields. */
function comparable(s: MessageSummary): Omit<MessageSummary, 'threadDepth'> {
  const { threadDepth: _depth, ...rest } = s;
  return { ...rest, flags: [...s.flags].filter((f) => f !== '\\Recent').sort() };
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks).toString('latin1');
}

/** Defines the contract tests inside the caller's describe(). */
export function accountContract(subject: ContractSubject): void {
  let account: MailAccount;
  let window: MessageSummary[];
  let picked: MessageSummary;

  const windowEntry = async (uid: number) => (await account.fetchWindow(INBOX, 0, 500)).find((s) => s.uid === uid);

  before(async () => {
    account = await subject.open();
    await account.openFolder(INBOX);
    window = await account.fetchWindow(INBOX, 0, 500);
    const plain = window.filter((s) => /^[\x20-\x7e]{6,}$/.test(s.subject) && window.filter((o) => o.subject.includes(s.subject)).length === 1);
    assert.ok(plain.length >= 2, 'the subject needs messages with distinct plain subjects');
    picked = plain[1]!;
  });

  test('capabilities are stated in full and agree with the methods offered', () => {
    const c = account.capabilities;
    for (const key of ['serverFlags', 'serverFolders', 'serverSearch', 'push', 'downloadsMail'] as const) {
      assert.equal(typeof c[key], 'boolean', `capabilities.${key}`);
    }
    assert.ok(c.mailLocation === 'server' || c.mailLocation === 'local', 'capabilities.mailLocation');
    assert.ok(c.sortOrders.includes('arrival'), 'every backend serves arrival order');
    assert.equal(typeof account.sync === 'function', c.downloadsMail, 'sync() exists exactly when mail is downloaded');
  });

  test('every summary says where the message lives, as the capabilities say', () => {
    assert.ok(window.length >= 3);
    for (const s of window) assert.equal(s.location.kind, account.capabilities.mailLocation, `uid ${s.uid}`);
  });

  test('INBOX is listed, and its counts match the window', async () => {
    const folders = await account.listFolders();
    const inbox = folders.find((f) => f.path === INBOX);
    assert.ok(inbox, 'INBOX is listed');
    const opened = await account.openFolder(INBOX);
    assert.equal(opened.total, window.length);
    assert.equal(opened.unread, (await account.fetchWindow(INBOX, 0, 500)).filter((s) => !s.flags.includes('\\Seen')).length);
  });

  test('arrival windows are newest first, and slices of the folder agree', async () => {
    const uids = window.map((s) => s.uid);
    assert.deepEqual(
      uids,
      [...uids].sort((a, b) => b - a),
      'newest (highest UID) first',
    );
    const middle = await account.fetchWindow(INBOX, 1, 2);
    assert.deepEqual(
      middle.map((s) => s.uid),
      uids.slice(1, 3),
    );
    assert.deepEqual(await account.fetchWindow(INBOX, window.length, 5), []);
  });

  test('a read, flagged message found by search keeps its flags and location (summaries by UID)', async () => {
    await account.addFlags(INBOX, [picked.uid], ['\\Seen', '\\Flagged']);
    const inWindow = await windowEntry(picked.uid);
    assert.ok(inWindow);
    assert.deepEqual(
      comparable(inWindow).flags.filter((f) => f === '\\Seen' || f === '\\Flagged'),
      ['\\Flagged', '\\Seen'],
    );

    const hits = await account.search(INBOX, { subject: picked.subject });
    assert.ok(hits.includes(picked.uid), 'found by subject');
    assert.deepEqual(
      hits,
      [...hits].sort((a, b) => b - a),
      'search results are newest first',
    );
    const found = (await account.fetchSummaries(INBOX, hits)).find((s) => s.uid === picked.uid);
    assert.ok(found, 'fetchSummaries returns the hit');
    assert.deepEqual(comparable(found), comparable(inWindow), 'same summary as in the window: flags, location, headers');

    assert.ok((await account.search(INBOX, { flagged: true })).includes(picked.uid), 'found as flagged');
    assert.ok(!(await account.search(INBOX, { unseen: true })).includes(picked.uid), 'not found as unseen');
  });

  test('removed flags are gone from windows, summaries and search', async () => {
    await account.removeFlags(INBOX, [picked.uid], ['\\Flagged', '\\Seen']);
    const inWindow = await windowEntry(picked.uid);
    assert.ok(inWindow);
    assert.ok(!inWindow.flags.includes('\\Flagged') && !inWindow.flags.includes('\\Seen'));
    const [bySummary] = await account.fetchSummaries(INBOX, [picked.uid]);
    assert.deepEqual(comparable(bySummary!), comparable(inWindow));
    assert.ok(!(await account.search(INBOX, { flagged: true })).includes(picked.uid));
    assert.ok((await account.search(INBOX, { unseen: true })).includes(picked.uid));
  });

  test('fetchSummaries keeps the order asked for and leaves out unknown UIDs', async () => {
    const [a, b] = [window[0]!.uid, window[2]!.uid];
    const got = await account.fetchSummaries(INBOX, [b, 999_999, a]);
    assert.deepEqual(
      got.map((s) => s.uid),
      [b, a],
    );
    assert.deepEqual(await account.fetchSummaries(INBOX, []), []);
  });

  test('fetchRaw streams the message the summary describes, without marking it read', async () => {
    const raw = await text(await account.fetchRaw(INBOX, picked.uid));
    const subjectLine = /^Subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ');
    assert.equal(subjectLine?.trim(), picked.subject);
    assert.ok(!(await windowEntry(picked.uid))!.flags.includes('\\Seen'), 'reading does not set \\Seen');
  });

  test("fetchRaw chunks are the reader's: detaching them (as the reader's transfer to its worker does) leaves the next read whole", async () => {
    const first: Buffer[] = [];
    for await (const chunk of await account.fetchRaw(INBOX, picked.uid)) {
      const buf = chunk as Buffer;
      first.push(Buffer.from(buf));
      if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && buf.buffer instanceof ArrayBuffer)
        structuredClone(buf.buffer, { transfer: [buf.buffer] });
    }
    const again = await text(await account.fetchRaw(INBOX, picked.uid));
    assert.equal(again, Buffer.concat(first).toString('latin1'));
  });

  test('a stored message (a Sent copy) is the newest of the sent folder, with its flags', async () => {
    const folder = await account.specialFolder('sent');
    assert.equal(await account.specialFolder('sent'), folder, 'the same folder every time');
    const before = (await account.openFolder(folder)).total;
    const subject = `Contract sent copy ${process.pid}`;
    const raw = Buffer.from(
      `From: Me <me@example.org>\r\nTo: You <you@example.org>\r\nSubject: ${subject}\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\nMessage-ID: <contract-${process.pid}@example.org>\r\n\r\nBody.\r\n`,
    );
    await account.appendMessage(folder, raw, ['\\Seen']);
    assert.equal((await account.openFolder(folder)).total, before + 1);
    const [newest] = await account.fetchWindow(folder, 0, 1);
    assert.equal(newest?.subject, subject);
    assert.ok(newest.flags.includes('\\Seen'));
    assert.equal(newest.location.kind, account.capabilities.mailLocation);
    assert.ok((await account.search(folder, { subject })).includes(newest.uid));
  });

  test('a draft deleted with skipTrash is gone for good: not in its folder, not in Trash', async () => {
    const folder = await account.specialFolder('drafts');
    const before = (await account.openFolder(folder)).total;
    const subject = `Contract draft ${process.pid}`;
    const raw = Buffer.from(`From: Me <me@example.org>\r\nSubject: ${subject}\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n\r\nDraft.\r\n`);
    await account.appendMessage(folder, raw, ['\\Draft', '\\Seen']);
    const [draft] = await account.fetchWindow(folder, 0, 1);
    assert.equal(draft?.subject, subject);
    const outcome = await account.deleteMessages(folder, [draft.uid], { skipTrash: true });
    assert.ok(!outcome || outcome.result === 'expunged', `deleted, not ${outcome?.result}`);
    assert.equal((await account.openFolder(folder)).total, before);
    const trash = (await account.listFolders()).find((f) => f.specialUse === 'trash');
    if (trash) assert.deepEqual(await account.search(trash.path, { subject }), [], 'not in Trash');
  });

  test('an unknown folder is an AccountError of kind not-found', async () => {
    await assert.rejects(account.openFolder('No such folder here'), (err: unknown) => {
      assert.equal((err as { name?: string }).name, 'AccountError');
      assert.equal((err as { kind?: string }).kind, 'not-found');
      return true;
    });
  });

  // ---- bulk actions, undo, copy, folders, the search language ---------------------------------
  // These change INBOX, so they come after everything that relies on the window read in before().

  /** A destination folder: made when the backend can make folders, else one it lists besides INBOX and Trash. */
  const scratchFolder = async (name: string): Promise<string> => {
    const folders = await account.listFolders();
    if (account.capabilities.folderOps && account.createFolder) {
      const delimiter = folders.find((f) => f.path === INBOX)?.delimiter || '/';
      const path = name.replaceAll('/', delimiter);
      if (!folders.some((f) => f.path === path)) await account.createFolder(path);
      return path;
    }
    const other = folders.find((f) => f.path !== INBOX && f.specialUse !== 'trash' && f.selectable);
    assert.ok(other, 'a folder besides INBOX');
    return other.path;
  };
  const subjectsIn = async (folder: string) => (await account.fetchWindow(folder, 0, 1000)).map((s) => s.subject);

  test('flags on a set: one call each way; undo restores exactly what each message had', async () => {
    const set = (await account.fetchWindow(INBOX, 0, 3)).slice(0, 3);
    await account.addFlags(INBOX, [set[0]!.uid], ['\\Flagged']);
    await account.removeFlags(
      INBOX,
      set.slice(1).map((m) => m.uid),
      ['\\Flagged'],
    );
    await account.addFlags(INBOX, [set[1]!.uid], ['\\Seen']);
    await account.removeFlags(INBOX, [set[0]!.uid, set[2]!.uid], ['\\Seen']);
    const shown = await account.fetchSummaries(
      INBOX,
      set.map((m) => m.uid),
    );
    const before = new Map(shown.map((m) => [m.uid, comparable(m).flags]));

    const { undo } = await changeFlags(account, INBOX, shown, { add: ['\\Flagged', '\\Seen'] });
    for (const m of await account.fetchSummaries(
      INBOX,
      set.map((x) => x.uid),
    )) {
      assert.ok(m.flags.includes('\\Flagged') && m.flags.includes('\\Seen'), `uid ${m.uid} flagged and read`);
    }
    assert.equal(undo.kind, 'flags');
    await undoAction(account, undo);
    for (const m of await account.fetchSummaries(
      INBOX,
      set.map((x) => x.uid),
    ))
      assert.deepEqual(comparable(m).flags, before.get(m.uid), `uid ${m.uid} as before`);
  });

  test('move a set: gone from INBOX, in the destination with its new UIDs; undo moves it back', async () => {
    const dest = await scratchFolder('Contract moves');
    const inbox = await account.fetchWindow(INBOX, 0, 1000);
    const moving = inbox.slice(1, 3);
    const destBefore = await subjectsIn(dest);
    const { outcome, undo } = await moveWithUndo(
      account,
      INBOX,
      moving.map((m) => m.uid),
      dest,
    );
    assert.equal(outcome?.result, 'moved');
    assert.equal(outcome?.copies?.length, 2, 'the new UIDs of both');
    const inDest = await account.fetchSummaries(
      dest,
      outcome!.copies!.map((c) => c.to),
    );
    assert.deepEqual(inDest.map((s) => s.subject).sort(), moving.map((m) => m.subject).sort(), 'the copies are the moved messages');
    assert.deepEqual(outcome!.copies!.map((c) => c.from).sort(), moving.map((m) => m.uid).sort());
    const left = await account.fetchSummaries(
      INBOX,
      moving.map((m) => m.uid),
    );
    assert.deepEqual(left, [], 'gone from INBOX');

    assert.equal(undo.kind, 'move');
    await undoAction(account, undo);
    const back = await subjectsIn(INBOX);
    for (const m of moving) assert.ok(back.includes(m.subject), `${m.subject} is back in INBOX`);
    assert.equal(back.length, inbox.length, 'no duplicate, nothing lost');
    assert.deepEqual((await subjectsIn(dest)).sort(), destBefore.sort(), 'and gone from the destination');
  });

  test('delete outside Trash can be undone; copy leaves the originals and says where the copies are', async () => {
    const inbox = await account.fetchWindow(INBOX, 0, 1000);
    const victim = inbox[0]!;
    const goes = await account.whereDeleteGoes?.(INBOX);
    const { outcome, undo } = await deleteWithUndo(account, INBOX, [victim.uid]);
    if (goes !== undefined) {
      assert.equal(outcome?.result === 'moved' ? outcome.destination : null, goes, 'whereDeleteGoes said where it would go');
      if (goes) assert.equal(await account.whereDeleteGoes!(goes), null, 'in Trash a delete is for good');
    }
    if (outcome?.result === 'moved') {
      assert.equal(undo.kind, 'move');
      await undoAction(account, undo);
      assert.ok((await subjectsIn(INBOX)).includes(victim.subject), 'back after undo');
    } else {
      assert.equal(undo.kind, 'none', 'a delete for good cannot be undone, and the record says so');
    }

    const dest = await scratchFolder('Contract copies');
    const now = await account.fetchWindow(INBOX, 0, 2);
    const copied = await account.copyMessages(
      INBOX,
      now.map((m) => m.uid),
      dest,
    );
    assert.equal(copied?.copies.length, 2);
    const copies = await account.fetchSummaries(
      dest,
      copied!.copies.map((c) => c.to),
    );
    assert.deepEqual(copies.map((c) => c.subject).sort(), now.map((m) => m.subject).sort());
    assert.equal(
      (
        await account.fetchSummaries(
          INBOX,
          now.map((m) => m.uid),
        )
      ).length,
      2,
      'the originals stay',
    );
  });

  test('a search expression finds what the local evaluator finds in the summaries', async () => {
    const inbox = await account.fetchWindow(INBOX, 0, 1000);
    const target = inbox[inbox.length - 1]!;
    await account.addFlags(INBOX, [target.uid], ['\\Flagged']);
    const word = target.subject.split(/\s+/).find((w) => /^[A-Za-z]{4,}$/.test(w)) ?? target.subject;
    for (const query of [`is:flagged`, `subject:"${word}" or is:flagged`, `not is:read`, `(is:flagged or is:unread) not subject:"${word}"`]) {
      const expression = parseSearch(query);
      const fresh = await account.fetchWindow(INBOX, 0, 1000);
      const expected = fresh.filter((m) => matches(expression, { summary: m })).map((m) => m.uid);
      assert.deepEqual(await account.search(INBOX, { expression }), expected, query);
    }
  });

  test('folders: create, refuse a duplicate, rename with subfolders, refuse to delete a parent, delete', async (t) => {
    if (!account.capabilities.folderOps) return t.skip('this backend has no folder operations');
    assert.ok(account.createFolder && account.renameFolder && account.deleteFolder, 'the methods exist with the capability');
    const folders = await account.listFolders();
    const d = folders.find((f) => f.path === INBOX)?.delimiter || '/';
    const parent = `Contract tree ${process.pid}`;
    const child = `${parent}${d}Child`;
    await account.createFolder(parent);
    await account.createFolder(child);
    await assert.rejects(account.createFolder(parent), (err: unknown) => (err as { name?: string }).name === 'AccountError');
    const dest = await scratchFolder('Contract copies');
    const [one] = await account.fetchWindow(INBOX, 0, 1);
    await account.copyMessages(INBOX, [one!.uid], child);

    const renamed = `Contract renamed ${process.pid}`;
    await account.renameFolder(parent, renamed);
    const after = (await account.listFolders()).map((f) => f.path);
    assert.ok(after.includes(renamed) && after.includes(`${renamed}${d}Child`), 'the subfolder went along');
    assert.ok(!after.includes(parent) && !after.includes(child));
    assert.deepEqual(await subjectsIn(`${renamed}${d}Child`), [one!.subject], 'with its mail');

    await assert.rejects(account.deleteFolder(renamed), (err: unknown) => {
      assert.match((err as Error).message, /subfolders/);
      return true;
    });
    await account.deleteFolder(`${renamed}${d}Child`);
    await account.deleteFolder(renamed);
    const final = (await account.listFolders()).map((f) => f.path);
    assert.ok(!final.includes(renamed) && final.includes(dest));
    await assert.rejects(account.deleteFolder(INBOX));
    await assert.rejects(account.renameFolder(INBOX, 'Elsewhere'));
  });

  test('subscriptions, where the backend has them', async (t) => {
    if (!account.capabilities.subscriptions) {
      assert.equal(account.subscribeFolder, undefined, 'no method without the capability');
      return t.skip('no subscriptions');
    }
    const dest = await scratchFolder('Contract subscribed');
    await account.subscribeFolder!(dest, true);
    assert.equal((await account.listFolders()).find((f) => f.path === dest)?.subscribed, true);
    await account.subscribeFolder!(dest, false);
    assert.equal((await account.listFolders()).find((f) => f.path === dest)?.subscribed, false);
  });
}
