// Key bindings as data: every action the UI understands, its default keys, where it applies and
// a one-line description. The help overlay is generated from this, and the user's `keys` map in
// config.json overrides the defaults per action. To add a key: name the action here, give it a
// binding, then handle it in state/reducer.ts (pure) or state/controller.ts (an effect).
import type { Key } from 'ink';

/** The mail screen's actions (folder pane, list, reader; overlays reuse the moves). */
export const MAIN_ACTIONS = [
  'down',
  'up',
  'top',
  'bottom',
  'pageDown',
  'pageUp',
  'halfPageDown',
  'halfPageUp',
  'open',
  'back',
  'nextPane',
  'toggleFlag',
  'toggleRead',
  'delete',
  'move',
  'search',
  'fullHeaders',
  'saveAttachment',
  'sortOrder',
  'threadView',
  'sync',
  'compose',
  'reply',
  'replyAll',
  'forward',
  'editDraft',
  'help',
  'command',
  'switchMode',
  'trace',
  'traceZoom',
  'toggleFolders',
  'suspend',
  'redraw',
  'quit',
  'rawSource',
  'password',
  'copy',
  'jumpFolder',
  'openAttachment',
  'viewHtml',
  'openUrl',
  'pipe',
  'createFolder',
  'renameFolder',
  'subscribeFolder',
  'tag',
  'tagQuery',
  'untagAll',
  'tagPrefix',
  'undo',
  'limit',
  'nextUnread',
  'prevUnread',
  'nextThread',
  'prevThread',
  'nextMessage',
  'prevMessage',
  'toggleThread',
  'toggleAllThreads',
] as const;
/** Keys of dialogs, pickers and prompts (typed text goes into a prompt unless bound here). */
export const DIALOG_ACTIONS = ['yes', 'submit', 'cancel', 'erase', 'clearLine', 'complete', 'leaveOnServer', 'traceAll'] as const;
/** Keys of the compose confirm screen (after the editor). */
export const COMPOSE_ACTIONS = ['send', 'edit', 'attach', 'editTo', 'editCc', 'editBcc', 'identity', 'postpone', 'discard', 'resumeDraft', 'newDraft'] as const;
export const ACTIONS = [...MAIN_ACTIONS, ...DIALOG_ACTIONS, ...COMPOSE_ACTIONS] as const;

export type MainAction = (typeof MAIN_ACTIONS)[number];
export type DialogAction = (typeof DIALOG_ACTIONS)[number];
export type ComposeAction = (typeof COMPOSE_ACTIONS)[number];
export type Action = MainAction | DialogAction | ComposeAction;

/** Where a key is looked up: the same key may mean one thing in each scope. */
export type KeyScope = 'main' | 'dialog' | 'compose';
const SCOPES: Record<KeyScope, readonly Action[]> = { main: MAIN_ACTIONS, dialog: DIALOG_ACTIONS, compose: COMPOSE_ACTIONS };
export const SCOPE_TITLES: Record<KeyScope, string> = {
  main: 'Mail',
  dialog: 'Dialogs, pickers and prompts',
  compose: 'After writing a message (compose screen)',
};

export function scopeOf(action: Action): KeyScope {
  return (DIALOG_ACTIONS as readonly string[]).includes(action) ? 'dialog' : (COMPOSE_ACTIONS as readonly string[]).includes(action) ? 'compose' : 'main';
}

export interface Binding {
  keys: string[];
  description: string;
}

