// The `:` command line: every key-table action is a command (named from its id), Tab completes
// command names and folder names, the hand-off commands take an argument (:open N, :pipe CMD),
// an unknown command gives one clear line. Driven through the controller over a fake.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { OpenPlan } from '../../src/handoff/index.js';
import { DEFAULT_BINDINGS, MAIN_ACTIONS } from '../../src/ui/keys/bindings.js';
import { actionForCommand, commandName, commandNames, completeCommandLine } from '../../src/ui/keys/commands.js';
import type { MessageLoader, ReaderMessage } from '../../src/ui/message-loader.js';
import type { UiController } from '../../src/ui/state/controller.js';
import { startController, until } from '../helpers/ui-controller.js';
import { FakeAccount } from './ui-fake-account.js';

const key = (c: UiController, ...specs: string[]) => {
  for (const spec of specs) c.handleKey({ spec, text: spec.length === 1 ? spec : '' });
};
const type = (c: UiController, text: string) => {
  for (const ch of text) c.handleKey({ spec: ch === ' ' ? 'space' : ch, text: ch });
};
const command = (c: UiController, line: string) => {
  key(c, ':');
  type(c, line);
  key(c, 'enter');
};
const listed = (c: UiController) => until(() => !!c.state.current?.opened && !!c.rowAt(0), 'rows', c);

test('every action bound to a key has a command, and the command names that action', () => {
  const bound = MAIN_ACTIONS.filter((a) => DEFAULT_BINDINGS[a].keys.length > 0);
  assert.ok(bound.length > 50);
  const names = commandNames();
  for (const a of bound) {
    assert.ok(names.includes(commandName(a)), `no command for ${a}`);
    assert.equal(actionForCommand(commandName(a)), a);
    assert.equal(actionForCommand(a), a, 'the action id itself works too');
  }
  assert.equal(commandName('nextUnread'), 'next-unread');
  assert.equal(actionForCommand('no-such-thing'), undefined);
});

test('Tab completes command names, then folder names after :move, :copy and :folder', () => {
  assert.deepEqual(completeCommandLine('next-unr', []), { value: 'next-unread ', candidates: [] });
  const several = completeCommandLine('toggle-f', []);
  assert.equal(several.value, 'toggle-f');
  assert.deepEqual(several.candidates, ['toggle-flag', 'toggle-folders']);
  assert.equal(completeCommandLine('tog', []).value, 'toggle-', 'what they share is filled in');
  assert.deepEqual(completeCommandLine('move ar', ['INBOX', 'Archive', 'Archive/2024']), { value: 'move Archive', candidates: ['Archive', 'Archive/2024'] });
  assert.deepEqual(completeCommandLine('folder In', ['INBOX', 'Archive']), { value: 'folder INBOX', candidates: [] });
  assert.deepEqual(completeCommandLine('pipe wc', ['INBOX']), { value: 'pipe wc', candidates: [] }, 'no folder names after :pipe');
});

test('commands run the actions of their keys; an unknown command says so', async () => {
  const c = startController([new FakeAccount({ inboxSize: 20 })]);
  try {
    await listed(c);
    command(c, 'next-message');
    assert.equal(c.state.listCursor, 1);
    command(c, 'bottom');
    assert.equal(c.state.listCursor, 19);
    command(c, 'toggleFolders');
    assert.equal(c.state.foldersHidden, true);
    command(c, 'frobnicate');
    assert.match(c.state.info ?? '', /^Unknown command ":frobnicate" — Tab lists the commands/);
    command(c, 'help');
    assert.equal(c.state.overlay?.kind, 'help');
    key(c, 'esc');
    command(c, 'folder Archive');
    await until(() => c.state.current?.path === 'Archive', 'Archive opened', c);
    command(c, 'folder');
    const picker = c.state.overlay as { kind: string; purpose?: string } | undefined;
    assert.ok(picker?.kind === 'picker' && picker.purpose === 'jump', ':folder alone is the folder picker');
    key(c, 'esc');
    await listed(c);
    command(c, 'move');
    const move = c.state.overlay as { kind: string; purpose?: string } | undefined;
    assert.ok(move?.kind === 'picker' && move.purpose === 'move', ':move alone is the move picker');
  } finally {
    await c.stop();
  }
});