export const DEFAULT_BINDINGS: Record<Action, Binding> = {
  down: { keys: ['j', 'down'], description: 'Next message / folder, or scroll down in the reader' },
  up: { keys: ['k', 'up'], description: 'Previous message / folder, or scroll up in the reader' },
  top: { keys: ['g', 'home'], description: 'First (newest) message / top of the message' },
  bottom: { keys: ['G', 'end'], description: 'Last (oldest) message / end of the message' },
  pageDown: { keys: ['pagedown', 'space'], description: 'One page down' },
  pageUp: { keys: ['pageup'], description: 'One page up' },
  halfPageDown: { keys: ['C-d'], description: 'Half a page down' },
  halfPageUp: { keys: ['C-u'], description: 'Half a page up' },
  open: { keys: ['enter', 'l', 'right'], description: 'Open the folder or message' },
  back: { keys: ['h', 'esc', 'left'], description: 'Back (reader -> list -> folders); leave search results' },
  nextPane: { keys: ['tab'], description: 'Cycle the focused pane' },
  toggleFlag: { keys: ['f'], description: 'Toggle \\Flagged' },
  toggleRead: { keys: ['N'], description: 'Toggle read / unread (\\Seen)' },
  delete: { keys: ['d'], description: 'Delete the message (asks; to Trash if any), or the folder in the pane' },
  move: { keys: ['m'], description: 'Move the message to another folder, of any account (picker)' },
  search: { keys: ['/'], description: 'Search the current folder' },
  fullHeaders: { keys: ['H'], description: 'Toggle full headers in the reader' },
  password: { keys: ['P'], description: 'After a refused login: enter the password again (not shown) and log in' },
  rawSource: { keys: ['V'], description: 'Raw source of the message on / off (s there saves the whole .eml)' },
  saveAttachment: { keys: ['s'], description: 'Save an attachment of the open message' },
  sortOrder: { keys: ['o'], description: 'Sort: arrival, date, sender, subject (by the server when it can)' },
  threadView: { keys: ['v'], description: 'Thread view on / off (References, else same subject)' },
  sync: { keys: ['$', 'f5'], description: 'Check for new mail (POP3: download; IMAP: refresh)' },
  compose: { keys: ['c'], description: 'Write a new message (opens $VISUAL / $EDITOR)' },
  reply: { keys: ['r'], description: 'Reply to the sender' },
  replyAll: { keys: ['R'], description: 'Reply to the sender and all recipients (minus yourself)' },
  forward: { keys: ['F'], description: 'Forward the message (inline, attachments kept)' },
  editDraft: { keys: ['E'], description: 'Edit and send as a draft (removed from Drafts once sent)' },
  help: { keys: ['?'], description: 'Show / hide this help' },
  switchMode: { keys: ['M'], description: 'Switch the account IMAP <-> POP3 (says what happens, asks first)' },
  command: { keys: [':'], description: 'Command line: any action by name, Tab completes (:move F, :open N…)' },
  trace: { keys: ['t'], description: 'Live protocol trace pane on / off (passwords hidden)' },
  traceZoom: { keys: ['T'], description: 'Protocol trace full screen: scroll, a = all accounts' },
  toggleFolders: { keys: ['B'], description: 'Show / hide the folder pane beside the list' },
  suspend: { keys: ['C-z'], description: 'Suspend to the shell (`fg` comes back)' },
  redraw: { keys: ['C-l'], description: 'Redraw the whole screen' },
  quit: { keys: ['q'], description: 'Quit (Ctrl-C: cancel a prompt or dialog, else quit)' },
  copy: { keys: ['C'], description: 'Copy the message to another folder, of any account (picker: type to filter)' },
  jumpFolder: { keys: ['i'], description: 'Go to a folder of any account: type part of its name, Enter' },
  openAttachment: { keys: ['O'], description: 'Open an attachment with the system handler (mailcap, else xdg-open)' },
  viewHtml: { keys: ['W'], description: 'View the HTML part in the web browser (a private temp file)' },
  openUrl: { keys: ['U'], description: 'Links of the message: pick one, Enter opens it in the browser' },
  pipe: { keys: ['|'], description: 'Pipe the message (in the O picker: the part) to a shell command' },
  createFolder: { keys: ['+'], description: 'Folder pane: create a folder (levels separated by /)' },
  renameFolder: { keys: ['='], description: 'Folder pane: rename the folder (with its subfolders)' },
  subscribeFolder: { keys: ['S'], description: 'Folder pane: subscribe / unsubscribe (IMAP)' },
  tag: { keys: ['x'], description: 'Tag / untag the message; tags stay when you open another folder' },
  tagQuery: { keys: ['X'], description: 'Tag the messages matching a search query (from:ann is:unread …)' },
  untagAll: { keys: ['C-t'], description: 'Untag all messages' },
  tagPrefix: { keys: [';'], description: 'Apply the next action (N f d m C) to the tagged messages of all folders (u undoes it all)' },
  undo: { keys: ['u'], description: 'Undo the last delete, move or flag change (repeat for earlier ones)' },
  limit: { keys: ['L'], description: 'Limit the list to a search query (Esc or an empty query shows all)' },
  nextUnread: { keys: ['n'], description: 'Next unread message anywhere in the folder (then the next folder with unread mail)' },
  prevUnread: { keys: ['p'], description: 'Previous unread message' },
  nextThread: { keys: ['C-n'], description: 'Next thread (thread view)' },
  prevThread: { keys: ['C-p'], description: 'Previous thread (thread view)' },
  nextMessage: { keys: ['J'], description: 'Next message (opens it when reading)' },
  prevMessage: { keys: ['K'], description: 'Previous message (opens it when reading)' },
  toggleThread: { keys: ['z'], description: 'Collapse / expand the thread (thread view); actions on it apply to all' },
  toggleAllThreads: { keys: ['Z'], description: 'Expand all threads, or collapse all loaded ones (thread view)' },
  yes: { keys: ['y', 'Y'], description: 'Answer yes (delete, switch mode, discard a draft); any other key is no' },
  submit: { keys: ['enter'], description: 'Run the prompt / pick the item' },
  cancel: { keys: ['esc'], description: 'Close the prompt, picker or trace view' },
  erase: { keys: ['backspace', 'delete'], description: 'Erase the last character of the prompt' },
  clearLine: { keys: ['C-u'], description: 'Clear the prompt' },
  complete: { keys: ['tab'], description: 'Complete an address (To/Cc/Bcc) or a path (save); again: next match' },
  leaveOnServer: { keys: ['l', 'L'], description: 'Switching to POP3: keep the mail on the server too' },
  traceAll: { keys: ['a'], description: 'Trace view: this account / all accounts' },
  send: { keys: ['y', 's'], description: 'Send the message' },
  edit: { keys: ['e'], description: 'Edit the message again' },
  attach: { keys: ['a'], description: 'Attach a file (asks for its path)' },
  editTo: { keys: ['t'], description: 'Change To (Tab completes addresses)' },
  editCc: { keys: ['C'], description: 'Change Cc' },
  editBcc: { keys: ['b'], description: 'Change Bcc' },
  identity: { keys: ['f'], description: 'Send from the next identity (From address and signature)' },
  postpone: { keys: ['p'], description: 'Postpone: keep the draft for later' },
  discard: { keys: ['q', 'c', 'esc'], description: 'Discard the draft (asks first); close the resume question' },
  resumeDraft: { keys: ['r'], description: 'A draft was left: resume it' },
  newDraft: { keys: ['n'], description: 'A draft was left: start a new message instead' },
};

export type KeyTable = Record<Action, Binding>;

export class KeyConfigError extends Error {}

/**
 * Applies the user's `keys` map (action -> space-separated key specs, e.g. `"down": "j down C-n"`).
 * Unknown actions or empty specs are reported precisely instead of being ignored silently.
 */
export function buildKeyTable(user?: Record<string, string>): KeyTable {
  const table = Object.fromEntries(ACTIONS.map((a) => [a, { ...DEFAULT_BINDINGS[a], keys: [...DEFAULT_BINDINGS[a].keys] }])) as KeyTable;
  if (!user) return table;
  for (const [action, spec] of Object.entries(user)) {
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new KeyConfigError(`config "keys": unknown action "${action}" (known: ${ACTIONS.join(', ')})`);
    }
    if (typeof spec !== 'string' || spec.trim() === '') {
      throw new KeyConfigError(`config "keys.${action}": expected key names separated by spaces, e.g. "j down"`);
    }
    const keys = spec.trim().split(/\s+/);
    // A key given to this action is taken away from whatever had it by default in its scope.
    for (const other of SCOPES[scopeOf(action as Action)]) table[other].keys = table[other].keys.filter((k) => !keys.includes(k));
    table[action as Action].keys = keys;
  }
  return table;
}

/** The key spec of one keypress as Ink reports it: 'j', 'G', 'C-d', 'enter', 'esc', 'down'… */
export function keySpec(input: string, key: Key): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageDown) return 'pagedown';
  if (key.pageUp) return 'pageup';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'esc';
  if (key.tab) return key.shift ? 'S-tab' : 'tab';
  if (key.backspace) return 'backspace';
  if (key.delete) return 'delete';
  if (key.ctrl && input) return `C-${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input;
}

export function actionFor(table: KeyTable, spec: string): MainAction | undefined;
export function actionFor(table: KeyTable, spec: string, scope: 'dialog'): DialogAction | undefined;
export function actionFor(table: KeyTable, spec: string, scope: 'compose'): ComposeAction | undefined;
/** The action `spec` is bound to in `scope` (the mail screen by default). */
export function actionFor(table: KeyTable, spec: string, scope: KeyScope = 'main'): Action | undefined {
  for (const a of SCOPES[scope]) if (table[a].keys.includes(spec)) return a;
  return undefined;
}

/** How a key spec is shown to the user. */
export function displayKey(spec: string): string {
  const names: Record<string, string> = {
    up: '↑',
    down: '↓',
    left: '←',
    right: '→',
    pagedown: 'PgDn',
    pageup: 'PgUp',
    home: 'Home',
    end: 'End',
    enter: 'Enter',
    esc: 'Esc',
    tab: 'Tab',
    'S-tab': 'Shift-Tab',
    space: 'Space',
  };
  if (/^f\d+$/.test(spec)) return spec.toUpperCase();
  if (names[spec]) return names[spec]!;
  if (spec.startsWith('C-')) return `Ctrl-${spec.slice(2)}`;
  return spec;
}

/**
 * Ink delivers several characters that arrive in one read (fast typing, key repeat over SSH,
 * tmux send-keys) as one "paste" string; each character is a key of its own to us.
 */
export function splitTyped(input: string): { spec: string; text: string }[] {
  const out: { spec: string; text: string }[] = [];
  for (const ch of input) {
    const code = ch.codePointAt(0)!;
    if (ch === '\r' || ch === '\n') out.push({ spec: 'enter', text: '' });
    else if (ch === '\t') out.push({ spec: 'tab', text: '' });
    else if (ch === '\u007f' || ch === '\b') out.push({ spec: 'backspace', text: '' });
    else if (ch === ' ') out.push({ spec: 'space', text: ' ' });
    else if (code >= 1 && code <= 26) out.push({ spec: `C-${String.fromCharCode(code + 96)}`, text: '' });
    else if (code < 32 || (code >= 0x7f && code <= 0x9f)) continue;
    else out.push({ spec: ch, text: ch });
  }
  return out;
}

/** Function keys, which Ink's useInput reports as nothing at all: matched on the raw sequence. */
export const FUNCTION_KEYS: Record<string, string> = {
  '\u001bOP': 'f1',
  '\u001bOQ': 'f2',
  '\u001bOR': 'f3',
  '\u001bOS': 'f4',
  '\u001b[11~': 'f1',
  '\u001b[12~': 'f2',
  '\u001b[13~': 'f3',
  '\u001b[14~': 'f4',
  '\u001b[15~': 'f5',
  '\u001b[[E': 'f5',
  '\u001b[17~': 'f6',
  '\u001b[18~': 'f7',
  '\u001b[19~': 'f8',
  '\u001b[20~': 'f9',
  '\u001b[21~': 'f10',
  '\u001b[23~': 'f11',
  '\u001b[24~': 'f12',
};