test('Tab in the command prompt completes and lists; typing clears the list', async () => {
  const c = startController([new FakeAccount({ inboxSize: 5 })]);
  try {
    await until(() => c.state.accounts[0]!.folders.length > 0 && !!c.state.current?.opened, 'folders', c);
    key(c, ':');
    type(c, 'cop');
    key(c, 'tab');
    let o = c.state.overlay;
    assert.ok(o?.kind === 'prompt' && o.value === 'copy ', JSON.stringify(o));
    type(c, 'Arch');
    key(c, 'tab');
    o = c.state.overlay;
    assert.ok(o?.kind === 'prompt' && o.value === 'copy Archive' && o.hint === 'Archive  Archive/2024', JSON.stringify(o));
    type(c, '/');
    key(c, 'tab');
    o = c.state.overlay;
    assert.ok(o?.kind === 'prompt' && o.value === 'copy Archive/2024' && o.hint === undefined, JSON.stringify(o));
  } finally {
    await c.stop();
  }
});

const MESSAGE: ReaderMessage = {
  from: 'a@example.org',
  to: 'me@example.org',
  cc: '',
  date: 'Mon 2024-01-01 10:00',
  subject: 'Parts',
  text: 'body',
  headerLines: [],
  attachments: [
    { filename: 'a.pdf', contentType: 'application/pdf', size: 3 },
    { filename: 'b.txt', contentType: 'text/plain', size: 2 },
  ],
  warnings: [],
};

test(':open N opens attachment N and :pipe CMD pipes, from the list cursor', async () => {
  const plans: OpenPlan[] = [];
  const loader: MessageLoader = {
    load: async () => MESSAGE,
    render: (t) => t.split('\n'),
    saveAttachment: async () => '',
    content: async (_m, which) =>
      which === 'html' ? undefined : { bytes: Buffer.from('x'), filename: MESSAGE.attachments[which]!.filename, contentType: 'text/plain' },
    rawStream: async () => Readable.from([Buffer.from('Subject: Parts\r\n\r\none\r\ntwo\r\n')]),
  };
  const c = startController([new FakeAccount({ inboxSize: 5 })], {
    loader,
    handoff: {
      run: async (p) => {
        plans.push(p);
        return {};
      },
    },
  });
  try {
    await listed(c);
    command(c, 'open 2');
    await until(() => plans.length === 1, 'opened', c);
    assert.match(plans[0]!.argv.join(' '), /b\.txt/);
    await until(() => /Opened b\.txt/.test(c.state.info ?? ''), 'opened note', c);
    command(c, 'open 3');
    await until(() => /No attachment 3 \(this message has 2\)/.test(c.state.info ?? ''), 'no third part', c);
    command(c, 'open x');
    assert.match(c.state.info ?? '', /:open N opens attachment N/);
    command(c, 'pipe wc -l | tr -d " "');
    await until(() => /finished/.test(c.state.info ?? ''), 'piped', c);
    assert.match(c.state.info!, /^4 \(/);
    command(c, 'pipe');
    assert.ok(c.state.overlay?.kind === 'prompt' && c.state.overlay.purpose === 'pipe', ':pipe alone asks for the command');
  } finally {
    await c.stop();
  }
});

test('| with a terminal to hand over: the command runs inside the suspend, then waits for a key', async () => {
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const out = join(mkdtempSync(join(tmpdir(), 'tmail-pipe-tty-')), 'out.eml');
  const events: string[] = [];
  const loader: MessageLoader = {
    load: async () => MESSAGE,
    render: (t) => t.split('\n'),
    saveAttachment: async () => '',
    rawStream: async () => Readable.from([Buffer.from('Subject: Parts\r\n\r\none\r\n')]),
  };
  const c = startController([new FakeAccount({ inboxSize: 5 })], {
    loader,
    handoff: {
      suspend: async (fn) => {
        events.push('suspend');
        try {
          return await fn();
        } finally {
          events.push('resume');
        }
      },
      pressAnyKey: async (text) => {
        events.push(`key: ${text}`);
      },
    },
  });
  try {
    await listed(c);
    command(c, `pipe cat > ${out}`);
    await until(() => events.includes('resume'), 'resumed', c);
    assert.deepEqual(events.slice(0, 1), ['suspend']);
    assert.match(events[1]!, /^key: `cat > .*` finished\r\nPress any key to return to tmail$/);
    assert.equal(events[2], 'resume');
    assert.match(readFileSync(out, 'utf8'), /Subject: Parts/);
    await until(() => /`cat > .*` finished/.test(c.state.info ?? ''), 'status', c);
  } finally {
    await c.stop();
  }
});
